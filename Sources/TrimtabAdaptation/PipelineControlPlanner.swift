import TrimtabModel
import TrimtabSolve

/// Plans an interval of a Kubernetes pipeline (`platform: kubernetes`, a chain of stages) with the
/// exact pipeline planner of `TrimtabSolve` — the one `trimtab adapt` uses: per stage the
/// variant, batch size, CPU millicores and replicas for λ = the forecast, with the configuration's
/// headroom as the planner's capacity factor (replicas × throughput ≥ headroom × λ, as
/// `trimtab adapt --headroom`).
public struct PipelineControlPlanner: Sendable {
    public let pipeline: KubernetesPipeline
    /// The request for every interval; `loadRps` is replaced by the forecast.
    public let request: PipelinePlanRequest
    /// Replicas are raised to at least this many after planning (more replicas only lower latency).
    public let minReplicas: Int

    public init(pipeline: KubernetesPipeline, request: PipelinePlanRequest, minReplicas: Int = 1) {
        self.pipeline = pipeline
        self.request = request
        self.minReplicas = max(1, minReplicas)
    }

    /// The request for `forecast` requests/s.
    public func request(forecast: Double) -> PipelinePlanRequest {
        var r = request
        r.loadRps = forecast.isFinite ? max(0, forecast) : 0
        return r
    }

    /// The plan for `forecast` requests/s; throws when no setting meets the SLO within the replica
    /// limit. With a percentile SLO that no setting meets, the fastest plan instead (status
    /// `fastest`): the least predicted tail within the replica limit, so that a burst beyond what
    /// the SLO allows still gets the most capacity rather than no change.
    /// - Complexity: one `PipelinePlanner.plan` (see there) plus O(stages · options).
    public func plan(forecast: Double) throws -> ControlPlan {
        let r = request(forecast: forecast)
        var status = "optimal"
        let found = PipelinePlanner().plan(pipeline, r)
        let fallback = found == nil && r.percentile != nil ? fastest(r) : nil
        if fallback != nil { status = "fastest" }
        guard let plan = found ?? fallback else {
            let bound = r.percentile.map { "p\(PipelineControlPlanner.percent($0)) " } ?? ""
            throw TrimtabError(field: "goal", "no setting meets the \(bound)latency SLO of \(r.sloMs) ms at \(r.loadRps) requests/s "
                               + "with at most \(r.maxReplicas) replicas per stage")
        }
        var choices: Configuration = [:]
        for (k, s) in plan.settings.enumerated() {
            let stage = pipeline.stage(k)
            // As `trimtab adapt --format json`: the table key (millicores) stands in the memory field.
            choices[stage.name] = StageChoice(variant: stage.hasVariants ? stage.variants[s.variant].name : nil, memoryMB: s.millicores)
        }
        let settings = stageSettings(plan.settings)
        let perMillion = r.loadRps > 0 ? plan.costPerHour / (r.loadRps * 3600) * 1_000_000 : 0
        return ControlPlan(settings: settings,
                           prediction: Prediction(latencyMs: plan.latencyMs, costPerMillion: perMillion, accuracy: plan.accuracy),
                           choices: choices, status: status, pipeline: plan, pipelineLoad: r.loadRps)
    }

    /// The plan of least predicted latency: per stage its fastest option (stage latencies add up
    /// and nothing else ties the stages), the lower penalty among equally fast ones. Nil when a
    /// stage has no option with the capacity for the load.
    /// - Complexity: O(stages · options).
    public func fastest(_ r: PipelinePlanRequest) -> PipelinePlan? {
        var chosen: [PipelineStageOption] = []
        for k in 0..<pipeline.stageCount {
            let options = PipelineStageOption.all(pipeline, stage: k, r).flatMap { $0 }
            guard let best = options.min(by: { ($0.latencyMs, $0.penalty) < ($1.latencyMs, $1.penalty) }) else { return nil }
            chosen.append(best)
        }
        let accuracy = pipeline.pipelineAccuracy(variants: chosen.map(\.setting.variant))
        let penalty = chosen.map(\.penalty).reduce(0, +)
        return PipelinePlan(settings: chosen.map(\.setting), latencyMs: chosen.map(\.latencyMs).reduce(0, +),
                            costPerHour: chosen.map(\.costPerHour).reduce(0, +), accuracy: accuracy,
                            batchSum: chosen.map(\.setting.batchSize).reduce(0, +),
                            score: r.objective.score(accuracy: accuracy, penalty: penalty))
    }

    /// 0.99 → "99", 0.995 → "99.5".
    static func percent(_ p: Double) -> String {
        let v = (p * 1000).rounded() / 10
        return v == v.rounded() ? String(Int(v)) : String(v)
    }

    /// The settings to apply for the planner's per-stage settings (replicas raised to
    /// `minReplicas`), in the workflow's stage order, as the serverless planner gives them.
    /// - Complexity: O(S log S) for S stages.
    public func stageSettings(_ settings: [PipelineStageSetting]) -> [StageSetting] {
        var out: [StageSetting] = []
        for (k, s) in settings.enumerated() {
            let stage = pipeline.stage(k)
            out.append(StageSetting(stage: stage.name, variant: stage.hasVariants ? stage.variants[s.variant].name : nil,
                                    batchSize: s.batchSize, cpuCores: Double(s.millicores) / 1000, replicas: max(minReplicas, s.replicas)))
        }
        let order = pipeline.workflow.stages.map(\.name)
        out.sort { (order.firstIndex(of: $0.stage) ?? 0) < (order.firstIndex(of: $1.stage) ?? 0) }
        return out
    }

    /// The planner's per-stage settings for what runs (the inverse of `stageSettings`); nil when
    /// a stage's variant, batch size, cores or replicas are unknown or not in its tables.
    /// - Complexity: O(S · V) for S stages of V variants.
    public func pipelineSettings(_ running: [String: StageSetting]) -> [PipelineStageSetting]? {
        var out: [PipelineStageSetting] = []
        for k in 0..<pipeline.stageCount {
            let stage = pipeline.stage(k)
            guard let s = running[stage.name], let batch = s.batchSize, let cores = s.cpuCores, let replicas = s.replicas else { return nil }
            var variant = 0
            if stage.hasVariants {
                guard let name = s.variant, let v = stage.variants.firstIndex(where: { $0.name == name }) else { return nil }
                variant = v
            }
            out.append(PipelineStageSetting(variant: variant, batchSize: batch, millicores: Int((cores * 1000).rounded()), replicas: replicas))
        }
        return out
    }

    /// The relative gain of the plan over what runs, in the planner's objective at the plan's load.
    ///
    /// The running variant, batch size and cores of every stage are scored at their best replica
    /// counts for the same load (the replicas are not what `min_gain` guards). nil when something
    /// running is unknown, is not in the workflow's tables, or cannot meet the SLO at this load
    /// (then any change is worth it). Lexicographic objectives compare the first criterion, and the
    /// second when the first ties.
    /// - Complexity: O(S · F · R) for S stages, a front of F labels and R replica counts.
    public func gain(of plan: ControlPlan, over running: [String: StageSetting]) -> Double? {
        guard let planned = plan.pipeline else { return nil }
        let r = request(forecast: plan.pipelineLoad ?? 0)
        var variants: [Int] = []
        var front: [(latency: Double, penalty: Double)] = [(0, 0)]
        for k in 0..<pipeline.stageCount {
            let stage = pipeline.stage(k)
            guard let current = running[stage.name], let batch = current.batchSize, let cores = current.cpuCores else { return nil }
            let v: Int
            if stage.hasVariants {
                guard let name = current.variant, let index = stage.variants.firstIndex(where: { $0.name == name }) else { return nil }
                v = index
            } else {
                v = 0
            }
            variants.append(v)
            let millicores = Int((cores * 1000).rounded())
            let options = PipelineStageOption.all(pipeline, stage: k, r)[v]
                .filter { $0.setting.batchSize == batch && $0.setting.millicores == millicores }
            guard !options.isEmpty else { return nil }
            var merged: [(latency: Double, penalty: Double)] = []
            for a in front { for o in options { merged.append((a.latency + o.latencyMs, a.penalty + o.penalty)) } }
            merged.sort { ($0.latency, $0.penalty) < ($1.latency, $1.penalty) }
            front = []
            for m in merged where front.last.map({ m.penalty < $0.penalty }) ?? true { front.append(m) }
        }
        let slo = r.sloMs * (1 + 1e-12)
        guard let least = front.filter({ $0.latency <= slo }).map(\.penalty).min() else { return nil }
        let old = r.objective.score(accuracy: pipeline.pipelineAccuracy(variants: variants), penalty: least)
        let new = planned.score
        let relative = { (new: Double, old: Double) -> Double in
            guard old != 0 else { return new > old ? .infinity : 0 }
            return (new - old) / abs(old)
        }
        return PipelineScore.close(new.primary, old.primary) ? relative(new.secondary, old.secondary) : relative(new.primary, old.primary)
    }
}
