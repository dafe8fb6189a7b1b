import Foundation

/// A per-second load trace: `counts[k]` requests arrive during second k, from second 0 — the
/// Twitter and NASA traces of the reference data. The one reader of such traces: `simulate`
/// (`--arrivals trace:FILE[:SCALE]`), `forecast`, `adapt` and the benchmarks all read through it,
/// so that one file and one scale give every command the same requests.
///
/// Scaling (`scaled(by:)`) keeps the fractional remainder from second to second: second k gets
/// ⌊scale · (c₀ + … + c_k)⌋ − ⌊scale · (c₀ + … + c_{k−1})⌋ requests, so every prefix of the scaled
/// trace — the whole trace included — holds ⌊scale × its unscaled total⌋ requests. (Flooring each
/// second on its own instead loses up to one request per second: 5.4 % of the Twitter trace at
/// scale 1/8.)
public struct PerSecondTrace: Sendable, Equatable {
    /// Requests per second as the file holds them (unscaled). Each fits in 32 bits; larger
    /// counts are rejected when reading, never wrapped.
    public var counts: [Int32]

    public init(counts: [Int32]) { self.counts = counts }

    /// Seconds covered by the trace.
    public var seconds: Int { counts.count }

    /// Requests in the whole (unscaled) trace. At most 2³¹ per second, so the sum of any trace that
    /// fits in memory fits in 64 bits.
    public var total: Int { counts.reduce(0) { $0 + Int($1) } }

    /// Requests per second multiplied by `scale`, fractions carried (see the type's description).
    /// - Throws: `--scale` when `scale` is not a positive finite number, or when the scaled total
    ///   would exceed 2⁵³ requests (beyond which counts are no longer exact in a `Double`).
    /// - Complexity: O(seconds).
    public func scaled(by scale: Double) throws(TrimtabError) -> [Double] {
        try Self.checkScale(scale, total: total)
        if scale == 1 { return counts.map { Double($0) } }
        var carry = ScaledCounter(scale: scale)
        return counts.map { Double(carry.take($0)) }
    }

    /// Checks a scale for a trace of `total` requests (see `scaled(by:)`).
    public static func checkScale(_ scale: Double, total: Int) throws(TrimtabError) {
        guard scale.isFinite, scale > 0 else {
            throw TrimtabError(field: "--scale", "\(scale) must be a positive number")
        }
        guard Double(total) * scale < 9_007_199_254_740_992 else {
            throw TrimtabError(field: "--scale", "\(scale) makes the trace hold more than 2^53 requests")
        }
    }

    /// The running form of `scaled(by:)`: feed the unscaled counts second by second and get the
    /// scaled ones. Works on the running total, so no error accumulates over a long trace.
    public struct ScaledCounter: Sendable {
        public let scale: Double
        private var unscaled = 0.0
        private var emitted = 0.0

        public init(scale: Double) { self.scale = scale }

        /// The scaled requests of the next second, whose unscaled count is `count`.
        public mutating func take(_ count: Int32) -> Int {
            unscaled += Double(count)
            let due = (unscaled * scale).rounded(.down)
            let n = Swift.max(0, due - emitted)
            emitted = Swift.max(emitted, due)
            // `checkScale` bounds the total by 2⁵³, so `n` converts exactly; clamp regardless.
            return Int(Swift.min(n, 9_007_199_254_740_992))
        }
    }

    /// Reads a trace file: non-negative integers separated by spaces, tabs, commas or newlines. A
    /// `.tbz2`, `.tar.bz2`, `.tar.gz` or `.tgz` archive (as the reference traces come) is unpacked
    /// with `tar` into a temporary folder, which is removed, and its one file is read.
    /// - Throws: `io` when the file cannot be read or unpacked; bad input naming the file and
    ///   line for anything but a count, a count above 2³¹ − 1, or an empty trace.
    /// - Complexity: O(file size), one pass over the bytes.
    public static func read(path: String) throws(TrimtabError) -> PerSecondTrace {
        let data = isArchive(path) ? try unpack(path) : try contents(path)
        let counts: [Int32]
        do throws(TrimtabError) { counts = try parse(data) } catch { throw error.inFile(path) }
        guard !counts.isEmpty else { throw TrimtabError(file: path, "the trace holds no counts") }
        return PerSecondTrace(counts: counts)
    }

    /// Whether `path` names an archive `read(path:)` unpacks.
    public static func isArchive(_ path: String) -> Bool {
        let lower = path.lowercased()
        return [".tbz2", ".tar.bz2", ".tar.gz", ".tgz"].contains { lower.hasSuffix($0) }
    }

    /// Parses per-second counts; anything but a digit or a separator, or a count that does not fit
    /// in 32 bits, is an error naming its line.
    public static func parse(_ data: Data) throws(TrimtabError) -> [Int32] {
        var counts: [Int32] = []
        counts.reserveCapacity(data.count / 3)
        var current: Int64 = 0
        var inNumber = false
        var line = 1
        var failure: TrimtabError?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            for byte in raw {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    current = current * 10 + Int64(byte - UInt8(ascii: "0"))
                    guard current <= Int64(Int32.max) else {
                        failure = TrimtabError(field: "line \(line)", "a count is larger than \(Int32.max)")
                        return
                    }
                    inNumber = true
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: ","):
                    if inNumber { counts.append(Int32(current)) }
                    current = 0
                    inNumber = false
                    if byte == UInt8(ascii: "\n") { line += 1 }
                default:
                    failure = TrimtabError(field: "line \(line)", "'\(Character(UnicodeScalar(byte)))' is not part of a non-negative integer count")
                    return
                }
            }
            if inNumber { counts.append(Int32(current)) }
        }
        if let failure { throw failure }
        return counts
    }

    static func contents(_ path: String) throws(TrimtabError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrimtabError(code: .io, file: path, "cannot read the trace file")
        }
        return data
    }

    /// Unpacks with the system's `tar` (which detects bzip2 and gzip itself): the package mirror
    /// offers no bzip2 decoder for Swift, and `tar` is on every machine Trimtab runs on.
    static func unpack(_ path: String) throws(TrimtabError) -> Data {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw TrimtabError(code: .io, file: path, "cannot read the trace file")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trimtab-trace-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-xf", path, "-C", dir.path]
        tar.standardError = FileHandle.nullDevice
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try tar.run()
        } catch {
            throw TrimtabError(code: .io, file: path, "cannot unpack the trace with tar: \(error.localizedDescription)")
        }
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else { throw TrimtabError(code: .io, file: path, "tar could not unpack the archive") }
        let files = (FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey])?
            .compactMap { $0 as? URL } ?? [])
            .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
        guard files.count == 1, let file = files.first else {
            throw TrimtabError(file: path, "the archive holds \(files.count) files; expected one file of per-second counts")
        }
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw TrimtabError(code: .io, file: path, "cannot read the unpacked trace")
        }
        return data
    }
}
