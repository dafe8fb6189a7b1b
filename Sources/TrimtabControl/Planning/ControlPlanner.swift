import TrimtabAdaptation
import TrimtabAdapters
import TrimtabModel
import TrimtabSolve

/// Plans each interval of the control loop with the planner that fits the workflow:
/// the exact Kubernetes pipeline planner for a Kubernetes pipeline (variant, batch size, cores and
/// replicas per stage for the forecast), otherwise the exact serverless planner with the interim
/// `ReplicaPlanner` for capacity.
public struct ControlPlanner: Sendable {
    /// Which planner plans the intervals.
    public enum Method: Sendable {
        case serverless(ServerlessControlPlanner)
        case pipeline(PipelineControlPlanner)
    }

    public let method: Method

    /// The serverless/interim planner (the exact planner for variant and memory, `ReplicaPlanner` for capacity).
    public init(model: WorkflowModel, goal: Goal, capacity: CapacityKind, replicas: ReplicaPlanner,
                solver: any Solver = ExactSolver()) {
        method = .serverless(ServerlessControlPlanner(model: model, goal: goal, capacity: capacity, replicas: replicas, solver: solver))
    }

    /// The Kubernetes pipeline planner.
    public init(pipeline: PipelineControlPlanner) {
        method = .pipeline(pipeline)
    }

    /// The workflow planned for.
    public var workflow: Workflow {
        switch method {
        case .serverless(let p): return p.model.workflow
        case .pipeline(let p): return p.pipeline.workflow
        }
    }

    /// `pipeline` for the Kubernetes pipeline planner, `serverless` otherwise.
    public var name: String {
        switch method {
        case .serverless: return "serverless"
        case .pipeline: return "pipeline"
        }
    }

    /// The plan for `forecast` requests/s; throws when nothing meets the goal's bounds.
    /// - Complexity: that of the chosen planner.
    public func plan(forecast: Double) throws -> ControlPlan {
        switch method {
        case .serverless(let p): return try p.plan(forecast: forecast)
        case .pipeline(let p): return try p.plan(forecast: forecast)
        }
    }

    /// The relative gain of the plan over what runs, in the chosen planner's objective (what
    /// `min_gain` compares); nil when any change is worth it.
    public func gain(of plan: ControlPlan, over running: [String: StageSetting]) -> Double? {
        switch method {
        case .serverless(let p): return p.gain(of: plan, over: running)
        case .pipeline(let p): return p.gain(of: plan, over: running)
        }
    }
}

extension ControlPlanner: IntervalPlanner {}
