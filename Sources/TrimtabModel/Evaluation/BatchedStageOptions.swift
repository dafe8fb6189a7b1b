import Foundation

/// Planning workflows with batching: when the goal has `load_rps` and a stage's variant has a
/// batch dimension (`latency_ms_by_batch`), every (variant, memory, B ≥ 2, timeout T) becomes an
/// option besides the unbatched ones, so that every solver (exact, greedy, exhaustive, Pareto)
/// chooses batching like any other setting.
///
/// Arrivals at a stage are taken as Poisson at λ = load_rps × ne(stage) (an approximation: a
/// stage's input is the thinned and delayed workflow input). With the timeout started by a
/// batch's first request, a batch holds K = 1 + min(B−1, N(T)) requests, N ~ Poisson(λT), and
/// * the option's latency is the expected request latency: the mean batching wait
///   E[Σ waits]/E[K], E[Σ waits] = (1/λ) Σ_{n=0}^{B−2} (n+1) P(N > n), plus the request-weighted
///   mean service time Σ_k k p_k s_k / E[K];
/// * its cost per invocation is the per-request share E[cost of a batch]/E[K], billing
///   granularity applied to each batch size's service time s_k (interpolated in the table).
public enum BatchedStageOptions {
    /// Timeouts (ms) tried for a stage without `batch_timeouts_ms`.
    public static let defaultTimeoutsMs: [Double] = [10, 20, 50, 100, 200, 500, 1000]

    static func adding(to options: [[StageOption]], workflow: Workflow, executions: [Double]) -> [[StageOption]] {
        guard let load = workflow.goal?.loadRps, load > 0 else { return options }
        var result = options
        for (s, stage) in workflow.stages.enumerated() where s < executions.count && executions[s] > 0 {
            let rate = load * executions[s]
            for (vi, variant) in stage.variants.enumerated() where !variant.batchLatency.isEmpty {
                let maxB = variant.batchSizes.last ?? 1
                guard maxB >= 2 else { continue }
                for point in variant.latency {
                    let m = point.memoryMB
                    let service = (1...maxB).map { variant.latencyMs(memoryMB: m, batchSize: $0) ?? point.latencyMs }
                    for b in 2...maxB {
                        for t in stage.batchTimeoutsMs ?? defaultTimeoutsMs {
                            let q = PoissonBatch(rate: rate, maxBatchSize: b, timeoutMs: t)
                            var cost = 0.0, serviceSum = 0.0
                            for k in 1...b {
                                cost += q.sizeProbabilities[k - 1] * workflow.platform.invocationCost(memoryMB: m, latencyMs: service[k - 1])
                                serviceSum += q.sizeProbabilities[k - 1] * Double(k) * service[k - 1]
                            }
                            result[s].append(StageOption(variant: vi, memoryMB: m, latencyMs: q.meanWaitMs + serviceSum / q.meanSize + stage.overheadMs,
                                                         invocationCost: cost / q.meanSize, accuracy: variant.accuracy,
                                                         batchSize: b, batchTimeoutMs: t))
                        }
                    }
                }
            }
        }
        return result
    }

    /// Throws the precise reason a batched choice has no option; returns for other mismatches.
    static func explainMissing(_ choice: StageChoice, stage: Stage, options: [StageOption]) throws(TrimtabError) {
        guard let b = choice.batchSize, b > 1 else { return }
        let field = "configuration.\(stage.name)"
        guard options.contains(where: { $0.batchSize != nil }) else {
            throw TrimtabError(field: "\(field).batch_size", "stage '\(stage.name)' is not planned with batching (it needs latency_ms_by_batch and the goal's load_rps)")
        }
        guard let t = choice.batchTimeoutMs else {
            throw TrimtabError(field: "\(field).batch_timeout_ms", "is required with batch_size \(b)")
        }
        let sizes = Set(options.compactMap(\.batchSize)).sorted()
        guard sizes.contains(b) else {
            throw TrimtabError(field: "\(field).batch_size", "\(b) is not a candidate (2–\(sizes.last ?? 2))")
        }
        let timeouts = Set(options.compactMap(\.batchTimeoutMs)).sorted()
        guard timeouts.contains(where: { abs($0 - t) <= 1e-9 * max(1, $0) }) else {
            throw TrimtabError(field: "\(field).batch_timeout_ms",
                               "\(t) is not a candidate timeout (\(timeouts.map { String(format: "%g", $0) }.joined(separator: ", ")); set the stage's batch_timeouts_ms)")
        }
    }
}

extension StageOption {
    /// Whether this option is the batching a configuration asks for (no batch or B = 1: unbatched).
    public func matchesBatching(of choice: StageChoice) -> Bool {
        let b = choice.batchSize ?? 1
        if b <= 1 { return batchSize == nil }
        guard batchSize == b, let t = batchTimeoutMs, let ct = choice.batchTimeoutMs else { return false }
        return abs(t - ct) <= 1e-9 * max(1, abs(t))
    }
}
