import Testing
import TrimtabModel
import TrimtabSampling
@testable import TrimtabSolve

/// The split relaxation's bound (`LabelEngine.splitItems`: each join's latency a weighted
/// average of its arms', a general region's stages weighing nothing) on workflows of every
/// shape — fan-outs, branches, loops, bridges — and every goal, from unbounded to two bounds
/// (goals with fewer than two bounds on workflows with joins have no other bound). Stopped
/// before the exact folds, with only the scalarised search's incumbent, so that many answers
/// are not optimal; checked against enumeration.
@Suite struct SplitBoundTests {
    @Test func splitBoundIsNeverBeatenByAnyConfiguration() throws {
        var solver = ExactSolver()
        solver.stopsBeforeIncumbentFolds = true
        solver.heuristicIncumbents = false
        solver.reportsClosestBounds = false
        var bounded = 0, strictlyBelowAnswer = 0, oneBoundOrNone = 0
        for seed in UInt64(1)...60 {
            var rng = SeededGenerator(seed: seed &* 7919)
            let generator = RandomWorkflowGenerator(memorySizes: RandomWorkflowGenerator.lambdaSizes(Int.random(in: 2...4, using: &rng)),
                                                    variantShare: 0.5, maxVariants: 3)
            let w = enumerable(stages: Int.random(in: 6...9, using: &rng), floor: 4, generator) { $1.make(stages: $0, seed: seed) }
            let model = try WorkflowModel(w)
            let all = everyPrediction(model)
            for goal in everyBoundMix(all, &rng) {
                guard let result = try stoppedSolve(solver, model, goal) else { continue }
                guard let best = bestScore(all, goal), let p = result.prediction,
                      result.status == .feasible, let bound = result.objectiveBound else { continue }
                bounded += 1
                if [goal.bounds.maxLatencyMs, goal.bounds.maxCostPerMillion, goal.bounds.minAccuracy].compactMap({ $0 }).count < 2 {
                    oneBoundOrNone += 1
                }
                let answer = p.score(goal.objective)
                let score = goal.objective == .maximizeAccuracy ? -bound : bound
                let slack = 1e-9 * max(goal.objective == .maximizeAccuracy ? 0 : 1, abs(best))
                #expect(score <= best + slack, "seed \(seed) \(goal): bound \(bound), yet a configuration reaches \(best)")
                if score < answer - 1e-6 * max(1, abs(answer)) { strictlyBelowAnswer += 1 }
            }
        }
        #expect(bounded > 100, "\(bounded) bounded answers")
        #expect(oneBoundOrNone > 30, "\(oneBoundOrNone) bounded answers to goals with at most one bound")
        #expect(strictlyBelowAnswer > 50, "\(strictlyBelowAnswer) bounds strictly better than the answer")
        print("SplitBoundTests: \(bounded) bounded (\(oneBoundOrNone) with at most one bound), \(strictlyBelowAnswer) strictly better than the answer")
    }
}
