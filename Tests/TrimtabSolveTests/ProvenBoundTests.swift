import Testing
import TrimtabModel
import TrimtabSampling
@testable import TrimtabSolve

/// The bound a `feasible` answer reports when the time limit stops the proof: no configuration
/// meeting the bounds beats it, checked against enumeration (the test's own odometer over
/// every configuration). The solve is stopped before its folds against the incumbent
/// (`stopsBeforeIncumbentFolds`), where a real time limit stops the slow goals; with the
/// heuristics' incumbents (whose searches over capped label sets must not count as proofs)
/// and with only the scalarised search's (so that many answers are not optimal and the bound
/// is tested where it matters).
@Suite struct ProvenBoundTests {
    enum Shape: CaseIterable { case chain, sharedChain, fanOut }

    @Test(arguments: Shape.allCases, [false, true]) func boundIsNeverBeatenByAnyConfiguration(shape: Shape, heuristics: Bool) throws {
        var solver = ExactSolver()
        solver.stopsBeforeIncumbentFolds = true
        solver.heuristicIncumbents = heuristics
        solver.heuristicLabelCap = 2
        solver.relaxedLabelCap = 2
        solver.reportsClosestBounds = false
        var bounded = 0, strictlyBelowAnswer = 0, answersNotOptimal = 0, unanswered = 0
        for seed in UInt64(1)...40 {
            var rng = SeededGenerator(seed: seed &* 4099)
            let generator = RandomWorkflowGenerator(memorySizes: RandomWorkflowGenerator.lambdaSizes(Int.random(in: 2...4, using: &rng)),
                                                    variantShare: 0.5, maxVariants: 3)
            var w = enumerable(stages: Int.random(in: 6...10, using: &rng), floor: 5, generator) { stages, generator in
                switch shape {
                case .chain: generator.makeChain(stages: stages, seed: seed)
                case .sharedChain: generator.makeChain(stages: stages, seed: seed, sharedShape: true)
                case .fanOut: generator.makeSeriesParallel(stages: stages, seed: seed, depth: seed % 2 == 0 ? 2 : 1)
                }
            }
            if seed % 4 == 0 { w.accuracy = .mean }
            let model = try WorkflowModel(w)
            let all = everyPrediction(model)
            for goal in twoBoundGoals(all, &rng) {
                // Stopped before any configuration met the bounds and before infeasibility
                // was proven: the time limit's error, as at a real limit.
                let result: PlanResult
                switch Result(catching: { () throws(TrimtabError) -> PlanResult in try solver.solve(model, goal: goal) }) {
                case .success(let plan): result = plan
                case .failure(let error) where error.field == "--time-limit":
                    unanswered += 1
                    continue
                case .failure(let error): throw error
                }
                guard let best = bestScore(all, goal) else {
                    #expect(result.status == .infeasible, "seed \(seed) \(goal)")
                    continue
                }
                guard let p = result.prediction else {
                    Issue.record("seed \(seed) \(goal): no answer, enumeration finds \(best)")
                    continue
                }
                #expect(goal.bounds.admits(p), "seed \(seed) \(goal)")
                let answer = p.score(goal.objective)
                if answer > best + 1e-9 * max(1, abs(best)) { answersNotOptimal += 1 }
                if result.status == .optimal {
                    #expect(answer <= best + 1e-9 * max(goal.objective == .maximizeAccuracy ? 0 : 1, abs(best)),
                            "seed \(seed) \(goal): optimal \(answer), yet a configuration reaches \(best)")
                }
                guard result.status == .feasible, let bound = result.objectiveBound else {
                    #expect(result.objectiveBound == nil, "seed \(seed) \(goal): a bound on a \(result.status) answer")
                    continue
                }
                bounded += 1
                // In "smaller is better" form: the bound is at most the best configuration's
                // value and at most the answer's.
                let score = goal.objective == .maximizeAccuracy ? -bound : bound
                let slack = 1e-9 * max(goal.objective == .maximizeAccuracy ? 0 : 1, abs(best))
                #expect(score <= best + slack, "seed \(seed) \(goal): bound \(bound), yet a configuration reaches \(best)")
                #expect(score <= answer + slack, "seed \(seed) \(goal): bound \(bound) beyond the answer \(answer)")
                if score < answer - 1e-6 * max(1, abs(answer)) { strictlyBelowAnswer += 1 }
            }
        }
        // The test can fail: many answers carry a bound, some of them answers that are not
        // optimal, and most bounds lie strictly on the better side of the answer.
        #expect(bounded > 100, "\(bounded) bounded answers")
        #expect(strictlyBelowAnswer > 50, "\(strictlyBelowAnswer) bounds strictly better than the answer")
        #expect(answersNotOptimal > 0, "\(answersNotOptimal) answers not optimal")
        print("ProvenBoundTests \(shape) heuristics \(heuristics): \(bounded) bounded, \(strictlyBelowAnswer) strictly better than the answer, \(answersNotOptimal) answers not optimal, \(unanswered) stopped before any answer")
    }
}

/// `relativeGap`: the solve stops once its answer is proven within the gap. Against
/// enumeration: an `optimal` answer is the optimum; a `feasible` one is within the gap of it
/// and carries a bound no configuration beats.
@Suite struct RelativeGapTests {
    @Test(arguments: [0.0, 0.02, 0.2]) func answersStoppedAtAGapAreWithinIt(wanted: Double) throws {
        var solver = ExactSolver(relativeGap: wanted)
        solver.heuristicIncumbents = false
        solver.reportsClosestBounds = false
        var stopped = 0, optimal = 0
        for seed in UInt64(1)...45 {
            var rng = SeededGenerator(seed: seed &* 2111)
            let generator = RandomWorkflowGenerator(memorySizes: RandomWorkflowGenerator.lambdaSizes(Int.random(in: 2...4, using: &rng)),
                                                    variantShare: 0.5, maxVariants: 3)
            var stages = Int.random(in: 6...9, using: &rng)
            func make() -> Workflow {
                switch seed % 3 {
                case 0: return generator.makeChain(stages: stages, seed: seed)
                case 1: return generator.makeChain(stages: stages, seed: seed, sharedShape: true)
                default: return generator.makeSeriesParallel(stages: stages, seed: seed, depth: 1)
                }
            }
            var w = make()
            while configurationCount(w) > 20_000, stages > 4 {
                stages -= 1
                w = make()
            }
            let model = try WorkflowModel(w)
            let all = everyPrediction(model)
            for goal in twoBoundGoals(all, &rng) {
                let result = try solver.solve(model, goal: goal)
                guard let best = bestScore(all, goal) else {
                    #expect(result.status == .infeasible, "seed \(seed) \(goal)")
                    continue
                }
                let p = try #require(result.prediction, "seed \(seed) \(goal)")
                #expect(goal.bounds.admits(p), "seed \(seed) \(goal)")
                let answer = p.score(goal.objective)
                let floor = goal.objective == .maximizeAccuracy ? 0.0 : 1.0
                switch result.status {
                case .optimal:
                    optimal += 1
                    #expect(answer <= best + 1e-9 * max(floor, abs(best)), "seed \(seed) \(goal): optimal \(answer), enumeration \(best)")
                case .feasible:
                    stopped += 1
                    // Within the gap of the optimum (accuracy: of the accuracies), and the
                    // bound reported beaten by no configuration.
                    let value = abs(answer), optimum = abs(best)
                    #expect(abs(value - optimum) <= wanted * value + 1e-9 * max(floor, value),
                            "seed \(seed) \(goal): \(value) is not within \(wanted) of the optimum \(optimum)")
                    let bound = try #require(result.objectiveBound, "seed \(seed) \(goal): stopped without a bound")
                    let score = goal.objective == .maximizeAccuracy ? -bound : bound
                    #expect(score <= best + 1e-9 * max(floor, abs(best)), "seed \(seed) \(goal): bound \(bound), optimum \(best)")
                    #expect(ExactSolver.gap(answer: p, bound: bound, objective: goal.objective) <= wanted + 1e-12)
                case .infeasible:
                    Issue.record("seed \(seed) \(goal): infeasible, enumeration finds \(best)")
                }
            }
        }
        // A gap of 0 only stops where the bound reaches the answer, which proves it optimal;
        // wider gaps stop many goals early.
        if wanted == 0 { #expect(stopped == 0) } else { #expect(stopped > 20, "\(stopped) stopped, \(optimal) optimal") }
        print("RelativeGapTests \(wanted): \(stopped) stopped at the gap, \(optimal) optimal")
    }
}
