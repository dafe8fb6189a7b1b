import TrimtabModel

/// The job fits on the one dense solver, `TrimtabModel.LeastSquares` (a handful of columns, tens of
/// rows): no ridge, singular below 1e-12 of a column's scale (`.exact`).
extension LeastSquares {
    /// Coefficients minimising Σ ((x_i·c − y_i) / y_i)², i.e. relative error, with every
    /// coefficient ≥ 0: columns whose coefficient comes out negative are dropped (set to 0) and
    /// the rest refitted, until all are non-negative. Nil when the system is singular.
    static func relativeNonNegative(_ rows: [[Double]], _ y: [Double]) -> [Double]? {
        guard let width = rows.first?.count else { return nil }
        var active = Array(repeating: true, count: width)
        while active.contains(true) {
            let columns = (0..<width).filter { active[$0] }
            let reduced = rows.map { row in columns.map { row[$0] } }
            guard let c = residualWeighted(reduced, y, weights: y.map { $0 != 0 ? 1 / $0 : 0 }) else { return nil }
            var full = Array(repeating: 0.0, count: width)
            for (j, col) in columns.enumerated() { full[col] = c[j] }
            guard let worst = columns.indices.min(by: { c[$0] < c[$1] }), c[worst] < 0 else { return full }
            active[columns[worst]] = false
        }
        return Array(repeating: 0, count: width)
    }

    /// Ordinary least squares (all weights 1).
    static func ordinary(_ rows: [[Double]], _ y: [Double]) -> [Double]? {
        residualWeighted(rows, y, weights: Array(repeating: 1, count: y.count))
    }

    /// Minimises Σ (v_i (x_i·c − y_i))² — `v` weighs the residual, so the solver's weight (on the
    /// squared residual) is v². Nil with fewer rows than columns.
    static func residualWeighted(_ rows: [[Double]], _ y: [Double], weights v: [Double]) -> [Double]? {
        guard let width = rows.first?.count, width > 0, rows.count >= width else { return nil }
        return fit(rows, y, weights: v.map { $0 * $0 }, options: .exact)
    }
}
