import TrimtabModel

/// Every run's latency as a function of one stage's latency in it (`ComposedTailLatency.response`).
public struct StageResponse: Sendable {
    public let stage: Int
    let a: [Double]
    let b: [Double]
    /// The stage's invocation in each run (−1: not invoked).
    let occurrence: [Int32]
    let overheadMs: Double
    let stride: Int
    let ratio: [Double]

    /// For a limit L and a variant: the runs above L whatever the stage's mean (`always`), and
    /// for each other run the mean above which it exceeds L. The runs above L at mean m are
    /// `always` plus the thresholds below m; `orderStatistics` gives the k-th smallest
    /// thresholds that decide a count.
    /// - Complexity: O(runs).
    public func thresholds(limit: Double, variant: Int) -> (always: Int, values: [Double]) {
        var always = 0
        var t: [Double] = []
        t.reserveCapacity(a.count)
        for r in 0..<a.count {
            if a[r] > limit { always += 1; continue }
            let o = Int(occurrence[r])
            guard o >= 0, b[r] > -.infinity else { continue }
            let rho = ratio[o * stride + variant]
            let slack = limit - overheadMs - b[r]
            // Above iff b + m·ρ + overhead > L, i.e. m > slack / ρ.
            if rho > 0 { t.append(slack / rho) } else if slack < 0 { always += 1 }
        }
        return (always, t)
    }

    /// The k-th smallest (1-based) of `values` for each k (+∞ where k exceeds the count, −∞
    /// where k < 1), by selection.
    /// - Complexity: O(n) expected per k.
    public static func orderStatistics(_ values: [Double], _ ks: [Int]) -> [Double] {
        var xs = values
        return ks.map { k in
            guard k >= 1 else { return -.infinity }
            guard k <= xs.count else { return .infinity }
            // Quickselect (Hoare partition, middle pivot) for index k − 1.
            var lo = 0, hi = xs.count - 1
            let target = k - 1
            while lo < hi {
                let pivot = xs[(lo + hi) / 2]
                var i = lo, j = hi
                while i <= j {
                    while xs[i] < pivot { i += 1 }
                    while xs[j] > pivot { j -= 1 }
                    if i <= j { xs.swapAt(i, j); i += 1; j -= 1 }
                }
                if target <= j { hi = j } else if target >= i { lo = i } else { break }
            }
            return xs[target]
        }
    }

    /// Run r's latency when the stage's option has mean `meanMs` (overhead excluded) and `variant`.
    @inline(__always) public func latency(run r: Int, meanMs: Double, variant: Int) -> Double {
        let o = Int(occurrence[r])
        guard o >= 0 else { return a[r] }
        return max(a[r], b[r] + meanMs * ratio[o * stride + variant] + overheadMs)
    }
}
