/// A Markovian arrival process (MAP) with n phases: `d0` holds the phase changes without an
/// arrival (its diagonal is minus the total rate out of each phase), `d1` the phase changes that
/// come with an arrival. Rates are per second. A Poisson process is the 1-phase MAP (−λ, λ).
///
/// The one MAP type: the batching model (`TrimtabBatch`) computes with it and the simulator's
/// `MarkovianArrivals` samples it; `HourlyMAPs` reads BATCH's `hourly_maps.json` into it.
public struct MarkovianArrivalProcess: Sendable, Equatable {
    public let phases: Int
    /// n×n, row-major.
    public let d0: [Double]
    /// n×n, row-major.
    public let d1: [Double]
    /// A short description for output (`poisson:5`, `twitter hour 3`).
    public var label: String

    /// Checks the MAP conditions: non-negative off-diagonal D0 and all of D1, rows of D0 + D1
    /// summing to zero (within 1e-6 relative; the diagonal of D0 is then set to make the sums
    /// exactly zero), and at least one arrival rate.
    public init(d0: [[Double]], d1: [[Double]], label: String = "map") throws(TrimtabError) {
        let n = d0.count
        guard n > 0, d1.count == n, d0.allSatisfy({ $0.count == n }), d1.allSatisfy({ $0.count == n }) else {
            throw TrimtabError(field: "D0/D1", "must be square matrices of the same size")
        }
        for i in 0..<n {
            for j in 0..<n {
                guard d0[i][j].isFinite, d1[i][j].isFinite else { throw TrimtabError(field: "D0/D1", "entries must be finite numbers") }
                if i != j, d0[i][j] < 0 { throw TrimtabError(field: "D0[\(i)][\(j)]", "\(d0[i][j]) must not be negative") }
                if d1[i][j] < 0 { throw TrimtabError(field: "D1[\(i)][\(j)]", "\(d1[i][j]) must not be negative") }
            }
            let out = -d0[i][i]
            guard out > 0 else { throw TrimtabError(field: "D0[\(i)][\(i)]", "\(d0[i][i]) must be negative") }
            let rowSum = d0[i].reduce(0, +) + d1[i].reduce(0, +)
            guard abs(rowSum) <= 1e-6 * out else {
                throw TrimtabError(field: "D0/D1 row \(i)", "D0 + D1 rows must sum to 0 (sum is \(rowSum))")
            }
        }
        self.phases = n
        // Published fits are rounded (rows sum to ±1e-6): set each D0 diagonal so that the rows of
        // D0 + D1 sum to exactly 0, as the counting identities assume.
        var exact = d0
        for i in 0..<n {
            exact[i][i] = -((0..<n).reduce(0) { $0 + ($1 == i ? 0 : d0[i][$1]) } + d1[i].reduce(0, +))
        }
        self.d0 = exact.flatMap { $0 }
        self.d1 = d1.flatMap { $0 }
        self.label = label
        guard rate > 0 else { throw TrimtabError(field: "D1", "the process has no arrivals") }
    }

    /// A Poisson process of `rate` arrivals per second.
    public static func poisson(rate: Double) throws(TrimtabError) -> MarkovianArrivalProcess {
        guard rate.isFinite, rate > 0 else { throw TrimtabError(field: "rate", "\(rate) must be a positive number of requests per second") }
        var p = try MarkovianArrivalProcess(d0: [[-rate]], d1: [[rate]], label: "poisson:\(rate)")
        p.label = "poisson:\(formatNumber(rate))"
        return p
    }

    /// The stationary distribution of the phase (of the generator D0 + D1).
    public var stationaryPhase: [Double] {
        let q = zip(d0, d1).map { $0 + $1 }
        return PhaseAlgebra.stationary(q, phases, generator: true) ?? [Double](repeating: 1 / Double(phases), count: phases)
    }

    /// Row `i` of D0 (`d0` is row-major).
    public func d0Row(_ i: Int) -> ArraySlice<Double> { d0[(i * phases)..<((i + 1) * phases)] }

    /// Row `i` of D1 (`d1` is row-major).
    public func d1Row(_ i: Int) -> ArraySlice<Double> { d1[(i * phases)..<((i + 1) * phases)] }

    /// Mean arrival rate (per second): π D1 1.
    public var rate: Double {
        PhaseAlgebra.dot(stationaryPhase, PhaseAlgebra.rowSums(d1, phases))
    }

    /// The process of the arrivals kept when each is kept independently with probability `q`
    /// (exact for a MAP: the dropped arrivals become hidden phase changes).
    public func thinned(_ q: Double) -> MarkovianArrivalProcess {
        let keep = Swift.min(Swift.max(q, 0), 1)
        var copy = self
        copy = MarkovianArrivalProcess(unchecked: phases,
                                       d0: zip(d0, d1).map { $0 + (1 - keep) * $1 },
                                       d1: d1.map { keep * $0 }, label: "\(label) × \(formatNumber(keep))")
        return copy
    }

    package init(unchecked phases: Int, d0: [Double], d1: [Double], label: String) {
        self.phases = phases
        self.d0 = d0
        self.d1 = d1
        self.label = label
    }
}

private func formatNumber(_ x: Double) -> String {
    if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
    return String(x)
}
