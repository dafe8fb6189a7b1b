/// Small dense weighted linear least squares (normal equations, Gaussian elimination with
/// partial pivoting and a tiny ridge for rank-deficient designs).
enum LeastSquares {
    /// Coefficients minimising Σ w·(y − x·β)², or nil when the system is singular.
    /// - Complexity: O(n·k² + k³) for n rows of k regressors.
    static func solve(_ rows: [[Double]], _ y: [Double], weights: [Double]) -> [Double]? {
        guard let k = rows.first?.count, k > 0 else { return nil }
        var normal = Array(repeating: 0.0, count: k * k)
        var rhs = Array(repeating: 0.0, count: k)
        for (i, x) in rows.enumerated() {
            let w = weights[i]
            for r in 0..<k {
                for c in 0..<k { normal[r * k + c] += w * x[r] * x[c] }
                rhs[r] += w * x[r] * y[i]
            }
        }
        return solve(normal: normal, rhs: rhs, size: k)
    }

    /// Solves the k×k system `normal`·β = `rhs` (row-major) with partial pivoting and a tiny ridge.
    static func solve(normal: [Double], rhs: [Double], size k: Int) -> [Double]? {
        var a = (0..<k).map { p in Array(normal[(p * k)..<(p * k + k)]) + [rhs[p]] }
        let scale = (0..<k).map { a[$0][$0] }.max() ?? 1
        for p in 0..<k { a[p][p] += 1e-12 * max(scale, 1e-300) }
        for col in 0..<k {
            var pivot = col
            for r in col..<k where abs(a[r][col]) > abs(a[pivot][col]) { pivot = r }
            guard abs(a[pivot][col]) > 1e-300 else { return nil }
            a.swapAt(col, pivot)
            for r in 0..<k where r != col {
                let f = a[r][col] / a[col][col]
                if f == 0 { continue }
                for c in col...k { a[r][c] -= f * a[col][c] }
            }
        }
        let beta = (0..<k).map { a[$0][k] / a[$0][$0] }
        return beta.allSatisfy(\.isFinite) ? beta : nil
    }

    /// Weighted isotonic (non-increasing) regression by pool-adjacent-violators.
    /// - Complexity: O(n).
    static func nonIncreasing(_ y: [Double], weights: [Double]) -> [Double] {
        var blocks: [(value: Double, weight: Double, count: Int)] = []
        for (i, v) in y.enumerated() {
            blocks.append((v, weights[i], 1))
            while blocks.count > 1 && blocks[blocks.count - 2].value < blocks[blocks.count - 1].value {
                let b = blocks.removeLast(), a = blocks.removeLast()
                let w = a.weight + b.weight
                blocks.append(((a.value * a.weight + b.value * b.weight) / w, w, a.count + b.count))
            }
        }
        return blocks.flatMap { Array(repeating: $0.value, count: $0.count) }
    }
}
