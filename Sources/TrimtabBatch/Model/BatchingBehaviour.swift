import TrimtabModel

/// What a buffer with maximum batch size B and timeout T does to a stream of requests: the
/// distribution of the batch size, the mean wait, and the joint distribution of each request's
/// wait and its batch's size — everything that does not depend on the service time.
///
/// A batch opens with the first request to arrive while no batch is open and closes when it
/// holds B requests or T after it opened, whichever comes first; it is then served at once on
/// its own instance (Lambda: no queueing). Analysis (exact but for the grid interpolation):
/// * the phase seen by the request that opens a batch is the stationary vector α of the
///   batch-to-batch chain: phase at closing × (−D0)⁻¹D1 (the phase at the next arrival);
/// * with the opening arrival at time 0, the level (requests held) × phase process over [0, T]
///   gives p_k = α P_{k−1}(T) 1 for k < B and p_B = α I_{B−2}(T) D1 1 (the B-th arrival by T);
/// * the expected number of requests of a size-k batch that wait at most y is, for a batch that
///   times out (k < B), the expected arrivals in (T−y, T]: Σᵢ (k−i) α P_{i−1}(T−y) P_{k−i}(y) 1,
///   and for a full batch the arrivals in (T−y, T] plus the arrivals up to T−y whose batch fills
///   within y: Σᵢ (B−i) α P_{i−1}(T−y) G_{B−i}(y) + Σⱼ A_j(T−y) G_{B−j}(y), with
///   G_m(y) = P(≥ m arrivals in y) and A_j(s) = α I_{j−2}(s) D1 (j-th arrival by s), A_1 = α.
/// These counts are computed at G+1 grid values of y in [0, T] and interpolated linearly in
/// between; the atoms (the last request of a full batch waits 0, the first of a timed-out
/// batch waits exactly T) are kept exactly.
public struct BatchingBehaviour: Sendable {
    public let maxBatchSize: Int
    public let timeoutMs: Double
    /// `batchSizeProbabilities[k-1]` = P(a batch holds k requests).
    public let batchSizeProbabilities: [Double]
    /// Mean number of requests per batch.
    public let meanBatchSize: Double
    /// Mean wait of a request from its arrival to its batch's dispatch (ms).
    public let meanWaitMs: Double
    /// Phase distribution seen by the request that opens a batch.
    public let openingPhase: [Double]
    let gridSteps: Int
    /// `waitCounts[k-1][g]`: expected requests per batch in a size-k batch whose wait is at most
    /// y_g = T·g/G (at g = G the left limit, without the atom at T).
    let waitCounts: [[Double]]

    /// True when every batch holds one request (B = 1 or T = 0).
    public var isUnbatched: Bool { maxBatchSize == 1 || timeoutMs == 0 }
    /// Batch sizes with a probability above 1e-14 (the others change no CDF by more than 1e-12).
    let activeSizes: [Int]

    /// The behaviour of a buffer with no batching: every request alone, no wait.
    static func unbatched(maxBatchSize: Int, timeoutMs: Double, phases: Int) -> BatchingBehaviour {
        var probabilities = [Double](repeating: 0, count: max(maxBatchSize, 1))
        probabilities[0] = 1
        return BatchingBehaviour(maxBatchSize: max(maxBatchSize, 1), timeoutMs: timeoutMs, batchSizeProbabilities: probabilities,
                                 meanBatchSize: 1, meanWaitMs: 0, openingPhase: [Double](repeating: 1 / Double(phases), count: phases),
                                 gridSteps: 1, waitCounts: [[1, 1]])
    }

    init(maxBatchSize: Int, timeoutMs: Double, batchSizeProbabilities: [Double], meanBatchSize: Double, meanWaitMs: Double,
         openingPhase: [Double], gridSteps: Int, waitCounts: [[Double]]) {
        self.maxBatchSize = maxBatchSize
        self.timeoutMs = timeoutMs
        self.batchSizeProbabilities = batchSizeProbabilities
        self.meanBatchSize = meanBatchSize
        self.meanWaitMs = meanWaitMs
        self.openingPhase = openingPhase
        self.gridSteps = gridSteps
        self.waitCounts = waitCounts
        activeSizes = (1...maxBatchSize).filter { batchSizeProbabilities[$0 - 1] > 1e-14 }
    }

    /// - Complexity: O(G · B · n) given the timeout's tables.
    init(process: MarkovianArrivalProcess, maxBatchSize b: Int, tables: TimeoutTables) {
        let n = process.phases
        let nn = n * n
        let t = tables.timeoutMs
        let bigG = tables.gridSteps
        precondition(b >= 1 && b <= tables.maxCount + 1, "batch size beyond the kernel")
        if b == 1 || t == 0 {
            self = BatchingBehaviour.unbatched(maxBatchSize: b, timeoutMs: t, phases: n)
            return
        }
        let ones = [Double](repeating: 1, count: n)
        let d1 = process.d1
        // Opening phase α: closing phase × (−D0)⁻¹ D1, closing = α K with
        // K = Σ_{i<B} P_{i−1}(T) + I_{B−2}(T) D1.
        var closing = [Double](repeating: 0, count: nn)
        for i in 1..<b { let m = tables.pMatrixAtT(i - 1); for e in 0..<nn { closing[e] += m[e] } }
        let filled = PhaseAlgebra.multiply(tables.integralMatrixAtT(b - 2), d1, n)
        for e in 0..<nn { closing[e] += filled[e] }
        let negD0 = process.d0.map { -$0 }
        let toNext = PhaseAlgebra.inverse(negD0, n).map { PhaseAlgebra.multiply($0, d1, n) } ?? PhaseAlgebra.identity(n)
        let alpha = PhaseAlgebra.stationary(PhaseAlgebra.multiply(closing, toNext, n), n) ?? process.stationaryPhase

        // Batch-size distribution.
        var probabilities = [Double](repeating: 0, count: b)
        for k in 1..<b { probabilities[k - 1] = PhaseAlgebra.dot(PhaseAlgebra.rowTimes(alpha, tables.pMatrixAtT(k - 1), n), ones) }
        probabilities[b - 1] = PhaseAlgebra.dot(PhaseAlgebra.rowTimes(alpha, filled, n), ones)
        let total = probabilities.reduce(0, +)
        probabilities = probabilities.map { $0 / total }  // removes the (≤ 1e-15) truncation loss
        let meanSize = probabilities.enumerated().reduce(0) { $0 + Double($1.offset + 1) * $1.element }

        // Mean wait: E[Σ waits] = ∫₀ᵀ E[requests held; still open] dt = Σ_{i<B} i α I_{i−1}(T) 1.
        var waitSum = 0.0
        for i in 1..<b { waitSum += Double(i) * PhaseAlgebra.dot(PhaseAlgebra.rowTimes(alpha, tables.integralMatrixAtT(i - 1), n), ones) }
        let meanWait = waitSum / total / meanSize * 1000  // seconds → ms

        // Wait counts on the grid: α times the timeout's column vectors.
        var counts = [[Double]](repeating: [Double](repeating: 0, count: bigG + 1), count: b)
        for g in 0...bigG {
            for k in 1..<b {
                let at = (k * (bigG + 1) + g) * n
                var r = 0.0
                for i in 0..<n { r += alpha[i] * tables.timedOut[at + i] }
                counts[k - 1][g] = r / total
            }
            let at = (b * (bigG + 1) + g) * n
            var r = 0.0
            for i in 0..<n { r += alpha[i] * tables.full[at + i] }
            counts[b - 1][g] = r / total
        }
        self.init(maxBatchSize: b, timeoutMs: t, batchSizeProbabilities: probabilities, meanBatchSize: meanSize,
                  meanWaitMs: meanWait, openingPhase: alpha, gridSteps: bigG, waitCounts: counts)
    }

    /// P(a request waits at most `waitMs` from its arrival to its batch's dispatch).
    public func waitCDF(atMost waitMs: Double) -> Double {
        (1...maxBatchSize).reduce(0) { $0 + waitCount(size: $1, atMost: waitMs) } / meanBatchSize
    }

    /// Expected requests per batch that are in a size-k batch and wait at most `waitMs`.
    @inline(__always)
    func waitCount(size k: Int, atMost waitMs: Double) -> Double {
        if waitMs < 0 { return 0 }
        if isUnbatched { return k == 1 ? 1 : 0 }
        if waitMs >= timeoutMs { return Double(k) * batchSizeProbabilities[k - 1] }
        let row = waitCounts[k - 1]
        let x = waitMs / timeoutMs * Double(gridSteps)
        let g = min(Int(x), gridSteps - 1)
        let f = x - Double(g)
        return row[g] + (row[g + 1] - row[g]) * f
    }
}
