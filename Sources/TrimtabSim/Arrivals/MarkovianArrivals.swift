import Foundation
import TrimtabModel

/// A Markovian arrival process (MAP) with matrices D0 (transitions without an arrival; the
/// diagonal holds minus each state's total rate) and D1 (transitions with an arrival), rates per
/// second — the form in which BATCH publishes its hourly fits (`reference/batch/hourly_maps.json`).
///
/// In state i the process waits an exponential time with rate −D0[i][i], then moves to state j
/// without an arrival with probability D0[i][j]/(−D0[i][i]) (j ≠ i), or with an arrival with
/// probability D1[i][j]/(−D0[i][i]). It starts in the stationary distribution of D0 + D1.
public struct MarkovianArrivals: ArrivalProcess {
    public let d0: [[Double]]
    public let d1: [[Double]]
    private var state: Int
    private var time: Double
    private var initialised = false

    /// Validates the matrices: square, of the same size, D1 ≥ 0, off-diagonal D0 ≥ 0, negative
    /// diagonal, and rows of D0 + D1 summing to 0 (within 1e-6 of the state's rate).
    public init(d0: [[Double]], d1: [[Double]], startingAt start: Double = 0) throws(TrimtabError) {
        let n = d0.count
        guard n >= 1, d1.count == n, d0.allSatisfy({ $0.count == n }), d1.allSatisfy({ $0.count == n }) else {
            throw TrimtabError(field: "D0", "D0 and D1 must be square matrices of the same size")
        }
        for i in 0..<n {
            guard d0[i][i] < 0 else { throw TrimtabError(field: "D0[\(i)][\(i)]", "\(d0[i][i]) must be negative") }
            var sum = 0.0
            for j in 0..<n {
                guard d0[i][j].isFinite, d1[i][j].isFinite else { throw TrimtabError(field: "D0", "entries must be finite") }
                if j != i, d0[i][j] < 0 { throw TrimtabError(field: "D0[\(i)][\(j)]", "\(d0[i][j]) must not be negative") }
                guard d1[i][j] >= 0 else { throw TrimtabError(field: "D1[\(i)][\(j)]", "\(d1[i][j]) must not be negative") }
                sum += d0[i][j] + d1[i][j]
            }
            guard abs(sum) <= 1e-6 * max(1, -d0[i][i]) else {
                throw TrimtabError(field: "D1[\(i)]", "row \(i) of D0 + D1 sums to \(sum), not 0")
            }
        }
        guard d1.joined().contains(where: { $0 > 0 }) else { throw TrimtabError(field: "D1", "no transition carries an arrival") }
        self.d0 = d0
        self.d1 = d1
        self.state = 0
        self.time = start
    }

    /// Stationary distribution π of the generator D0 + D1 (π Q = 0, Σπ = 1), by Gaussian elimination.
    public var stationary: [Double] {
        let n = d0.count
        // Solve Qᵀ π = 0 with the last equation replaced by Σ π = 1.
        var a = (0..<n).map { i in (0..<n).map { j in d0[j][i] + d1[j][i] } + [0.0] }
        a[n - 1] = Array(repeating: 1.0, count: n) + [1.0]
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }), abs(a[pivot][col]) > 1e-300 else { continue }
            a.swapAt(col, pivot)
            for row in 0..<n where row != col {
                let f = a[row][col] / a[col][col]
                if f != 0 { for k in col...n { a[row][k] -= f * a[col][k] } }
            }
        }
        return (0..<n).map { a[$0][n] / a[$0][$0] }
    }

    /// λ = π D1 1: the long-run arrival rate (requests per second).
    public var meanRate: Double {
        let pi = stationary
        return zip(pi, d1).reduce(0) { $0 + $1.0 * $1.1.reduce(0, +) }
    }

    public mutating func next(using rng: inout SeededGenerator) -> Double? {
        if !initialised {
            initialised = true
            var u = rng.uniform()
            state = d0.count - 1
            for (i, p) in stationary.enumerated() {
                if u < p { state = i; break }
                u -= p
            }
        }
        let n = d0.count
        while true {
            let rate = -d0[state][state]
            time += rng.exponential(mean: 1 / rate)
            var u = rng.uniform() * rate
            var moved = false
            for j in 0..<n where j != state {
                if u < d0[state][j] { state = j; moved = true; break }
                u -= d0[state][j]
            }
            if moved { continue }
            for j in 0..<n {
                if u < d1[state][j] || j == n - 1 { state = j; return time }
                u -= d1[state][j]
            }
        }
    }

    /// Reads one fitted MAP from a file shaped like BATCH's `hourly_maps.json`:
    /// `{TRACE: {HOUR: {"D0": [[…]], "D1": [[…]]}}}`.
    public static func load(path: String, trace: String, hour: String) throws(TrimtabError) -> MarkovianArrivals {
        let root = FieldReader(try Value.load(path: path))
        do throws(TrimtabError) {
            guard let traceReader = try root.optional(trace) else {
                let names = try root.entries().map(\.key).joined(separator: ", ")
                throw TrimtabError(field: trace, "no such trace (traces: \(names))")
            }
            guard let hourReader = try traceReader.optional(hour) else {
                throw TrimtabError(field: "\(trace).\(hour)", "no such hour (hours: \(try traceReader.entries().map(\.key).joined(separator: ", ")))")
            }
            func matrix(_ key: String) throws(TrimtabError) -> [[Double]] {
                var rows: [[Double]] = []
                for row in try hourReader.required(key).items() {
                    var values: [Double] = []
                    for cell in try row.items() { values.append(try cell.double()) }
                    rows.append(values)
                }
                return rows
            }
            do throws(TrimtabError) {
                return try MarkovianArrivals(d0: try matrix("D0"), d1: try matrix("D1"))
            } catch {
                var e = error
                e.field = "\(trace).\(hour).\(error.field ?? "")"
                throw e
            }
        } catch {
            throw error.inFile(path)
        }
    }
}
