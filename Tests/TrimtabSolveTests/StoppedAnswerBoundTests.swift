import Testing
import TrimtabModel
import TrimtabSampling
@testable import TrimtabSolve

/// Answers stopped before any proof (a cancelled solve: the deadline has passed at its first
/// look, so only the scalarised search's incumbent is found and no Lagrangian core runs) on
/// chains, shared-shape chains, fan-outs and branchy workflows: every one carries the split
/// relaxation's bound (for chains, the one relaxation of their items), and no configuration
/// beats it (enumeration).
@Suite struct StoppedAnswerBoundTests {
    @Test func answersStoppedBeforeAnyProofCarryABoundNoConfigurationBeats() throws {
        let cancelled = SolveCancellation()
        cancelled.cancel()
        var solver = ExactSolver()
        solver.cancellation = cancelled
        solver.reportsClosestBounds = false
        var answers = 0, bounded = 0, chainsBounded = 0, strictlyBelowAnswer = 0
        for seed in UInt64(1)...48 {
            var rng = SeededGenerator(seed: seed &* 104_729)
            let generator = RandomWorkflowGenerator(memorySizes: RandomWorkflowGenerator.lambdaSizes(Int.random(in: 2...4, using: &rng)),
                                                    variantShare: 0.5, maxVariants: 3)
            let shape = seed % 4  // 0 chain, 1 shared-shape chain, 2 fan-outs, 3 branches and loops
            let w = enumerable(stages: Int.random(in: 6...9, using: &rng), floor: 4, generator) { stages, generator in
                switch shape {
                case 0: generator.makeChain(stages: stages, seed: seed)
                case 1: generator.makeChain(stages: stages, seed: seed, sharedShape: true)
                case 2: generator.makeSeriesParallel(stages: stages, seed: seed, depth: 1)
                default: generator.make(stages: stages, seed: seed)
                }
            }
            let model = try WorkflowModel(w)
            let all = everyPrediction(model)
            for goal in everyBoundMix(all, &rng) {
                guard let result = try stoppedSolve(solver, model, goal) else { continue }
                guard let best = bestScore(all, goal), let p = result.prediction else { continue }
                answers += 1
                let answer = p.score(goal.objective)
                let bound: Double
                switch result.status {
                case .optimal:
                    // Proven at once: the bound reached the answer.
                    #expect(abs(answer - best) <= 1e-6 * max(1, abs(best)), "seed \(seed) \(goal): 'optimal' \(answer), optimum \(best)")
                    bound = goal.objective == .maximizeAccuracy ? p.accuracy : answer
                case .feasible:
                    guard let b = result.objectiveBound else {
                        Issue.record("seed \(seed) shape \(shape) \(goal): a stopped answer without a bound")
                        continue
                    }
                    bound = b
                default:
                    Issue.record("seed \(seed) \(goal): status \(result.status) for a cancelled solve with an answer")
                    continue
                }
                bounded += 1
                if shape < 2 { chainsBounded += 1 }
                let score = goal.objective == .maximizeAccuracy ? -bound : bound
                let slack = 1e-9 * max(goal.objective == .maximizeAccuracy ? 0 : 1, abs(best))
                #expect(score <= best + slack, "seed \(seed) \(goal): bound \(bound), yet a configuration reaches \(best)")
                if score < answer - 1e-6 * max(1, abs(answer)) { strictlyBelowAnswer += 1 }
            }
        }
        #expect(bounded == answers && answers > 300, "\(bounded) of \(answers) stopped answers bounded")
        #expect(chainsBounded > 150, "\(chainsBounded) chain answers bounded")
        #expect(strictlyBelowAnswer > 100, "\(strictlyBelowAnswer) bounds strictly better than the answer")
        print("StoppedAnswerBoundTests: \(bounded) of \(answers) bounded (\(chainsBounded) chains), \(strictlyBelowAnswer) strictly better than the answer")
    }
}
