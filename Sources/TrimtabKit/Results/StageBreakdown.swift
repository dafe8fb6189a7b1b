import TrimtabModel

/// One stage of a configuration with what it contributes: its latency per execution, expected
/// executions per run, expected cost per million runs and share of the total cost.
public struct StageBreakdown: Codable, Sendable, Equatable {
    public var stage: String
    public var variant: String?
    public var memoryMB: Int
    public var batchSize: Int?
    public var batchTimeoutMs: Double?
    public var latencyMs: Double
    public var executions: Double
    public var costPerMillionUSD: Double
    public var costShare: Double?

    enum CodingKeys: String, CodingKey {
        case stage, variant, memoryMB = "memory_mb", batchSize = "batch_size", batchTimeoutMs = "batch_timeout_ms"
        case latencyMs = "latency_ms", executions, costPerMillionUSD = "cost_per_million_usd", costShare = "cost_share"
    }

    /// Every stage of the configuration `optionIndices`, in workflow order.
    public static func of(_ model: WorkflowModel, _ optionIndices: [Int]) -> [StageBreakdown] {
        let costs = optionIndices.enumerated().map { s, k in model.executions[s] * model.options[s][k].invocationCost * 1e6 }
        let total = costs.reduce(0, +)
        return optionIndices.enumerated().map { s, k in
            let stage = model.workflow.stages[s]
            let o = model.options[s][k]
            return StageBreakdown(stage: stage.name, variant: stage.hasVariants ? stage.variants[o.variant].name : nil,
                                  memoryMB: o.memoryMB, batchSize: o.batchSize, batchTimeoutMs: o.batchSize == nil ? nil : (o.batchTimeoutMs ?? 0),
                                  latencyMs: o.latencyMs, executions: model.executions[s], costPerMillionUSD: costs[s],
                                  costShare: total > 0 ? costs[s] / total : nil)
        }
    }
}
