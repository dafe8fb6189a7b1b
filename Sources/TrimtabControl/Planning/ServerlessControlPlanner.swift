import Foundation
import TrimtabAdaptation
import TrimtabAdapters
import TrimtabModel
import TrimtabSolve

/// Plans an interval of a workflow the Kubernetes pipeline planner does not take (serverless/Lambda,
/// or a Kubernetes workflow that is not a chain): the exact planner chooses variant and memory per
/// stage for the goal (the choice does not depend on the load), the interim `ReplicaPlanner` sizes
/// capacity for the forecast.
public struct ServerlessControlPlanner: Sendable {
    public let model: WorkflowModel
    public let goal: Goal
    public let capacity: CapacityKind
    public let replicas: ReplicaPlanner
    let solver: any Solver

    public init(model: WorkflowModel, goal: Goal, capacity: CapacityKind, replicas: ReplicaPlanner,
                solver: any Solver = ExactSolver()) {
        self.model = model
        self.goal = goal
        self.capacity = capacity
        self.replicas = replicas
        self.solver = solver
    }

    /// The plan for `forecast` requests/s; throws when no configuration meets the goal's bounds.
    /// - Complexity: one exact solve (see `ExactSolver`) plus O(stages).
    public func plan(forecast: Double) throws -> ControlPlan {
        let result = try solver.solve(model, goal: goal)
        guard result.status != .infeasible, let indices = result.optionIndices, let prediction = result.prediction else {
            throw TrimtabError(field: "goal", "no configuration meets the goal's bounds")
        }
        var settings: [StageSetting] = []
        for (s, k) in indices.enumerated() {
            let option = model.options[s][k]
            let stage = model.workflow.stages[s]
            let count = replicas.capacity(forecast: forecast, executions: model.executions[s], latencyMs: option.latencyMs)
            var setting = StageSetting(stage: stage.name, variant: stage.hasVariants ? stage.variants[option.variant].name : nil)
            switch capacity {
            case .replicas: setting.replicas = count
            case .concurrency:
                setting.memoryMB = option.memoryMB
                setting.concurrency = count
            }
            settings.append(setting)
        }
        return ControlPlan(settings: settings, prediction: prediction,
                           choices: model.configuration(optionIndices: indices), status: result.status.rawValue)
    }

    /// The relative gain of `plan`'s variant/memory choice over `running` for the goal's objective;
    /// nil when the running choice is unknown or breaks a bound (then any change is worth it).
    public func gain(of plan: ControlPlan, over running: [String: StageSetting]) -> Double? {
        var configuration: Configuration = [:]
        for stage in model.workflow.stages {
            guard let current = running[stage.name], let planned = plan.choices[stage.name] else { return nil }
            let variant = stage.hasVariants ? (current.variant ?? planned.variant) : nil
            // Kubernetes does not run memory sizes: keep the plan's so that only variants compare.
            let memory = capacity == .concurrency ? (current.memoryMB ?? planned.memoryMB) : planned.memoryMB
            configuration[stage.name] = StageChoice(variant: variant, memoryMB: memory)
        }
        guard let prediction = try? model.predict(configuration) else { return nil }
        guard goal.bounds.admits(prediction) else { return nil }
        let old = prediction.score(goal.objective)
        let new = plan.prediction.score(goal.objective)
        guard old != 0 else { return new < old ? .infinity : 0 }
        return (old - new) / abs(old)
    }
}
