/// A lexicographic score: `primary` first, `secondary` on ties (within a relative 1e-12).
public struct PipelineScore: Sendable, Equatable {
    public var primary: Double
    public var secondary: Double

    static let tolerance = 1e-12

    /// Whether two scores' parts are equal within the relative tolerance.
    package static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= tolerance * max(1, abs(a), abs(b)) }

    /// Whether `self` is strictly better than `other`.
    public func beats(_ other: PipelineScore) -> Bool {
        if !Self.close(primary, other.primary) { return primary > other.primary }
        if !Self.close(secondary, other.secondary) { return secondary > other.secondary }
        return false
    }
}
