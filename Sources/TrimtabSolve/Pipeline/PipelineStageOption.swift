/// One candidate setting of a stage at a given load, with what it implies.
public struct PipelineStageOption: Sendable {
    public var setting: PipelineStageSetting
    /// Predicted stage latency (ms): service + the stage's `overhead_ms` + batch forming + queueing —
    /// their means, or with the request's `percentile` p the service time's p-quantile (the mean
    /// times the variant's `latency_spread` at p; the mean without one) and the wait's p-quantile.
    public var latencyMs: Double
    public var costPerHour: Double
    /// The objective's per-stage penalty (β·cost + γ·b, or cost).
    public var penalty: Double

    /// Every setting of stage `k` that has the capacity for the request's load (replicas from
    /// the fewest with capacity up to the limit), variant by variant.
    public static func all(_ pipeline: KubernetesPipeline, stage k: Int, _ request: PipelinePlanRequest) -> [[PipelineStageOption]] {
        let lambda = request.effectiveLoad
        let stage = pipeline.stage(k)
        return stage.variants.enumerated().map { v, variant in
            var out: [PipelineStageOption] = []
            let spreadFactor = request.percentile.map { p in variant.tails.spread.map { max($0.value(at: p), 0) } ?? 1 } ?? 1
            for b in variant.batchSizes {
                for point in variant.latency {
                    let m = point.memoryMB
                    guard let s = variant.latencyMs(memoryMB: m, batchSize: b), s > 0,
                          let throughput = variant.throughputRps(memoryMB: m, batchSize: b), throughput > 0 else { continue }
                    let needed = lambda * max(1, request.headroom) / throughput
                    // More than the limit (or not a number): no replica count has the capacity.
                    guard needed * (1 - 1e-12) <= Double(request.maxReplicas) else { continue }
                    let fewest = max(1, Int((needed * (1 - 1e-12)).rounded(.up)))
                    guard fewest <= request.maxReplicas else { continue }
                    // A replica is busy 1000·b/throughput ms per batch (= s without a measured throughput).
                    let busy = 1000 * Double(b) / throughput
                    for n in fewest...request.maxReplicas {
                        let queueing: Double
                        if let p = request.percentile {
                            queueing = StageLatencyModel.queueingQuantileMs(serviceMs: busy, batchSize: b, replicas: n, loadRps: lambda, probability: p)
                        } else {
                            queueing = StageLatencyModel.queueingMs(serviceMs: busy, batchSize: b, replicas: n, loadRps: lambda)
                        }
                        let latency = s * spreadFactor + stage.overheadMs + StageLatencyModel.formingMs(batchSize: b, loadRps: lambda) + queueing
                        guard latency.isFinite else { continue }
                        let cost = pipeline.costPerHour(replicas: n, millicores: m)
                        out.append(PipelineStageOption(
                            setting: PipelineStageSetting(variant: v, batchSize: b, millicores: m, replicas: n),
                            latencyMs: latency, costPerHour: cost,
                            penalty: request.objective.penalty(costPerHour: cost, batchSize: b)))
                    }
                }
            }
            return out
        }
    }

    /// The options not dominated in (latency, penalty), by increasing latency and decreasing penalty.
    static func front(_ options: [PipelineStageOption]) -> [PipelineStageOption] {
        let sorted = options.sorted { ($0.latencyMs, $0.penalty) < ($1.latencyMs, $1.penalty) }
        var out: [PipelineStageOption] = []
        for o in sorted where out.last.map({ o.penalty < $0.penalty }) ?? true { out.append(o) }
        return out
    }
}
