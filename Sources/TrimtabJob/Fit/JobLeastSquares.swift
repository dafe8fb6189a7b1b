/// Small dense least squares for the job fits (a handful of columns, tens of rows).
enum LeastSquares {
    /// Coefficients minimising Σ ((x_i·c − y_i) / y_i)², i.e. relative error, with every
    /// coefficient ≥ 0: columns whose coefficient comes out negative are dropped (set to 0) and
    /// the rest refitted, until all are non-negative. Nil when the system is singular.
    static func relativeNonNegative(_ rows: [[Double]], _ y: [Double]) -> [Double]? {
        guard let width = rows.first?.count else { return nil }
        var active = Array(repeating: true, count: width)
        while active.contains(true) {
            let columns = (0..<width).filter { active[$0] }
            let reduced = rows.map { row in columns.map { row[$0] } }
            guard let c = weighted(reduced, y, weights: y.map { $0 != 0 ? 1 / $0 : 0 }) else { return nil }
            var full = Array(repeating: 0.0, count: width)
            for (j, col) in columns.enumerated() { full[col] = c[j] }
            guard let worst = columns.indices.min(by: { c[$0] < c[$1] }), c[worst] < 0 else { return full }
            active[columns[worst]] = false
        }
        return Array(repeating: 0, count: width)
    }

    /// Ordinary least squares (all weights 1).
    static func ordinary(_ rows: [[Double]], _ y: [Double]) -> [Double]? {
        weighted(rows, y, weights: Array(repeating: 1, count: y.count))
    }

    /// Minimises Σ (w_i (x_i·c − y_i))² through the normal equations, solved by Gaussian
    /// elimination with partial pivoting.
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
