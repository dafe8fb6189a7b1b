/// The counting matrices of one timeout T at the grid times t_g = T·g/G (g = 0…G), shared by
/// every maximum batch size with that timeout.
struct TimeoutTables: Sendable {
    let timeoutMs: Double
    let gridSteps: Int
    let phases: Int
    let maxCount: Int
    /// `p[g]`, `integral[g]`: P_c(t_g), I_c(t_g) for c < maxCount (see `CountingKernel`).
    let p: [[Double]]
    let integral: [[Double]]

    init(kernel: CountingKernel, timeoutMs: Double, gridSteps: Int) {
        self.timeoutMs = timeoutMs
        self.gridSteps = gridSteps
        phases = kernel.phases
        maxCount = kernel.maxCount
        var ps: [[Double]] = []
        var ints: [[Double]] = []
        for g in 0...gridSteps {
            let (a, b) = kernel.matrices(at: timeoutMs / 1000 * Double(g) / Double(gridSteps))
            ps.append(a)
            ints.append(b)
        }
        p = ps
        integral = ints
    }

    func pMatrix(_ g: Int, _ c: Int) -> ArraySlice<Double> {
        let nn = phases * phases
        return p[g][(c * nn)..<((c + 1) * nn)]
    }

    func integralMatrix(_ g: Int, _ c: Int) -> ArraySlice<Double> {
        let nn = phases * phases
        return integral[g][(c * nn)..<((c + 1) * nn)]
    }
}

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
    }

    /// - Complexity: O(G · B² · n²) for G grid steps, B the batch size and n phases.
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
        func vec(_ row: [Double], _ m: ArraySlice<Double>) -> [Double] {
            var r = [Double](repeating: 0, count: n)
            let base = m.startIndex
            for k in 0..<n where row[k] != 0 { for j in 0..<n { r[j] += row[k] * m[base + k * n + j] } }
            return r
        }
        func colSums(_ m: ArraySlice<Double>) -> [Double] {
            let base = m.startIndex
            return (0..<n).map { i in (0..<n).reduce(0) { $0 + m[base + i * n + $1] } }
        }
        // Opening phase α: closing phase × (−D0)⁻¹ D1, closing = α K with
        // K = Σ_{i<B} P_{i−1}(T) + I_{B−2}(T) D1.
        var closing = [Double](repeating: 0, count: nn)
        for i in 1..<b { let m = tables.pMatrix(bigG, i - 1); for e in 0..<nn { closing[e] += m[m.startIndex + e] } }
        let filled = PhaseAlgebra.multiply(Array(tables.integralMatrix(bigG, b - 2)), d1, n)
        for e in 0..<nn { closing[e] += filled[e] }
        let negD0 = process.d0.map { -$0 }
        let toNext = PhaseAlgebra.inverse(negD0, n).map { PhaseAlgebra.multiply($0, d1, n) } ?? PhaseAlgebra.identity(n)
        let alpha = PhaseAlgebra.stationary(PhaseAlgebra.multiply(closing, toNext, n), n) ?? process.stationaryPhase

        // Batch-size distribution.
        var probabilities = [Double](repeating: 0, count: b)
        for k in 1..<b { probabilities[k - 1] = PhaseAlgebra.dot(vec(alpha, tables.pMatrix(bigG, k - 1)), ones) }
        probabilities[b - 1] = PhaseAlgebra.dot(PhaseAlgebra.rowTimes(vec(alpha, tables.integralMatrix(bigG, b - 2)), d1, n), ones)
        let total = probabilities.reduce(0, +)
        probabilities = probabilities.map { $0 / total }  // removes the (≤ 1e-15) truncation loss
        let meanSize = probabilities.enumerated().reduce(0) { $0 + Double($1.offset + 1) * $1.element }

        // Mean wait: E[Σ waits] = ∫₀ᵀ E[requests held; still open] dt = Σ_{i<B} i α I_{i−1}(T) 1.
        var waitSum = 0.0
        for i in 1..<b { waitSum += Double(i) * PhaseAlgebra.dot(vec(alpha, tables.integralMatrix(bigG, i - 1)), ones) }
        let meanWait = waitSum / total / meanSize * 1000  // seconds → ms

        // Wait counts on the grid.
        var counts = [[Double]](repeating: [Double](repeating: 0, count: bigG + 1), count: b)
        for g in 0...bigG {
            let sIndex = bigG - g  // s = T − y_g
            // Row vectors at s: v_i = α P_{i−1}(s), i = 1..B−1; A_j = α I_{j−2}(s) D1, j = 2..B.
            var v: [[Double]] = [[]]
            for i in 1..<b { v.append(vec(alpha, tables.pMatrix(sIndex, i - 1))) }
            var aj: [[Double]] = [[], alpha]
            for j in 2...b { aj.append(PhaseAlgebra.rowTimes(vec(alpha, tables.integralMatrix(sIndex, j - 2)), d1, n)) }
            // Columns at y: u_c = P_c(y) 1; G_m = 1 − Σ_{c<m} u_c.
            var u: [[Double]] = []
            for c in 0..<b { u.append(colSums(tables.pMatrix(g, c))) }
            var gm: [[Double]] = [ones]
            var acc = [Double](repeating: 0, count: n)
            for m in 1...b {
                for e in 0..<n { acc[e] += u[m - 1][e] }
                gm.append(acc.map { max(1 - $0, 0) })
            }
            for k in 1..<b {
                var sum = 0.0
                for i in 1..<k { sum += Double(k - i) * PhaseAlgebra.dot(v[i], u[k - i]) }
                counts[k - 1][g] = sum / total
            }
            var full = 0.0
            for i in 1..<b { full += Double(b - i) * PhaseAlgebra.dot(v[i], gm[b - i]) }
            for j in 1...b { full += PhaseAlgebra.dot(aj[j], gm[b - j]) }
            counts[b - 1][g] = full / total
        }
        self.init(maxBatchSize: b, timeoutMs: t, batchSizeProbabilities: probabilities, meanBatchSize: meanSize,
                  meanWaitMs: meanWait, openingPhase: alpha, gridSteps: bigG, waitCounts: counts)
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
