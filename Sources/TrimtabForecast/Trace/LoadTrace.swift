import TrimtabModel
import Foundation

/// A load trace: requests per second, one value per second from second 0.
public struct LoadTrace: Sendable, Equatable {
    public var perSecond: [Double]

    public init(perSecond: [Double]) { self.perSecond = perSecond }

    /// Reads whitespace-separated non-negative integers (one per second), as the reference traces
    /// hold them. A `.tbz2`, `.tar.bz2` or `.tar.gz` archive is unpacked to a temporary folder
    /// with `tar` and its first regular file is read. `scale` multiplies every count and floors it
    /// (IPA runs the Twitter trace at count / 8).
    /// - Complexity: O(file size).
    public static func load(path: String, scale: Double = 1) throws(TrimtabError) -> LoadTrace {
        guard scale.isFinite, scale > 0 else { throw TrimtabError(field: "--scale", "\(scale) must be a positive number") }
        let data: Data
        let lower = path.lowercased()
        if lower.hasSuffix(".tbz2") || lower.hasSuffix(".tar.bz2") || lower.hasSuffix(".tar.gz") || lower.hasSuffix(".tgz") {
            data = try unpack(path)
        } else {
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw TrimtabError(code: .io, file: path, "cannot read the trace: \(error.localizedDescription)")
            }
        }
        let counts: [Double]
        do throws(TrimtabError) { counts = try parse(data) } catch { throw error.inFile(path) }
        guard !counts.isEmpty else { throw TrimtabError(file: path, "the trace holds no values") }
        return LoadTrace(perSecond: scale == 1 ? counts : counts.map { ($0 * scale).rounded(.down) })
    }

    /// Parses whitespace-separated non-negative integers; a bad token names its line.
    static func parse(_ data: Data) throws(TrimtabError) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(data.count / 3)
        var line = 1
        var current = 0
        var inNumber = false
        var bad: (Int, UInt8)?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            for byte in raw {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    current = current &* 10 &+ Int(byte - UInt8(ascii: "0"))
                    inNumber = true
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: ","):
                    if inNumber { out.append(Double(current)) }
                    current = 0
                    inNumber = false
                    if byte == UInt8(ascii: "\n") { line += 1 }
                default:
                    if bad == nil { bad = (line, byte) }
                }
                if bad != nil { break }
            }
        }
        if let (badLine, byte) = bad {
            throw TrimtabError(field: "line \(badLine)", "'\(Character(UnicodeScalar(byte)))' is not part of a non-negative integer count")
        }
        if inNumber { out.append(Double(current)) }
        return out
    }

    static func unpack(_ path: String) throws(TrimtabError) -> Data {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrimtabError(code: .io, file: path, "no such file")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trimtab-trace-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let tar = Process()
            tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            tar.arguments = ["tar", "-xf", path, "-C", dir.path]
            tar.standardError = FileHandle.nullDevice
            try tar.run()
            tar.waitUntilExit()
            guard tar.terminationStatus == 0 else { throw TrimtabError(code: .io, file: path, "tar could not unpack the archive") }
            let files = (FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey])?
                .compactMap { $0 as? URL } ?? [])
                .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
                .sorted { $0.path < $1.path }
            guard let first = files.first else { throw TrimtabError(code: .io, file: path, "the archive holds no file") }
            return try Data(contentsOf: first)
        } catch let e as TrimtabError {
            throw e
        } catch {
            throw TrimtabError(code: .io, file: path, "cannot unpack the trace: \(error.localizedDescription)")
        }
    }

    /// Per-bin maxima of whole bins of `binSeconds` from second 0 (a partial last bin is dropped).
    public func binMaxima(binSeconds: Int) -> [Double] {
        guard binSeconds > 0 else { return [] }
        let n = perSecond.count / binSeconds
        var out = Array(repeating: 0.0, count: n)
        for b in 0..<n {
            var m = perSecond[b * binSeconds]
            for s in (b * binSeconds)..<((b + 1) * binSeconds) where perSecond[s] > m { m = perSecond[s] }
            out[b] = m
        }
        return out
    }

    /// The seconds `[from, to)` as a trace of its own (clamped to the trace).
    public func slice(from: Int, to: Int) -> LoadTrace {
        let a = max(0, min(from, perSecond.count)), b = max(a, min(to, perSecond.count))
        return LoadTrace(perSecond: Array(perSecond[a..<b]))
    }
}
