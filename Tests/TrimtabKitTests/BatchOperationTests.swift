import Foundation
import Testing
import TrimtabKit
import TrimtabModel

private let batching = """
    version: 1
    name: one-batcher
    platform: {kind: aws-lambda, price_per_gb_second: 0.00001, price_per_request: 0.0000002, billing_granularity_ms: 1}
    stages:
      - name: infer
        latency_ms_by_batch:
          1: {1024: 100}
          2: {1024: 130}
          3: {1024: 160}
          4: {1024: 190}
    edges:
      - {from: start, to: infer}
      - {from: infer, to: end}
    """

/// P(N = j) for N ~ Poisson(m).
private func poisson(_ j: Int, _ m: Double) -> Double {
    exp(-m + Double(j) * log(m) - lgamma(Double(j) + 1))
}

@Test func batchMatchesTheClosedFormOfABatchOnItsOwnInstance() throws {
    // A batch opens at an arrival and closes at the timeout T or when B requests are in it, so its
    // size is 1 + min(N, B − 1) with N ~ Poisson(λT). Each batch of k costs
    // 0.00001 USD/GB-s × 1 GB × L(k)/1000 s + 0.0000002 USD; per request: E[cost] / E[size].
    let latency = [1: 100.0, 2: 130, 3: 160, 4: 190]
    let lambda = 20.0, timeoutMs = 50.0
    func oracle(_ b: Int) -> (meanSize: Double, costPerMillion: Double) {
        let m = lambda * timeoutMs / 1000
        var meanSize = 0.0, meanCost = 0.0
        for k in 1...b {
            let p = k < b ? poisson(k - 1, m) : 1 - (0..<(b - 1)).reduce(0) { $0 + poisson($1, m) }
            meanSize += p * Double(k)
            meanCost += p * (0.00001 * (latency[k] ?? 0) / 1000 + 0.0000002)
        }
        return (meanSize, meanCost / meanSize * 1e6)
    }
    let result = try BatchOperation.run(.init(workflow: .text(batching, label: "workflow"), stage: "infer", arrivals: "poisson:20",
                                              maxLatencyP95Ms: 10_000, timeoutsMs: "50"))
    #expect(result.status == "optimal" && result.grid.configurations == 4 && result.grid.feasible == 4)
    // Brute force over B with the closed form: the cheapest is the answer.
    let cheapest = (1...4).min { oracle($0).costPerMillion < oracle($1).costPerMillion } ?? 0
    let b = try #require(result.batchSize)
    #expect(b == cheapest)
    let predicted = try #require(result.predicted)
    #expect(abs(predicted.meanBatchSize - oracle(b).meanSize) < 1e-6, "\(predicted.meanBatchSize) vs \(oracle(b).meanSize)")
    #expect(abs(predicted.costPerMillionUSD - oracle(b).costPerMillion) / oracle(b).costPerMillion < 1e-6)
    // Without batching every request is its own batch: 1.2 USD per million, latency 100 ms.
    let unbatched = try #require(result.unbatched)
    #expect(unbatched.batchSize == 1 && abs(unbatched.predicted.costPerMillionUSD - 1.2) < 1e-9)
    #expect(abs(unbatched.predicted.latencyP95Ms - 100) < 1e-6)
}

@Test func batchInfeasibleAndBadFields() throws {
    // No configuration has a p95 below the 100 ms service time.
    let infeasible = try BatchOperation.run(.init(workflow: .text(batching, label: "workflow"), stage: "infer", arrivals: "poisson:20",
                                                  maxLatencyP95Ms: 50, timeoutsMs: "50"))
    #expect(infeasible.status == "infeasible" && infeasible.outcome == .infeasible && infeasible.closest != nil)
    #expect(throws: TrimtabError(field: "--max-latency-p95-ms", "is required with --minimize cost")) {
        try BatchOperation.run(.init(workflow: .text(batching, label: "workflow"), stage: "infer", arrivals: "poisson:20"))
    }
}
