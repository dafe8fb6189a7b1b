/// A discrete distribution of latency: values in increasing order with their probabilities.
/// Used where branches meet parallel joins, where the mean alone does not compose.
public struct Distribution: Sendable, Equatable {
    public private(set) var values: [Double]
    public private(set) var probabilities: [Double]

    public init(point: Double) {
        values = [point]
        probabilities = [1]
    }

    /// Builds from unsorted (value, probability) pairs, merging equal values.
    public init(pairs: [(Double, Double)]) {
        let sorted = pairs.sorted { $0.0 < $1.0 }
        var v: [Double] = []
        var p: [Double] = []
        v.reserveCapacity(sorted.count)
        p.reserveCapacity(sorted.count)
        for (x, q) in sorted where q > 0 {
            if let last = v.last, last == x { p[p.count - 1] += q } else { v.append(x); p.append(q) }
        }
        if v.isEmpty { v = [0]; p = [1] }
        values = v
        probabilities = p
    }

    public var isPoint: Bool { values.count == 1 }

    public var mean: Double {
        var s = 0.0
        for i in 0..<values.count { s += values[i] * probabilities[i] }
        return s
    }

    /// The distribution of X + Y for independent X, Y.
    public func plus(_ other: Distribution) -> Distribution {
        if other.isPoint { var d = self; d.values = values.map { $0 + other.values[0] }; return d }
        if isPoint { return other.plus(self) }
        var pairs: [(Double, Double)] = []
        pairs.reserveCapacity(values.count * other.values.count)
        for i in 0..<values.count {
            for j in 0..<other.values.count {
                pairs.append((values[i] + other.values[j], probabilities[i] * other.probabilities[j]))
            }
        }
        return Distribution(pairs: pairs)
    }

    /// The distribution of max(X, Y) for independent X, Y.
    public func maximum(_ other: Distribution) -> Distribution {
        if isPoint && other.isPoint { return Distribution(point: Swift.max(values[0], other.values[0])) }
        // P(max ≤ v) = F_X(v) · F_Y(v), over the union of both supports.
        var i = 0, j = 0
        var fx = 0.0, fy = 0.0, previous = 0.0
        var v: [Double] = []
        var p: [Double] = []
        while i < values.count || j < other.values.count {
            let x = i < values.count ? values[i] : Double.infinity
            let y = j < other.values.count ? other.values[j] : Double.infinity
            let next = Swift.min(x, y)
            if x == next { fx += probabilities[i]; i += 1 }
            if y == next { fy += other.probabilities[j]; j += 1 }
            let cdf = fx * fy
            let mass = cdf - previous
            if mass > 0 { v.append(next); p.append(mass) }
            previous = cdf
        }
        var d = Distribution(point: 0)
        d.values = v
        d.probabilities = p
        return d
    }

    /// E[max(X, b)] for a fixed b.
    @inlinable public func meanOfMaximum(withPoint b: Double) -> Double {
        var s = 0.0
        for i in 0..<values.count { s += probabilities[i] * Swift.max(values[i], b) }
        return s
    }

    /// E[max(X, Y)] for independent X, Y, without building the distribution.
    public static func meanOfMaximum(_ x: Distribution, _ y: Distribution) -> Double {
        if y.isPoint {
            let b = y.values[0]
            var s = 0.0
            for i in 0..<x.values.count { s += x.probabilities[i] * Swift.max(x.values[i], b) }
            return s
        }
        if x.isPoint { return meanOfMaximum(y, x) }
        var i = 0, j = 0
        var fx = 0.0, fy = 0.0, previous = 0.0, mean = 0.0
        while i < x.values.count || j < y.values.count {
            let a = i < x.values.count ? x.values[i] : Double.infinity
            let b = j < y.values.count ? y.values[j] : Double.infinity
            let next = Swift.min(a, b)
            if a == next { fx += x.probabilities[i]; i += 1 }
            if b == next { fy += y.probabilities[j]; j += 1 }
            let cdf = fx * fy
            mean += (cdf - previous) * next
            previous = cdf
        }
        return mean
    }

    /// A mixture: each distribution with its weight (weights sum to 1).
    public static func mixture(_ parts: [(Distribution, Double)]) -> Distribution {
        var pairs: [(Double, Double)] = []
        for (d, w) in parts {
            for i in 0..<d.values.count { pairs.append((d.values[i], d.probabilities[i] * w)) }
        }
        return Distribution(pairs: pairs)
    }

    /// First-order stochastic dominance: `self` is never later than `other` (F_self ≥ F_other everywhere).
    public func isStochasticallyAtMost(_ other: Distribution) -> Bool {
        if isPoint && other.isPoint { return values[0] <= other.values[0] }
        var i = 0, j = 0
        var fa = 0.0, fb = 0.0
        while i < values.count || j < other.values.count {
            let x = i < values.count ? values[i] : Double.infinity
            let y = j < other.values.count ? other.values[j] : Double.infinity
            let next = Swift.min(x, y)
            if x == next { fa += probabilities[i]; i += 1 }
            if y == next { fb += other.probabilities[j]; j += 1 }
            if fa < fb - 1e-12 { return false }
        }
        return true
    }
}
