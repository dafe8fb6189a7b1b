import TrimtabModel

/// What the adaptive step plans an interval with: a plan for the forecast load, and the plan's
/// gain over what runs (what the guardrails' `min_gain` compares). The live controller's
/// `ControlPlanner` and the Kubernetes `PipelineControlPlanner` (which the replay uses) are ones.
public protocol IntervalPlanner: Sendable {
    /// The plan for `forecast` requests/s; throws when nothing meets the goal's bounds.
    func plan(forecast: Double) throws -> ControlPlan
    /// The relative gain of `plan` over `running` in the planner's objective; nil when any change
    /// is worth it (nothing known to run, or what runs breaks a bound).
    func gain(of plan: ControlPlan, over running: [String: StageSetting]) -> Double?
}

extension PipelineControlPlanner: IntervalPlanner {}
