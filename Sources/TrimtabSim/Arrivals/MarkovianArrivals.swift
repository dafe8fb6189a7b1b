import Foundation
import TrimtabModel

/// Arrivals sampled from a Markovian arrival process — the one MAP type,
/// `MarkovianArrivalProcess` (D0: transitions without an arrival, its diagonal minus each state's
/// total rate; D1: transitions with an arrival; rates per second), such as BATCH's hourly fits
/// read by `HourlyMAPs` (`reference/batch/hourly_maps.json`).
///
/// In state i the process waits an exponential time with rate −D0[i][i], then moves to state j
/// without an arrival with probability D0[i][j]/(−D0[i][i]) (j ≠ i), or with an arrival with
/// probability D1[i][j]/(−D0[i][i]). It starts in the stationary distribution of D0 + D1.
public struct MarkovianArrivals: ArrivalProcess {
    /// The process sampled.
    public let process: MarkovianArrivalProcess
    private let stationaryPhase: [Double]
    private var state: Int
    private var time: Double
    private var initialised = false

    /// Samples `process` from time `start`.
    public init(_ process: MarkovianArrivalProcess, startingAt start: Double = 0) {
        self.process = process
        self.stationaryPhase = process.stationaryPhase
        self.state = 0
        self.time = start
    }

    /// Validates the matrices as `MarkovianArrivalProcess(d0:d1:)` does (square, of the same size,
    /// D1 ≥ 0, off-diagonal D0 ≥ 0, negative diagonal, rows of D0 + D1 summing to 0 within 1e-6 of
    /// the state's rate) and samples the process.
    public init(d0: [[Double]], d1: [[Double]], startingAt start: Double = 0) throws(TrimtabError) {
        self.init(try MarkovianArrivalProcess(d0: d0, d1: d1), startingAt: start)
    }

    /// D0 as rows.
    public var d0: [[Double]] { (0..<process.phases).map { Array(process.d0Row($0)) } }
    /// D1 as rows.
    public var d1: [[Double]] { (0..<process.phases).map { Array(process.d1Row($0)) } }

    /// Stationary distribution π of the generator D0 + D1 (π Q = 0, Σπ = 1).
    public var stationary: [Double] { stationaryPhase }

    /// λ = π D1 1: the long-run arrival rate (requests per second).
    public var meanRate: Double { process.rate }

    public mutating func next(using rng: inout SeededGenerator) -> Double? {
        let n = process.phases
        if !initialised {
            initialised = true
            var u = rng.uniform()
            state = n - 1
            for (i, p) in stationaryPhase.enumerated() {
                if u < p { state = i; break }
                u -= p
            }
        }
        while true {
            let row = state * n
            let rate = -process.d0[row + state]
            time += rng.exponential(mean: 1 / rate)
            var u = rng.uniform() * rate
            var moved = false
            for j in 0..<n where j != state {
                if u < process.d0[row + j] { state = j; moved = true; break }
                u -= process.d0[row + j]
            }
            if moved { continue }
            for j in 0..<n {
                if u < process.d1[row + j] || j == n - 1 { state = j; return time }
                u -= process.d1[row + j]
            }
        }
    }

    /// Reads one fitted MAP from a file shaped like BATCH's `hourly_maps.json`
    /// (`{TRACE: {HOUR: {"D0": [[…]], "D1": [[…]]}}}`) with the one reader, `HourlyMAPs`.
    public static func load(path: String, trace: String, hour: String) throws(TrimtabError) -> MarkovianArrivals {
        MarkovianArrivals(try HourlyMAPs.load(path: path).process(trace: trace, hour: hour))
    }
}
