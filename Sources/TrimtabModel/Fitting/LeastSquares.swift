/// Small dense weighted linear least squares — the one solver behind curve fitting (TrimtabFit),
/// the autoregressive forecasters (TrimtabForecast) and the job models (TrimtabJob).
///
/// **Weights** weigh the *squared* residual: with observations (xᵢ, yᵢ, wᵢ) the coefficients β
/// minimise Σ wᵢ · (yᵢ − xᵢ·β)². A weight is a precision or a count (a row added with weight 2 is
/// the same row added twice). To weigh the residual itself by vᵢ — minimise Σ (vᵢ (yᵢ − xᵢ·β))²,
/// e.g. vᵢ = 1/yᵢ for relative error — pass wᵢ = vᵢ².
///
/// The normal equations XᵀWX β = XᵀWy are accumulated row by row (no design matrix is held, so
/// large training sets fit) and solved by Gauss–Jordan elimination with partial pivoting. Written
/// here rather than taken from a library: the systems have 1–13 unknowns, the package mirror has
/// no linear-algebra package, and LAPACK through Accelerate is macOS-only.
public struct LeastSquares: Sendable {
    /// How a solve treats a singular or nearly singular system.
    public struct Options: Sendable, Equatable {
        /// A ridge added to every diagonal entry of XᵀWX, relative to its largest diagonal entry
        /// (at least `ridgeFloor`): `ridge · max(maxᵢ (XᵀWX)ᵢᵢ, ridgeFloor)`. A tiny ridge keeps a
        /// rank-deficient design (a constant series, an unknown no row mentions) solvable; 0 adds none.
        public var ridge: Double
        /// The smallest scale the ridge is relative to.
        public var ridgeFloor: Double
        /// A pivot whose magnitude is at most `pivotTolerance · max(column, pivotFloor)` — the
        /// column's largest magnitude over all rows when `relativePivot`, else 1 — makes the system
        /// singular (nil).
        public var pivotTolerance: Double
        public var pivotFloor: Double
        public var relativePivot: Bool

        public init(ridge: Double = 0, ridgeFloor: Double = 1e-300, pivotTolerance: Double = 1e-300,
                    pivotFloor: Double = 1, relativePivot: Bool = false) {
            self.ridge = ridge
            self.ridgeFloor = ridgeFloor
            self.pivotTolerance = pivotTolerance
            self.pivotFloor = pivotFloor
            self.relativePivot = relativePivot
        }

        /// Curve fits: ridge 1e-12 of the largest diagonal entry; singular below 1e-300.
        public static let curveFit = Options(ridge: 1e-12, ridgeFloor: 1e-300, pivotTolerance: 1e-300)
        /// Forecasters on long series: ridge 1e-10 · max(largest diagonal entry, 1); singular only
        /// at an exactly zero pivot.
        public static let forecast = Options(ridge: 1e-10, ridgeFloor: 1, pivotTolerance: 0)
        /// No ridge; singular when a pivot is below 1e-12 of its column's largest magnitude (for
        /// the job models, whose callers drop columns instead).
        public static let exact = Options(ridge: 0, pivotTolerance: 1e-12, pivotFloor: 1e-300, relativePivot: true)
    }

    /// Unknowns (columns of X).
    public let width: Int
    /// Observations added.
    public private(set) var rows = 0
    /// XᵀWX, row-major width × width.
    public private(set) var normal: [Double]
    /// XᵀWy.
    public private(set) var rhs: [Double]

    public init(width: Int) {
        self.width = width
        normal = Array(repeating: 0, count: width * width)
        rhs = Array(repeating: 0, count: width)
    }

    /// Adds the observation y ≈ x·β with `weight` on its squared residual (see the type).
    /// - Complexity: O(width²).
    public mutating func add(_ x: [Double], _ y: Double, weight: Double = 1) {
        for r in 0..<width {
            let wx = weight * x[r]
            rhs[r] += wx * y
            for c in 0..<width { normal[r * width + c] += wx * x[c] }
        }
        rows += 1
    }

    /// The coefficients minimising Σ wᵢ (yᵢ − xᵢ·β)², or nil when there are no observations, the
    /// system is singular under `options`, or a coefficient is not finite.
    /// - Complexity: O(width³).
    public func solve(_ options: Options = .curveFit) -> [Double]? {
        guard rows > 0 else { return nil }
        return Self.solve(normal: normal, rhs: rhs, size: width, options: options)
    }

    /// Fits rows `x` to `y` with `weights` on the squared residuals (all 1 when nil).
    /// - Complexity: O(n·k² + k³) for n rows of k unknowns.
    public static func fit(_ x: [[Double]], _ y: [Double], weights: [Double]? = nil, options: Options = .curveFit) -> [Double]? {
        guard let k = x.first?.count, k > 0 else { return nil }
        var system = LeastSquares(width: k)
        for (i, row) in x.enumerated() { system.add(row, y[i], weight: weights?[i] ?? 1) }
        return system.solve(options)
    }

    /// Solves the k×k system `normal` · β = `rhs` (row-major) under `options`.
    /// - Complexity: O(k³).
    public static func solve(normal: [Double], rhs: [Double], size k: Int, options: Options = .curveFit) -> [Double]? {
        guard k > 0, normal.count == k * k, rhs.count == k else { return nil }
        var a = (0..<k).map { p in Array(normal[(p * k)..<(p * k + k)]) + [rhs[p]] }
        if options.ridge > 0 {
            let scale = (0..<k).map { a[$0][$0] }.max() ?? 1
            for p in 0..<k { a[p][p] += options.ridge * Swift.max(scale, options.ridgeFloor) }
        }
        for col in 0..<k {
            var pivot = col
            for r in col..<k where abs(a[r][col]) > abs(a[pivot][col]) { pivot = r }
            let reference = options.relativePivot ? (a.map { abs($0[col]) }.max() ?? 0) : 1
            guard abs(a[pivot][col]) > options.pivotTolerance * Swift.max(reference, options.pivotFloor) else { return nil }
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
