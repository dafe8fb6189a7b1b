import Foundation
import Testing
import TrimtabModel
@testable import TrimtabBatch

func poissonPMF(_ k: Int, _ x: Double) -> Double { exp(-x + Double(k) * log(x) - lgamma(Double(k) + 1)) }

@Suite struct ModelTests {
    /// Poisson closed form: B' = 1 + min(B−1, N(T)), N ~ Poisson(λT).
    @Test func poissonBatchSizesMatchTheClosedForm() throws {
        let process = try MarkovianArrivalProcess.poisson(rate: 20)
        let grid = BatchGrid(memorySizes: [1024], batchSizes: [1, 5, 12], timeoutsMs: [50, 400])
        let evaluator = BatchGridEvaluator(process: process, grid: grid)
        for behaviour in evaluator.behaviours where !behaviour.isUnbatched {
            let x = 20 * behaviour.timeoutMs / 1000
            let b = behaviour.maxBatchSize
            var tail = 1.0
            for k in 1..<b {
                let p = poissonPMF(k - 1, x)
                #expect(abs(behaviour.batchSizeProbabilities[k - 1] - p) < 1e-12)
                tail -= p
            }
            #expect(abs(behaviour.batchSizeProbabilities[b - 1] - tail) < 1e-12)
            // Mean wait: E[Σ waits] = (1/λ) Σ_{n=0}^{B−2} (n+1) P(N > n); per request / E[size].
            var sum = 0.0, meanSize = 1.0, cdf = 0.0
            for n in 0...(b - 2) {
                cdf += poissonPMF(n, x)
                sum += Double(n + 1) * (1 - cdf) / 20
                meanSize += 1 - cdf
            }
            #expect(abs(behaviour.meanBatchSize - meanSize) < 1e-10)
            #expect(abs(behaviour.meanWaitMs - sum / meanSize * 1000) < 1e-8)
        }
    }

    /// The request-wait distribution integrates to the batch-size moments: at y = T every request
    /// of a size-k batch is counted (k p_k), and the atom at 0 is the full batches' last requests.
    @Test func waitCountsAreConsistentForAMAP() throws {
        let maps = try HourlyMAPs.load(path: referencePath("batch/hourly_maps.json"))
        let process = try maps.process(trace: "twitter", hour: "7")
        let evaluator = BatchGridEvaluator(process: process, grid: BatchGrid(memorySizes: [1024], batchSizes: [6], timeoutsMs: [300]))
        let behaviour = try #require(evaluator.behaviours.first)
        #expect(abs(behaviour.batchSizeProbabilities.reduce(0, +) - 1) < 1e-12)
        for k in 1...6 {
            let left = behaviour.waitCounts[k - 1][behaviour.gridSteps]
            let pk = behaviour.batchSizeProbabilities[k - 1]
            // Left limit at T: a timed-out batch's opening request (wait exactly T) is missing.
            #expect(abs(left - (k < 6 ? Double(k - 1) : Double(k)) * pk) < 1e-9)
            // Non-decreasing in y.
            let row = behaviour.waitCounts[k - 1]
            #expect(zip(row, row.dropFirst()).allSatisfy { $0 <= $1 + 1e-12 })
        }
        #expect(abs(behaviour.waitCounts[5][0] - behaviour.batchSizeProbabilities[5]) < 1e-9)
    }

    /// Poisson, B = 2: the first request waits min(T, Exp(λ)), the second (if any) 0, so
    /// P(wait ≤ y) = (2 − e^{−λy} − e^{−λT}) / (2 − e^{−λT}) for y < T. Exact at the grid points,
    /// interpolated in between.
    @Test func waitDistributionMatchesTheClosedFormForBatchesOfTwo() throws {
        let lambda = 10.0, t = 200.0
        let evaluator = BatchGridEvaluator(process: try .poisson(rate: lambda), grid: BatchGrid(memorySizes: [1], batchSizes: [2], timeoutsMs: [t]))
        let behaviour = try #require(evaluator.behaviours.first)
        let eT = exp(-lambda * t / 1000)
        func exact(_ y: Double) -> Double { (2 - exp(-lambda * y / 1000) - eT) / (2 - eT) }
        for g in 0..<behaviour.gridSteps {
            let y = t * Double(g) / Double(behaviour.gridSteps)
            #expect(abs(behaviour.waitCDF(atMost: y) - exact(y)) < 1e-12)
            let mid = y + t / Double(behaviour.gridSteps) / 2
            #expect(abs(behaviour.waitCDF(atMost: mid) - exact(mid)) < 1e-4)
        }
        #expect(abs(behaviour.waitCDF(atMost: t) - 1) < 1e-12)
        #expect(behaviour.waitCDF(atMost: -1) == 0)
        // Latency = wait + deterministic service s(k): the CDF shifts by s(k) per batch size.
        let service = LinearService(memorySizes: [1], maxBatchSize: 2, baseMs: 100, perRequestMs: 0)
        #expect(abs(BatchPerformanceModel.latencyCDF(behaviour, service: service, memoryMB: 1, atMost: 150) - exact(50)) < 1e-4)
    }

    /// Uniformization against a brute-force matrix exponential (Taylor series with scaling and squaring).
    @Test func countingKernelMatchesTheMatrixExponential() throws {
        let maps = try HourlyMAPs.load(path: referencePath("batch/hourly_maps.json"))
        let process = try maps.process(trace: "nys", hour: "12")
        let b = 5
        let kernel = CountingKernel(process, maxCount: b, maxTimeSeconds: 0.8)
        let t = 0.8
        // Level generator with levels 0..b−1 (counts), truncated: P_c(t) = block (0, c) of exp(Qt).
        let n = process.phases
        let size = n * b
        var q = [Double](repeating: 0, count: size * size)
        for level in 0..<b {
            for i in 0..<n { for j in 0..<n {
                q[(level * n + i) * size + level * n + j] = process.d0[i * n + j]
                if level + 1 < b { q[(level * n + i) * size + (level + 1) * n + j] = process.d1[i * n + j] }
            } }
        }
        let e = expm(q.map { $0 * t }, size)
        let (p, _) = kernel.matrices(at: t)
        for c in 0..<b { for i in 0..<n { for j in 0..<n {
            #expect(abs(p[c * n * n + i * n + j] - e[i * size + c * n + j]) < 1e-12)
        } } }
    }

    func expm(_ a: [Double], _ n: Int) -> [Double] {
        let norm = a.map(abs).reduce(0, +)
        let s = max(0, Int(log2(max(norm, 1))) + 4)
        let scaled = a.map { $0 / pow(2, Double(s)) }
        var result = PhaseAlgebra.identity(n)
        var term = PhaseAlgebra.identity(n)
        for k in 1...30 {
            term = PhaseAlgebra.multiply(term, scaled, n).map { $0 / Double(k) }
            result = zip(result, term).map { $0 + $1 }
        }
        for _ in 0..<s { result = PhaseAlgebra.multiply(result, result, n) }
        return result
    }
}
