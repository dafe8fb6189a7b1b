import Foundation
import TrimtabModel

/// Arrivals from a per-second trace: `counts[k]` requests arrive during second k (such as the
/// Twitter and NASA traces of the reference data, one integer per second).
///
/// Within a second the arrivals are spread `.random`ly (independent uniform times, i.e. a Poisson
/// process conditioned on the count; the default) or `.even`ly (at (i + ½)/n). A `scale` multiplies
/// every count; fractional parts carry over to the next second, so the total is scaled exactly.
public struct TraceArrivals: ArrivalProcess {
    public enum Spread: String, Sendable { case random, even }

    public let counts: [Int32]
    public let scale: Double
    public let spread: Spread
    private var second = -1
    private var inSecond = 0
    private var remaining = 0
    private var position = 0.0
    private var carry = 0.0

    public init(counts: [Int32], scale: Double = 1, spread: Spread = .random) {
        self.counts = counts
        self.scale = scale
        self.spread = spread
    }

    /// Seconds covered by the trace.
    public var seconds: Int { counts.count }

    public var meanRate: Double {
        counts.isEmpty ? 0 : Double(counts.reduce(0) { $0 + Int($1) }) * scale / Double(counts.count)
    }

    public mutating func next(using rng: inout SeededGenerator) -> Double? {
        while remaining == 0 {
            second += 1
            guard second < counts.count else { return nil }
            let scaled = Double(counts[second]) * scale + carry
            let n = Int(scaled.rounded(.down))
            carry = scaled - Double(n)
            inSecond = n
            remaining = n
            position = 0
        }
        let i = inSecond - remaining
        switch spread {
        case .even:
            position = (Double(i) + 0.5) / Double(inSecond)
        case .random:
            // The next of `remaining` sorted uniforms on (position, 1): 1 − (1 − x)·U^(1/remaining).
            position = 1 - (1 - position) * Foundation.pow(rng.uniform(), 1 / Double(remaining))
        }
        remaining -= 1
        return Double(second) + position
    }

    /// Reads a trace file: non-negative integers separated by spaces, tabs, commas or newlines.
    /// - Complexity: O(file size), one pass over the bytes.
    public static func readCounts(path: String) throws(TrimtabError) -> [Int32] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrimtabError(code: .io, file: path, "cannot read the trace file")
        }
        var counts: [Int32] = []
        counts.reserveCapacity(data.count / 3)
        var current: Int64 = 0
        var inNumber = false
        var line = 1
        var failure: TrimtabError?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            for byte in raw {
                switch byte {
                case 0x30...0x39:
                    current = current * 10 + Int64(byte - 0x30)
                    if current > Int64(Int32.max) {
                        failure = TrimtabError(file: path, field: "line \(line)", "a count is too large")
                        return
                    }
                    inNumber = true
                case 0x20, 0x09, 0x0D, 0x2C, 0x0A:
                    if inNumber { counts.append(Int32(current)); current = 0; inNumber = false }
                    if byte == 0x0A { line += 1 }
                default:
                    failure = TrimtabError(file: path, field: "line \(line)",
                                           "'\(Character(UnicodeScalar(byte)))' in a trace of per-second counts (expected non-negative integers)")
                    return
                }
            }
            if inNumber { counts.append(Int32(current)) }
        }
        if let failure { throw failure }
        guard !counts.isEmpty else { throw TrimtabError(file: path, "the trace holds no counts") }
        return counts
    }

    /// Reads a trace packed as a bzip2 tarball (`.tbz2`, `.tar.bz2`; the reference traces): unpacks it
    /// into a temporary folder with `tar xjf` and reads its one file of counts. The folder is removed.
    public static func readPackedCounts(path: String) throws(TrimtabError) -> [Int32] {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw TrimtabError(code: .io, file: path, "cannot read the trace file")
        }
        let dir = NSTemporaryDirectory() + "trimtab-trace-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "xjf", path, "-C", dir]
        tar.standardError = FileHandle.nullDevice
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try tar.run()
        } catch {
            throw TrimtabError(code: .io, file: path, "cannot unpack the trace (tar xjf): \(error.localizedDescription)")
        }
        tar.waitUntilExit()
        let files = (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: dir + "/" + $0, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        guard tar.terminationStatus == 0, files.count == 1, let file = files.first else {
            throw TrimtabError(file: path, "not a bzip2 tarball holding one trace file")
        }
        do {
            return try readCounts(path: dir + "/" + file)
        } catch {
            throw TrimtabError(file: path, field: error.field, error.message)
        }
    }

    /// Reads a CSV of arrival timestamps (seconds, first column; a header line is skipped),
    /// shifted so that the first arrival is at 0 and divided by `scale` (2 = twice the rate).
    public static func readTimestamps(path: String, scale: Double = 1) throws(TrimtabError) -> [Double] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw TrimtabError(code: .io, file: path, "cannot read the timestamps file")
        }
        var times: [Double] = []
        for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let cell = line.split(separator: ",", omittingEmptySubsequences: false).first.map {
                $0.trimmingCharacters(in: .whitespaces)
            } ?? ""
            if cell.isEmpty { continue }
            guard let t = Double(cell), t.isFinite else {
                if index == 0 { continue }  // header
                throw TrimtabError(file: path, field: "line \(index + 1)", "'\(cell)' is not a timestamp in seconds")
            }
            times.append(t)
        }
        guard let first = times.min() else { throw TrimtabError(file: path, "the file holds no timestamps") }
        return times.map { ($0 - first) / scale }
    }
}
