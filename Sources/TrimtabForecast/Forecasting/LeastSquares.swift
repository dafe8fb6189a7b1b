/// Ordinary least squares through the normal equations, accumulated row by row so that large
/// training sets need no design matrix in memory.
struct LeastSquares {
    let width: Int
    private var gram: [Double]
    private var moment: [Double]
    private(set) var rows = 0

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

    /// The coefficients (nil when there are no rows). A tiny ridge keeps a rank-deficient system
    /// (a constant series) solvable; Gaussian elimination with partial pivoting solves it.
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
