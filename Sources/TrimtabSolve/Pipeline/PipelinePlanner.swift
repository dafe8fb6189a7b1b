/// The exact re-planner of a Kubernetes pipeline: per stage a variant, batch size, millicores and
/// replica count, so that every stage has the capacity for the load (with headroom), the predicted
/// end-to-end latency (service + batch forming + queueing, summed over the chain) meets the SLO,
/// and the objective is best.
///
/// Method: for each stage and variant only the settings not dominated in (latency, penalty) can be
/// optimal, because accuracy depends on the variant alone and the objective is monotone in the
/// summed penalty. A depth-first search over the variants of the stages in order keeps, for the
/// variant prefix, the Pareto front of (summed latency, summed penalty) of the partial settings,
/// drops partial settings that cannot meet the SLO even with the fastest remaining stages, and
/// prunes a prefix whose optimistic score (best remaining accuracies, least remaining penalties)
/// cannot beat the incumbent. Every pruning rule is a valid bound, so the answer is optimal.
public struct PipelinePlanner: Sendable {
    public init() {}

    private struct Label {
        var latency: Double
        var penalty: Double
        var parent: Int
        var option: Int
    }

    /// The best plan, or nil when no setting meets the SLO with the replica limit.
    /// - Complexity: O(V^S · F · O) in the worst case for S stages of V variants, prefix fronts
    ///   of F labels and O options per stage variant; the bounds cut most of it in practice.
    public func plan(_ pipeline: KubernetesPipeline, _ request: PipelinePlanRequest) -> PipelinePlan? {
        let stages = pipeline.stageCount
        let options: [[[PipelineStageOption]]] = (0..<stages).map { k in
            PipelineStageOption.all(pipeline, stage: k, request).map(PipelineStageOption.front)
        }
        // Fastest latency and least penalty from stage k on; best accuracy term of each stage.
        var restLatency = Array(repeating: 0.0, count: stages + 1)
        var restPenalty = Array(repeating: 0.0, count: stages + 1)
        var bestTerm = Array(repeating: pipeline.accuracy.identity, count: stages + 1)
        for k in stride(from: stages - 1, through: 0, by: -1) {
            let all = options[k].flatMap { $0 }
            guard let fastest = all.map(\.latencyMs).min(), let least = all.map(\.penalty).min() else { return nil }
            restLatency[k] = restLatency[k + 1] + fastest
            restPenalty[k] = restPenalty[k + 1] + least
            let terms = pipeline.stage(k).variants.indices.filter { !options[k][$0].isEmpty }
                .map { pipeline.accuracy.term(stage: pipeline.order[k], accuracy: pipeline.stage(k).variants[$0].accuracy) }
            bestTerm[k] = terms.max() ?? pipeline.accuracy.identity
        }
        let slo = request.sloMs * (1 + 1e-12)
        var fronts: [[Label]] = Array(repeating: [], count: stages + 1)
        fronts[0] = [Label(latency: 0, penalty: 0, parent: -1, option: -1)]
        var variants = Array(repeating: 0, count: stages)
        var incumbent: (score: PipelineScore, variants: [Int], labels: [Label])?

        func optimisticAccuracy(_ k: Int, term: Double) -> Double {
            var t = term
            for i in k..<stages { t = pipeline.accuracy.combine(t, bestTerm[i]) }
            return pipeline.accuracy.finish(t)
        }

        /// The largest total penalty with which a plan of accuracy at most `accuracyBound` could
        /// still beat (or, where ties can be broken, equal) the incumbent; +∞ without one.
        func penaltyLimit(accuracyBound a: Double) -> Double {
            guard let inc = incumbent?.score else { return .infinity }
            let slack = { (x: Double) in x + 1e-9 * max(1, abs(x)) }
            switch request.objective {
            case .weighted(let alpha, _, _): return slack(alpha * a - inc.primary)
            case .costThenAccuracy: return slack(-inc.primary)
            case .accuracyThenCost:
                if PipelineScore.close(a, inc.primary) { return slack(-inc.secondary) }
                return a > inc.primary ? .infinity : -1
            }
        }

        // Visit first the variants likely to give a good incumbent early.
        let variantOrder: [[Int]] = (0..<stages).map { k in
            let candidates = options[k].indices.filter { !options[k][$0].isEmpty }
            let accuracy = { (v: Int) in pipeline.stage(k).variants[v].accuracy }
            let least = { (v: Int) in options[k][v].map(\.penalty).min() ?? .infinity }
            switch request.objective {
            case .accuracyThenCost: return candidates.sorted { accuracy($0) > accuracy($1) }
            case .costThenAccuracy: return candidates.sorted { least($0) < least($1) }
            case .weighted(let alpha, _, _): return candidates.sorted { alpha * accuracy($0) - least($0) > alpha * accuracy($1) - least($1) }
            }
        }

        func search(_ k: Int, term: Double) {
            guard let least = fronts[k].last?.penalty else { return }
            let bound = request.objective.score(accuracy: optimisticAccuracy(k, term: term), penalty: least + restPenalty[k])
            if let inc = incumbent, !bound.beats(inc.score) { return }
            if k == stages {
                guard let label = fronts[k].last else { return }
                let accuracy = pipeline.accuracy.finish(term)
                let score = request.objective.score(accuracy: accuracy, penalty: label.penalty)
                if incumbent.map({ score.beats($0.score) }) ?? true {
                    // Walk back the chosen labels, last stage first.
                    var chain: [Label] = []
                    var index = fronts[k].count - 1
                    for depth in stride(from: k, to: 0, by: -1) {
                        let l = fronts[depth][index]
                        chain.append(l)
                        index = l.parent
                    }
                    incumbent = (score, variants, chain.reversed())
                }
                return
            }
            for v in variantOrder[k] {
                variants[k] = v
                let opts = options[k][v]
                let t = pipeline.accuracy.combine(term, pipeline.accuracy.term(stage: pipeline.order[k], accuracy: pipeline.stage(k).variants[v].accuracy))
                // Partial penalties above this limit cannot lead past the incumbent.
                let limit = penaltyLimit(accuracyBound: optimisticAccuracy(k + 1, term: t)) - restPenalty[k + 1]
                guard limit >= 0 else { continue }
                var merged: [Label] = []
                merged.reserveCapacity(fronts[k].count * opts.count)
                for (p, parent) in fronts[k].enumerated() {
                    for (o, option) in opts.enumerated() {
                        let latency = parent.latency + option.latencyMs
                        if latency + restLatency[k + 1] > slo { break }   // options ascend in latency
                        let penalty = parent.penalty + option.penalty
                        if penalty > limit { continue }                    // and descend in penalty
                        merged.append(Label(latency: latency, penalty: penalty, parent: p, option: o))
                    }
                }
                merged.sort { ($0.latency, $0.penalty) < ($1.latency, $1.penalty) }
                var front: [Label] = []
                for l in merged where front.last.map({ l.penalty < $0.penalty }) ?? true { front.append(l) }
                fronts[k + 1] = front
                search(k + 1, term: t)
            }
        }
        search(0, term: pipeline.accuracy.identity)

        guard let best = incumbent else { return nil }
        let chosen = best.labels.enumerated().map { k, l in options[k][best.variants[k]][l.option] }
        return PipelinePlan(settings: chosen.map(\.setting),
                            latencyMs: chosen.map(\.latencyMs).reduce(0, +),
                            costPerHour: chosen.map(\.costPerHour).reduce(0, +),
                            accuracy: pipeline.pipelineAccuracy(variants: best.variants),
                            batchSum: chosen.map(\.setting.batchSize).reduce(0, +),
                            score: best.score)
    }
}
