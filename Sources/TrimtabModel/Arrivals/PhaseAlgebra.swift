/// Dense linear algebra on the tiny phase matrices of a Markovian arrival process (n×n, n ≤ 4
/// in practice), stored row-major in flat arrays so that the uniformization loops stay cheap.
/// Shared by the MAP type and the batching model (`package`: not API).
///
/// Written out rather than taken from a library: the matrices are 1×1 to 4×4 and the package
/// mirror has no linear-algebra package; LAPACK through Accelerate is macOS-only.
package enum PhaseAlgebra {
    /// `a · b` for n×n matrices.
    package static func multiply(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for k in 0..<n {
                let aik = a[i * n + k]
                if aik == 0 { continue }
                for j in 0..<n { c[i * n + j] += aik * b[k * n + j] }
            }
        }
        return c
    }

    /// Row vector times matrix.
    package static func rowTimes(_ v: [Double], _ m: [Double], _ n: Int) -> [Double] {
        var r = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let vk = v[k]
            if vk == 0 { continue }
            for j in 0..<n { r[j] += vk * m[k * n + j] }
        }
        return r
    }

    /// Matrix times the all-ones column (row sums).
    package static func rowSums(_ m: [Double], _ n: Int) -> [Double] {
        (0..<n).map { i in (0..<n).reduce(0) { $0 + m[i * n + $1] } }
    }

    package static func identity(_ n: Int) -> [Double] {
        var m = [Double](repeating: 0, count: n * n)
        for i in 0..<n { m[i * n + i] = 1 }
        return m
    }

    package static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { s += a[i] * b[i] }
        return s
    }

    /// The inverse of a non-singular n×n matrix (Gauss–Jordan with partial pivoting); nil if singular.
    package static func inverse(_ a: [Double], _ n: Int) -> [Double]? {
        var m = a
        var inv = identity(n)
        for col in 0..<n {
            var pivot = col
            for r in col..<n where abs(m[r * n + col]) > abs(m[pivot * n + col]) { pivot = r }
            guard abs(m[pivot * n + col]) > 1e-300 else { return nil }
            if pivot != col {
                for j in 0..<n {
                    m.swapAt(col * n + j, pivot * n + j)
                    inv.swapAt(col * n + j, pivot * n + j)
                }
            }
            let d = m[col * n + col]
            for j in 0..<n { m[col * n + j] /= d; inv[col * n + j] /= d }
            for r in 0..<n where r != col {
                let f = m[r * n + col]
                if f == 0 { continue }
                for j in 0..<n { m[r * n + j] -= f * m[col * n + j]; inv[r * n + j] -= f * inv[col * n + j] }
            }
        }
        return inv
    }

    /// The stationary row vector π (π P = π, Σπ = 1) of an irreducible stochastic matrix P, or of
    /// a generator Q when `generator` is true (π Q = 0). Solved directly: one equation replaced by Σπ = 1.
    package static func stationary(_ p: [Double], _ n: Int, generator: Bool = false) -> [Double]? {
        if n == 1 { return [1] }
        // Transposed system Aᵀ πᵀ = 0 with A = P − I (or Q); last row replaced by ones.
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                a[j * n + i] = p[i * n + j] - (generator || i != j ? 0 : 1)
            }
        }
        for j in 0..<n { a[(n - 1) * n + j] = 1 }
        guard let inv = inverse(a, n) else { return nil }
        // π = inv · e_last
        let pi = (0..<n).map { max(inv[$0 * n + (n - 1)], 0) }
        let total = pi.reduce(0, +)
        guard total > 0 else { return nil }
        return pi.map { $0 / total }
    }
}
