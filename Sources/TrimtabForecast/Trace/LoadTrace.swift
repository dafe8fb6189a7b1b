import TrimtabModel
import Foundation

/// A load trace: requests per second, one value per second from second 0.
public struct LoadTrace: Sendable, Equatable {
    public var perSecond: [Double]

    public init(perSecond: [Double]) { self.perSecond = perSecond }

    /// Reads a trace through the one trace reader, `PerSecondTrace` (plain counts per second or a
    /// `.tbz2`/`.tar.bz2`/`.tar.gz` archive holding them), multiplied by `scale` with the fractions
    /// carried from second to second (IPA runs the Twitter trace at count / 8).
    /// - Complexity: O(file size).
    public static func load(path: String, scale: Double = 1) throws(TrimtabError) -> LoadTrace {
        try LoadTrace(perSecond: PerSecondTrace.read(path: path).scaled(by: scale))
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
