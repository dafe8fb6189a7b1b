import TrimtabModel

/// A chain of inference stages on Kubernetes, read from a workflow file with `platform: kubernetes`.
///
/// Each stage's variants carry `latency_ms_by_batch: {BATCH: {MILLICORES: ms}}` (or a plain
/// `latency_ms: {MILLICORES: ms}` for batch size 1): the measured latency of one batch on a replica
/// with that many CPU millicores (1000 = one core). A replica of `m` millicores costs
/// `m / 1000 × price_per_core_hour` USD per hour; its throughput at batch size b is the variant's
/// `throughput_rps_by_batch` entry when the file gives one (measured on the serving engine, e.g.
/// by `trimtab profile --ray-serve`), else `1000 · b / latency_ms(b)` requests per second (one
/// batch at a time). A stage's `overhead_ms` (time per request outside the model, e.g. the
/// serving engine's proxy) adds to its latency.
public struct KubernetesPipeline: Sendable {
    public let workflow: Workflow
    /// Stage indices into `workflow.stages`, in pipeline order.
    public let order: [Int]
    /// USD per core-hour (1 when the file gives none: cost is then in core-hours).
    public let pricePerCoreHour: Double
    public let accuracy: AccuracyAlgebra

    public init(_ workflow: Workflow) throws(TrimtabError) {
        guard workflow.platform.kind == .kubernetes else {
            throw TrimtabError(field: "platform.kind", "is '\(workflow.platform.kind.rawValue)'; adaptive pipeline planning needs kubernetes")
        }
        self.workflow = workflow
        self.order = try Self.chainOrder(workflow)
        self.pricePerCoreHour = workflow.platform.pricePerCoreHour ?? 1
        self.accuracy = AccuracyAlgebra(rule: workflow.accuracy, stages: workflow.stages)
    }

    /// The stages of a chain start → s1 → … → end, every edge taken with probability 1.
    static func chainOrder(_ w: Workflow) throws(TrimtabError) -> [Int] {
        var next: [String: String] = [:]
        for (i, e) in w.edges.enumerated() {
            guard e.probability == 1, next[e.from] == nil else {
                throw TrimtabError(field: "edges[\(i)]", "a Kubernetes pipeline must be a chain start → … → end (no branches)")
            }
            next[e.from] = e.to
        }
        var order: [Int] = []
        var at = "start"
        while let to = next[at], to != "end" {
            guard let index = w.stageIndex(named: to), !order.contains(index) else {
                throw TrimtabError(field: "edges", "a Kubernetes pipeline must be a chain start → … → end (no cycles)")
            }
            order.append(index)
            at = to
        }
        guard next[at] == "end", order.count == w.stages.count else {
            throw TrimtabError(field: "edges", "a Kubernetes pipeline must be a chain start → … → end through every stage")
        }
        return order
    }

    public var stageCount: Int { order.count }
    public func stage(_ k: Int) -> Stage { workflow.stages[order[k]] }

    /// USD per hour of `replicas` replicas of `millicores` each.
    public func costPerHour(replicas: Int, millicores: Int) -> Double {
        Double(replicas) * Double(millicores) / 1000 * pricePerCoreHour
    }

    /// The accuracy of a choice of variant per stage (pipeline order).
    public func pipelineAccuracy(variants: [Int]) -> Double {
        var term = accuracy.identity
        for (k, v) in variants.enumerated() {
            term = accuracy.combine(term, accuracy.term(stage: order[k], accuracy: stage(k).variants[v].accuracy))
        }
        return accuracy.finish(term)
    }
}
