import Foundation
import TrimtabModel

/// A Bayesian search over the same grid with a fixed budget of model evaluations (MBS uses
/// Bayesian optimisation with 60), for comparison with the exhaustive optimum.
///
/// Configurations are points of the unit cube (memory index, B, log timeout, each scaled to
/// [0, 1]). Two Gaussian processes (squared-exponential kernel, length scale 0.2, unit variance on
/// standardized targets, jitter 1e-6; fixed hyperparameters) model log cost and the latency
/// percentile. After `initial` random configurations, each step evaluates, among up to
/// `candidates` random unevaluated grid points, the one with the largest expected improvement
/// in cost times the probability of meeting the latency bound (only that probability while
/// nothing feasible is known). Only `--minimize cost` goals are searched.
public struct BayesianGridSearch: Sendable {
    public var process: MarkovianArrivalProcess
    public var grid: BatchGrid
    public var initial = 10
    public var candidates = 1500
    public var lengthScale = 0.2

    public init(process: MarkovianArrivalProcess, grid: BatchGrid) {
        self.process = process
        self.grid = grid
    }

    /// - Complexity: `budget` single evaluations plus O(budget · candidates · budget²) for the
    ///   Gaussian-process predictions.
    public func search(service: any BatchServiceModel, platform: Platform, maxLatencyPercentileMs bound: Double,
                       budget: Int, seed: UInt64) -> BatchPlan {
        var rng = SeededGenerator(seed: seed)
        var points: [(m: Int, b: Int, t: Double, x: [Double])] = []
        let maxB = Double(max((grid.batchSizes.last ?? 1) - 1, 1))
        let logT = grid.timeoutsMs.map { log($0) }
        let tLow = logT.first ?? 0, tSpan = max((logT.last ?? 0) - tLow, 1e-9)
        let mSpan = Double(max(grid.memorySizes.count - 1, 1))
        for (mi, m) in grid.memorySizes.enumerated() {
            for b in grid.batchSizes {
                let xb = Double(b - 1) / maxB
                if b == 1 { points.append((m, 1, 0, [Double(mi) / mSpan, 0, 0])); continue }
                for t in grid.timeoutsMs { points.append((m, b, t, [Double(mi) / mSpan, xb, (log(t) - tLow) / tSpan])) }
            }
        }
        points.shuffle(using: &rng)
        var evaluated: [BatchPerformance] = []
        var xs: [[Double]] = []
        var remaining = Array(points.indices)
        func evaluate(_ index: Int) {
            let p = points[index]
            evaluated.append(RandomGridSearch.evaluate(process: process, service: service, platform: platform,
                                                       memoryMB: p.m, batchSize: p.b, timeoutMs: p.t))
            xs.append(p.x)
        }
        for _ in 0..<min(initial, budget, remaining.count) { evaluate(remaining.removeLast()) }
        while evaluated.count < budget, !remaining.isEmpty {
            let costs = evaluated.map { log($0.costPerMillion) }
            let latencies = evaluated.map { $0.latencyPercentileMs / bound }
            let costModel = GaussianProcess(xs: xs, ys: costs, lengthScale: lengthScale)
            let latencyModel = GaussianProcess(xs: xs, ys: latencies, lengthScale: lengthScale)
            let feasibleCosts = zip(costs, latencies).filter { $0.1 <= 1 }.map(\.0)
            let incumbent = feasibleCosts.min()
            var bestScore = -Double.infinity
            var bestSlot = remaining.count - 1
            let pool = min(candidates, remaining.count)
            for slot in (remaining.count - pool)..<remaining.count {
                let x = points[remaining[slot]].x
                let (ml, sl) = latencyModel.predict(x)
                let pFeasible = normalCDF((1 - ml) / max(sl, 1e-12))
                var score = pFeasible
                if let f = incumbent {
                    let (mc, sc) = costModel.predict(x)
                    let s = max(sc, 1e-12)
                    let u = (f - mc) / s
                    score = s * (u * normalCDF(u) + normalPDF(u)) * pFeasible
                }
                if score > bestScore { bestScore = score; bestSlot = slot }
            }
            evaluate(remaining.remove(at: bestSlot))
            remaining.shuffle(using: &rng)  // a fresh candidate pool for the next step
        }
        return BatchGridEvaluator.select(evaluated, goal: .minimizeCost(maxLatencyPercentileMs: bound))
    }
}

func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }
func normalPDF(_ z: Double) -> Double { exp(-z * z / 2) / (2 * Double.pi).squareRoot() }

/// A Gaussian process with a squared-exponential kernel on standardized targets.
struct GaussianProcess {
    let xs: [[Double]]
    let lengthScale: Double
    let mean: Double
    let scale: Double
    /// Cholesky factor of K + jitter·I (row-major, lower).
    let chol: [Double]
    /// (K + jitter·I)⁻¹ (y − mean)/scale.
    let weights: [Double]

    init(xs: [[Double]], ys: [Double], lengthScale: Double) {
        self.xs = xs
        self.lengthScale = lengthScale
        let n = ys.count
        let mu = ys.reduce(0, +) / Double(max(n, 1))
        let variance = ys.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(max(n, 1))
        mean = mu
        scale = variance > 1e-24 ? variance.squareRoot() : 1
        var k = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0...i {
            let v = GaussianProcess.kernel(xs[i], xs[j], lengthScale) + (i == j ? 1e-6 : 0)
            k[i * n + j] = v; k[j * n + i] = v
        } }
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = k[i * n + j]
                for p in 0..<j { sum -= l[i * n + p] * l[j * n + p] }
                l[i * n + j] = i == j ? max(sum, 1e-12).squareRoot() : sum / l[j * n + j]
            }
        }
        chol = l
        let z = ys.map { ($0 - mu) / (variance > 1e-24 ? variance.squareRoot() : 1) }
        weights = GaussianProcess.solve(l, n, GaussianProcess.forward(l, n, z))
    }

    static func kernel(_ a: [Double], _ b: [Double], _ ell: Double) -> Double {
        var d = 0.0
        for i in a.indices { d += (a[i] - b[i]) * (a[i] - b[i]) }
        return exp(-d / (2 * ell * ell))
    }

    static func forward(_ l: [Double], _ n: Int, _ b: [Double]) -> [Double] {
        var y = b
        for i in 0..<n { for p in 0..<i { y[i] -= l[i * n + p] * y[p] }; y[i] /= l[i * n + i] }
        return y
    }

    static func solve(_ l: [Double], _ n: Int, _ y: [Double]) -> [Double] {
        var x = y
        for i in stride(from: n - 1, through: 0, by: -1) {
            for p in (i + 1)..<max(n, i + 1) { x[i] -= l[p * n + i] * x[p] }
            x[i] /= l[i * n + i]
        }
        return x
    }

    /// Posterior mean and standard deviation at `x`, in the targets' units.
    func predict(_ x: [Double]) -> (Double, Double) {
        let n = xs.count
        let ks = xs.map { GaussianProcess.kernel($0, x, lengthScale) }
        var m = 0.0
        for i in 0..<n { m += ks[i] * weights[i] }
        let v = GaussianProcess.forward(chol, n, ks)
        let variance = max(1 - v.reduce(0) { $0 + $1 * $1 }, 1e-12)
        return (mean + scale * m, scale * variance.squareRoot())
    }
}
