import Foundation
import TrimtabModel

/// Where a request's per-second load trace comes from: a file (the CLI: counts, or a
/// `.tbz2`/`.tar.bz2`/`.tar.gz` archive of them) or the counts themselves (JSON requests).
///
/// In JSON a trace is given as an array of non-negative integer counts or as text in the trace
/// file's format (integers separated by spaces, commas or newlines); a path is never read from
/// a remote request.
public enum TraceSource: Sendable, Codable, Equatable {
    /// A trace file, read by the one trace reader (`PerSecondTrace`); errors name the file.
    case file(String)
    /// Requests per second, one count per second from second 0.
    case counts([Int])
    /// The trace file's text; errors name `label`.
    case text(String, label: String)

    /// The name errors give the trace.
    public var label: String {
        switch self {
        case .file(let path): return path
        case .counts: return "trace"
        case .text(_, let label): return label
        }
    }

    /// The trace as read, unscaled.
    /// - Complexity: O(seconds) (O(file size) for a file).
    public func load() throws(TrimtabError) -> PerSecondTrace {
        let counts: [Int32]
        switch self {
        case .file(let path):
            return try PerSecondTrace.read(path: path)
        case .counts(let values):
            var out: [Int32] = []
            out.reserveCapacity(values.count)
            for (i, v) in values.enumerated() {
                guard v >= 0, v <= Int(Int32.max) else {
                    throw TrimtabError(field: "trace[\(i)]", "\(v) is not a count in 0...\(Int32.max)")
                }
                out.append(Int32(v))
            }
            counts = out
        case .text(let text, let label):
            do throws(TrimtabError) { counts = try PerSecondTrace.parse(Data(text.utf8)) } catch { throw error.inFile(label) }
        }
        guard !counts.isEmpty else { throw TrimtabError(file: label, "the trace holds no counts") }
        return PerSecondTrace(counts: counts)
    }

    /// Requests per second × `scale`, the fractions carried from second to second.
    /// - Complexity: O(seconds).
    public func load(scale: Double) throws(TrimtabError) -> [Double] {
        try load().scaled(by: scale)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            self = .text(text, label: "trace")
        } else {
            self = .counts(try c.decode([Int].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .file(let path): try c.encode(path)
        case .counts(let values): try c.encode(values)
        case .text(let text, _): try c.encode(text)
        }
    }
}
