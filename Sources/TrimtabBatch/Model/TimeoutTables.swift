import TrimtabModel

/// Everything about one timeout T that does not depend on the batch size's opening phase α,
/// shared by every maximum batch size with that timeout: the counting matrices at T, and for each
/// grid value y_g = T·g/G (g = 0…G) the column vectors whose product with α gives the expected
/// wait counts (see `BatchingBehaviour`).
struct TimeoutTables: Sendable {
    let timeoutMs: Double
    let gridSteps: Int
    let phases: Int
    /// Batch sizes up to maxCount + 1 are supported.
    let maxCount: Int
    /// P_c(T), I_c(T) for c < maxCount, n×n each, concatenated.
    let pAtT: [Double]
    let integralAtT: [Double]
    /// `timedOut[(k * (G+1) + g) * n …]`: Σ_{i=1}^{k−1} (k−i) P_{i−1}(T−y_g) P_{k−i}(y_g) 1, k = 1…maxCount.
    let timedOut: [Double]
    /// `full[(b * (G+1) + g) * n …]`: Σ_{i=1}^{b−1} (b−i) P_{i−1}(T−y) G_{b−i}(y) + Σ_{j=2}^{b} I_{j−2}(T−y) D1 G_{b−j}(y)
    /// + G_{b−1}(y), b = 2…maxCount+1.
    let full: [Double]

    /// - Complexity: O(G · (M · B · n² + B² · n²)) for M uniformization terms.
    init(kernel: CountingKernel, process: MarkovianArrivalProcess, timeoutMs: Double, gridSteps: Int) {
        self.timeoutMs = timeoutMs
        self.gridSteps = gridSteps
        let n = kernel.phases
        let nn = n * n
        let mc = kernel.maxCount
        phases = n
        maxCount = mc
        let bigG = gridSteps
        var mats: [([Double], [Double])] = []
        for g in 0...bigG { mats.append(kernel.matrices(at: timeoutMs / 1000 * Double(g) / Double(bigG))) }
        pAtT = mats[bigG].0
        integralAtT = mats[bigG].1
        let d1 = process.d1
        var timed = [Double](repeating: 0, count: (mc + 1) * (bigG + 1) * n)
        var fullV = [Double](repeating: 0, count: (mc + 2) * (bigG + 1) * n)
        var u = [Double](repeating: 0, count: mc * n)          // u_c(y) = P_c(y) 1
        var gm = [Double](repeating: 0, count: (mc + 2) * n)   // G_m(y), m = 0…mc+1
        var d1gm = [Double](repeating: 0, count: (mc + 2) * n) // D1 G_m(y)
        for g in 0...bigG {
            let py = mats[g].0
            let (ps, isx) = mats[bigG - g]  // at s = T − y_g
            for c in 0..<mc { for i in 0..<n { var r = 0.0; for j in 0..<n { r += py[c * nn + i * n + j] }; u[c * n + i] = r } }
            for i in 0..<n { gm[i] = 1 }
            for m in 1...(mc + 1) {
                for i in 0..<n {
                    let previous = m == 1 ? 1.0 : gm[(m - 1) * n + i]
                    gm[m * n + i] = m - 1 < mc ? max(previous - u[(m - 1) * n + i], 0) : previous
                }
            }
            for m in 0...(mc + 1) { for i in 0..<n { var r = 0.0; for j in 0..<n { r += d1[i * n + j] * gm[m * n + j] }; d1gm[m * n + i] = r } }
            // P_{i−1}(s) · vector helper, accumulated with a weight.
            func addMatVec(_ into: inout [Double], _ at: Int, _ m: [Double], _ c: Int, _ v: [Double], _ vAt: Int, _ w: Double) {
                for i in 0..<n { var r = 0.0; for j in 0..<n { r += m[c * nn + i * n + j] * v[vAt + j] }; into[at + i] += w * r }
            }
            for k in 1...mc {
                let at = (k * (bigG + 1) + g) * n
                for i in stride(from: 1, to: k, by: 1) { addMatVec(&timed, at, ps, i - 1, u, (k - i) * n, Double(k - i)) }
            }
            for b in 2...(mc + 1) {
                let at = (b * (bigG + 1) + g) * n
                for i in 1..<b { addMatVec(&fullV, at, ps, i - 1, gm, (b - i) * n, Double(b - i)) }
                for j in 2...b { addMatVec(&fullV, at, isx, j - 2, d1gm, (b - j) * n, 1) }
                for i in 0..<n { fullV[at + i] += gm[(b - 1) * n + i] }
            }
        }
        timedOut = timed
        full = fullV
    }

    func pMatrixAtT(_ c: Int) -> [Double] {
        let nn = phases * phases
        return Array(pAtT[(c * nn)..<((c + 1) * nn)])
    }

    func integralMatrixAtT(_ c: Int) -> [Double] {
        let nn = phases * phases
        return Array(integralAtT[(c * nn)..<((c + 1) * nn)])
    }
}
