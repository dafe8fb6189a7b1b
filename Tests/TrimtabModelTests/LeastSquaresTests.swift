import Foundation
import Testing
import TrimtabModel

/// The one dense least-squares solver: closed forms for its weight semantics, and bit-for-bit
/// agreement with the three solvers it replaced (copied below as they were), so no caller's result
/// changed.
@Suite struct LeastSquaresTests {
    /// One unknown: the weighted mean Σ w y / Σ w; a row of weight 2 is the row added twice.
    @Test func weightsWeighTheSquaredResidual() throws {
        let y: [Double] = [1, 4, 10]
        let w: [Double] = [1, 2, 0.5]
        let ones: [[Double]] = [[1], [1], [1]]
        let mean: [Double] = try #require(LeastSquares.fit(ones, y, weights: w, options: .exact))
        let expected: Double = (1 + 8 + 5) / 3.5
        #expect(abs(mean[0] - expected) < 1e-12)
        let fourRows: [[Double]] = [[1, 0], [1, 1], [1, 1], [1, 3]]
        let threeRows: [[Double]] = [[1, 0], [1, 1], [1, 3]]
        let twice: [Double] = try #require(LeastSquares.fit(fourRows, [1, 2, 2, 7], options: .exact))
        let weighted: [Double] = try #require(LeastSquares.fit(threeRows, [1, 2, 7], weights: [1, 2, 1], options: .exact))
        for (a, b) in zip(twice, weighted) { #expect(abs(a - b) < 1e-12) }
        // A line through (0, 1) and (3, 7) exactly: β = (1, 2) whatever the weights.
        let twoRows: [[Double]] = [[1, 0], [1, 3]]
        let line: [Double] = try #require(LeastSquares.fit(twoRows, [1, 7], weights: [5, 0.1], options: .exact))
        #expect(abs(line[0] - 1) < 1e-12 && abs(line[1] - 2) < 1e-12)
    }

    @Test func singularSystemsUnderEachOption() {
        let rows: [[Double]] = [[1, 2], [2, 4], [3, 6]]
        #expect(LeastSquares.fit(rows, [1, 2, 3], options: .exact) == nil)
        // The ridge makes the rank-deficient system solvable (the minimum-norm direction).
        #expect(LeastSquares.fit(rows, [1, 2, 3], options: .curveFit) != nil)
        #expect(LeastSquares(width: 2).solve() == nil)
    }

    /// Random systems, the old solvers against the new one with each caller's options: identical
    /// coefficients, to the bit.
    @Test func identicalToTheSolversItReplaced() {
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<300 {
            let k = 1 + trial % 5, n = k + Int.random(in: 0...20, using: &rng)
            var x = (0..<n).map { _ in (0..<k).map { _ in Double.random(in: -5...5, using: &rng) } }
            if trial % 7 == 0 { for i in 0..<n { x[i][k - 1] = x[i][0] } }  // rank-deficient
            let y = (0..<n).map { _ in Double.random(in: 0.1...50, using: &rng) }
            let w = (0..<n).map { _ in Double.random(in: 0.01...3, using: &rng) }

            // TrimtabFit (curve fits, Step Functions import): weights on the squared residual.
            #expect(LeastSquares.fit(x, y, weights: w, options: .curveFit) == OldFit.solve(x, y, weights: w))
            // TrimtabForecast (autoregression): unweighted, accumulated.
            var accumulated = LeastSquares(width: k)
            var old = OldForecast(width: k)
            for i in 0..<n { accumulated.add(x[i], y[i]); old.add(x[i], y[i]) }
            let oldForecast = old.solve()
            #expect(accumulated.solve(.forecast) == (oldForecast?.allSatisfy(\.isFinite) == true ? oldForecast : nil))
            // TrimtabJob: weights on the residual itself, so the solver gets their squares.
            let oldJob = OldJob.weighted(x, y, weights: w)
            #expect(LeastSquares.fit(x, y, weights: w.map { $0 * $0 }, options: .exact)
                    == (oldJob?.allSatisfy(\.isFinite) == true ? oldJob : nil))
        }
    }
}

// MARK: - The three solvers as they were before the merge (reference implementations).

private enum OldFit {
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
}

private struct OldForecast {
    let width: Int
    var gram: [Double]
    var moment: [Double]
    var rows = 0
    init(width: Int) {
        self.width = width
        gram = Array(repeating: 0, count: width * width)
        moment = Array(repeating: 0, count: width)
    }
    mutating func add(_ x: [Double], _ y: Double) {
        for i in 0..<width {
            let xi = x[i]
            moment[i] += xi * y
            for j in i..<width { gram[i * width + j] += xi * x[j] }
        }
        rows += 1
    }
    func solve() -> [Double]? {
        guard rows > 0 else { return nil }
        let n = width
        var a = Array(repeating: 0.0, count: n * (n + 1))
        var scale = 0.0
        for i in 0..<n { scale = max(scale, gram[i * n + i]) }
        let ridge = 1e-10 * max(scale, 1)
        for i in 0..<n {
            for j in 0..<n { a[i * (n + 1) + j] = i <= j ? gram[i * n + j] : gram[j * n + i] }
            a[i * (n + 1) + i] += ridge
            a[i * (n + 1) + n] = moment[i]
        }
        for col in 0..<n {
            var pivot = col
            for r in (col + 1)..<max(col + 1, n) where abs(a[r * (n + 1) + col]) > abs(a[pivot * (n + 1) + col]) { pivot = r }
            if pivot != col {
                for c in 0...n { a.swapAt(col * (n + 1) + c, pivot * (n + 1) + c) }
            }
            let d = a[col * (n + 1) + col]
            guard d != 0 else { return nil }
            for r in 0..<n where r != col {
                let f = a[r * (n + 1) + col] / d
                if f == 0 { continue }
                for c in col...n { a[r * (n + 1) + c] -= f * a[col * (n + 1) + c] }
            }
        }
        return (0..<n).map { a[$0 * (n + 1) + n] / a[$0 * (n + 1) + $0] }
    }
}

private enum OldJob {
    static func weighted(_ rows: [[Double]], _ y: [Double], weights: [Double]) -> [Double]? {
        guard let width = rows.first?.count, width > 0, rows.count >= width else { return nil }
        var a = Array(repeating: Array(repeating: 0.0, count: width + 1), count: width)
        for (i, row) in rows.enumerated() {
            let w2 = weights[i] * weights[i]
            for j in 0..<width {
                for k in 0..<width { a[j][k] += w2 * row[j] * row[k] }
                a[j][width] += w2 * row[j] * y[i]
            }
        }
        for col in 0..<width {
            guard let pivot = (col..<width).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }) else { return nil }
            let scale = a.map { abs($0[col]) }.max() ?? 0
            guard abs(a[pivot][col]) > 1e-12 * max(scale, 1e-300) else { return nil }
            a.swapAt(col, pivot)
            for r in 0..<width where r != col {
                let f = a[r][col] / a[col][col]
                if f == 0 { continue }
                for k in col...width { a[r][k] -= f * a[col][k] }
            }
        }
        return (0..<width).map { a[$0][width] / a[$0][$0] }
    }
}
