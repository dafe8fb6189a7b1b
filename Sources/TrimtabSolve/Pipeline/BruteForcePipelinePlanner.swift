/// Enumerates every combination of stage settings (every variant, batch size, millicores and
/// replica count with the capacity for the load). The reference the exact planner is checked
/// against, and the alternative the benchmark compares with.
public struct BruteForcePipelinePlanner: Sendable {
    public init() {}

    /// - Complexity: O(S · Π_k O_k) for S stages with O_k settings each.
    public func plan(_ pipeline: KubernetesPipeline, _ request: PipelinePlanRequest) -> PipelinePlan? {
        let options = (0..<pipeline.stageCount).map { PipelineStageOption.all(pipeline, stage: $0, request).flatMap { $0 } }
        guard options.allSatisfy({ !$0.isEmpty }) else { return nil }
        let terms = options.enumerated().map { k, list in
            list.map { pipeline.accuracy.term(stage: pipeline.order[k], accuracy: pipeline.stage(k).variants[$0.setting.variant].accuracy) }
        }
        let slo = request.sloMs * (1 + 1e-12)
        var index = Array(repeating: 0, count: options.count)
        var best: (score: PipelineScore, index: [Int])?
        while true {
            var latency = 0.0, penalty = 0.0, term = pipeline.accuracy.identity
            for k in 0..<options.count {
                let o = options[k][index[k]]
                latency += o.latencyMs
                penalty += o.penalty
                term = pipeline.accuracy.combine(term, terms[k][index[k]])
            }
            if latency <= slo {
                let score = request.objective.score(accuracy: pipeline.accuracy.finish(term), penalty: penalty)
                if best.map({ score.beats($0.score) }) ?? true { best = (score, index) }
            }
            var k = options.count - 1
            while k >= 0 {
                index[k] += 1
                if index[k] < options[k].count { break }
                index[k] = 0
                k -= 1
            }
            if k < 0 { break }
        }
        guard let best else { return nil }
        let chosen = best.index.enumerated().map { options[$0.offset][$0.element] }
        return PipelinePlan(settings: chosen.map(\.setting), latencyMs: chosen.map(\.latencyMs).reduce(0, +),
                            costPerHour: chosen.map(\.costPerHour).reduce(0, +),
                            accuracy: pipeline.pipelineAccuracy(variants: chosen.map(\.setting.variant)),
                            batchSum: chosen.map(\.setting.batchSize).reduce(0, +), score: best.score)
    }
}
