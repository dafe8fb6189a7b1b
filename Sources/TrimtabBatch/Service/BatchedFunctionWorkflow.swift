import TrimtabModel

/// The workflow of one batching function alone: `start → infer → end`, for checking the
/// batching model against the simulator (tests and `trimtab-bench batch-vs-sim`).
public enum BatchedFunctionWorkflow {
    /// Stage `infer` with service times `serviceMs[k − 1]` for batch sizes k = 1…n at one memory
    /// size, candidate timeouts `timeoutsMs`, 1 ms billing, and a goal with a load so that the
    /// planner (and so the simulator's configuration check) knows batching.
    public static func make(serviceMs: [Double], memoryMB: Int, timeoutsMs: [Double]) -> Workflow {
        let rows = serviceMs.enumerated().map { k, ms in
            BatchLatencyTable(batchSize: k + 1, latency: [LatencyPoint(memoryMB: memoryMB, latencyMs: ms)])
        }
        var stage = Stage(name: "infer", latency: rows.first?.latency ?? [], batchLatency: rows)
        stage.batchTimeoutsMs = timeoutsMs
        return Workflow(name: "batch-vs-sim", platform: Platform(billingGranularityMs: 1), stages: [stage],
                        edges: [Edge(from: "start", to: "infer"), Edge(from: "infer", to: "end")],
                        goal: Goal(objective: .minimizeCost, loadRps: 1))
    }
}
