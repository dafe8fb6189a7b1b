import Foundation
import Testing
import TrimtabModel
@testable import TrimtabJob

/// A small two-memory model with a table and a linear law, 100 ms billing and a request fee,
/// so that rounding and the partial last split matter.
func smallModel(maxWorkers: Int = 40) -> WorkerModel {
    WorkerModel(
        name: "small", platform: Platform(pricePerGBSecond: 0.0000166667, pricePerRequest: 0.0000002, billingGranularityMs: 100),
        setups: [
            WorkerSetup(memoryMB: 1024, initS: 3.1, workerOverheadS: 0.2, splitTime: .linear(perSplitS: 0.35, perItemS: 0.21)),
            WorkerSetup(memoryMB: 2048, initS: 2.2, workerOverheadS: 0.1, splitTime: .table([8: 0.9, 16: 1.7, 32: 3.3])),
        ],
        splitSizes: [8, 16, 32], maxWorkers: maxWorkers, startupS: 1.5)
}

@Suite struct SimulatorTests {
    @Test func dynamicDeterministicMatchesTheClosedForm() throws {
        let model = smallModel()
        for setup in model.setups {
            let sim = JobSimulator(model: model, setup: setup, noise: .deterministic)
            for items in [1, 7, 33, 100, 257] {
                for s in [8, 16, 32] {
                    for w in [1, 2, 3, 5, 8, 13, 40] {
                        let shape = JobShape(items: items, splitSize: s, workers: w)
                        let p = try #require(JobPredictor.predict(shape, setup: setup, model: model))
                        let r = try #require(sim.run(shape, policy: .dynamic, seed: 7))
                        #expect(abs(p.makespanS - r.makespanS) < 1e-9, "\(setup.memoryMB) \(shape)")
                        #expect(abs(p.costUSD - r.costUSD) < 1e-12, "\(setup.memoryMB) \(shape)")
                    }
                }
            }
        }
    }

    @Test func staticDeterministicMatchesItsClosedForm() throws {
        let model = smallModel()
        let setup = model.setups[0]
        let sim = JobSimulator(model: model, setup: setup, noise: .deterministic)
        for (items, s, w) in [(20_000, 32, 50), (20_000, 32, 300), (1000, 16, 7), (33, 8, 5), (5, 8, 9)] {
            let r = try #require(sim.run(JobShape(items: items, splitSize: s, workers: w), policy: .staticAllocation, seed: 1))
            let q = (items + w - 1) / w
            // init + ⌈q/s⌉ × per_split + q × per_item, for the worker holding q = ⌈N/w⌉ items.
            let closed = 1.5 + 3.1 + Double((q + s - 1) / s) * 0.35 + Double(q) * 0.21
            #expect(abs(r.makespanS - closed) < 1e-9, "\(items) \(s) \(w)")
        }
    }

    @Test func sameSeedSameResultAndNoiseChangesIt() throws {
        let model = smallModel()
        let noise = SplitNoise(sigma: 0.3, stragglerProbability: 0.02, stragglerMinFactor: 4, stragglerAlpha: 1.2)
        let sim = JobSimulator(model: model, setup: model.setups[0], noise: noise)
        let shape = JobShape(items: 2000, splitSize: 16, workers: 20)
        for policy in [AllocationPolicy.staticAllocation, .dynamic, .speculative(afterShare: 0.5, slowdown: 2)] {
            let a = try #require(sim.run(shape, policy: policy, seed: 42))
            let b = try #require(sim.run(shape, policy: policy, seed: 42))
            let c = try #require(sim.run(shape, policy: policy, seed: 43))
            #expect(a == b)
            #expect(a != c)
        }
    }

    @Test func speculationCutsTheTailOfHeavyTailedStragglers() throws {
        let model = smallModel()
        let noise = SplitNoise(sigma: 0.2, stragglerProbability: 0.01, stragglerMinFactor: 5, stragglerAlpha: 1.1)
        let sim = JobSimulator(model: model, setup: model.setups[0], noise: noise)
        let shape = JobShape(items: 4000, splitSize: 16, workers: 50)
        let st = try #require(SimulationSummary.over(seeds: 60, simulator: sim, shape: shape, policy: .staticAllocation))
        let dy = try #require(SimulationSummary.over(seeds: 60, simulator: sim, shape: shape, policy: .dynamic))
        let sp = try #require(SimulationSummary.over(seeds: 60, simulator: sim, shape: shape, policy: .speculative(afterShare: 0.8, slowdown: 2)))
        #expect(dy.makespanP50S < st.makespanP50S)
        #expect(sp.makespanP99S < dy.makespanP99S)
        #expect(sp.meanCopies > 0)
    }

    @Test func speculationWithoutStragglersCopiesNothing() throws {
        let model = smallModel()
        let sim = JobSimulator(model: model, setup: model.setups[0], noise: .deterministic)
        let shape = JobShape(items: 500, splitSize: 16, workers: 7)
        let dy = try #require(sim.run(shape, policy: .dynamic, seed: 1))
        let sp = try #require(sim.run(shape, policy: .speculative(afterShare: 0.5, slowdown: 2), seed: 1))
        #expect(sp.copies == 0)
        #expect(abs(sp.makespanS - dy.makespanS) < 1e-9)
    }
}

@Suite struct PlannerTests {
    /// Brute force: every grid point evaluated by the event simulator (not the closed form).
    func bruteForce(_ model: WorkerModel, _ goal: JobGoal) -> (best: JobChoice?, minViolation: Double) {
        var best: JobChoice?
        var minViolation = Double.infinity
        for setup in model.setups {
            let sim = JobSimulator(model: model, setup: setup, noise: .deterministic)
            for s in model.splitSizes {
                let splits = (goal.items + s - 1) / s
                for w in 1...min(splits, model.maxWorkers) {
                    let shape = JobShape(items: goal.items, splitSize: s, workers: w)
                    guard let r = sim.run(shape, policy: .dynamic, seed: 1) else { continue }
                    let p = JobPrediction(makespanS: r.makespanS, costUSD: r.costUSD, billedSeconds: r.billedS, items: goal.items)
                    let c = JobChoice(memoryMB: setup.memoryMB, shape: shape, prediction: p)
                    if goal.isMet(by: p) {
                        if best.map({ JobPlanner.better(c, than: $0, goal.minimize) }) ?? true { best = c }
                    } else {
                        minViolation = min(minViolation, goal.violation(of: p))
                    }
                }
            }
        }
        return (best, minViolation)
    }

    @Test func plannerMatchesBruteForce() throws {
        let model = smallModel()
        var checked = 0
        for items in [10, 150, 999] {
            for deadline in [6.0, 12.0, 30.0, 120.0] {
                let goal = JobGoal(items: items, deadlineS: deadline)
                let plan = try JobPlanner.plan(model, goal: goal)
                let brute = bruteForce(model, goal)
                if let b = brute.best {
                    #expect(plan.feasible)
                    #expect(abs(plan.choice.prediction.costUSD - b.prediction.costUSD) < 1e-12, "\(items) \(deadline)")
                    checked += 1
                } else {
                    #expect(!plan.feasible)
                    #expect(abs(goal.violation(of: plan.choice.prediction) - brute.minViolation) < 1e-9)
                }
            }
            for cpm in [400.0, 1000.0, 5000.0] {
                let goal = JobGoal(items: items, maxCostPerMillion: cpm)
                let plan = try JobPlanner.plan(model, goal: goal)
                let brute = bruteForce(model, goal)
                if let b = brute.best {
                    #expect(plan.feasible)
                    #expect(abs(plan.choice.prediction.makespanS - b.prediction.makespanS) < 1e-9, "\(items) \(cpm)")
                    checked += 1
                } else {
                    #expect(!plan.feasible)
                }
            }
        }
        #expect(checked >= 15)
    }

    @Test func infeasibleDeadlineReturnsTheFastestOption() throws {
        let model = smallModel()
        let plan = try JobPlanner.plan(model, goal: JobGoal(items: 5000, deadlineS: 1))
        #expect(!plan.feasible)
        // The closest option to a deadline is the fastest job on the grid — never 1 worker.
        #expect(plan.choice.shape.workers == model.maxWorkers)
    }

    @Test func zeroItemsIsBadInput() {
        #expect(throws: TrimtabError.self) { try JobPlanner.plan(smallModel(), goal: JobGoal(items: 0, deadlineS: 10)) }
    }
}
