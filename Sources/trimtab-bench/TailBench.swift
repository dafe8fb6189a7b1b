import Foundation
import TrimtabFit
import TrimtabModel

/// `trimtab-bench tails FILE...`: planning under a p95 bound with the composed rule (Monte
/// Carlo, at two run counts) and the conservative rule, on each workflow file, with bounds a
/// quarter, half and three quarters of the way from the fastest configuration's composed p95
/// to the cheapest's. Minimises cost. Prints one row per (file, bound, rule).
enum TailBench {
    static func run(_ files: [String]) throws {
        print("file | bound | rule | status | seconds | nodes | cost per 1M | p95 ms")
        for file in files {
            let workflow = try WorkflowParser.load(path: file)
            let model = try WorkflowModel(workflow)
            let fastest = model.options.map { opts in opts.indices.min { opts[$0].latencyMs < opts[$1].latencyMs } ?? 0 }
            let cheapest = model.options.map { opts in opts.indices.min { opts[$0].invocationCost < opts[$1].invocationCost } ?? 0 }
            let sampler = try ComposedTailLatency(model, flag: "bench")
            let lo = sampler.quantiles(ComposedTailLatency.settings(model, optionIndices: fastest), [0.95])[0]
            let hi = sampler.quantiles(ComposedTailLatency.settings(model, optionIndices: cheapest), [0.95])[0]
            for fraction in [0.25, 0.5, 0.75] {
                let bound = lo + fraction * (hi - lo)
                for (rule, runs) in [(TailRule.composed, 20_000), (.composed, 5_000), (.conservative, 0)] {
                    let start = Date()
                    let plan = try TailBoundPlanner.plan(model, goal: Goal(objective: .minimizeCost),
                                                         tails: [TailBound(quantile: 0.95, maxMs: bound, flag: "p95")],
                                                         rule: rule, runs: max(runs, 100))
                    let seconds = Date().timeIntervalSince(start)
                    let label = rule == .composed ? "composed \(runs)" : "conservative"
                    print(String(format: "%@ | %.0f | %@ | %@ | %.3f | %d | %@ | %@", (file as NSString).lastPathComponent, bound, label,
                                 plan.status.rawValue, seconds, plan.nodes,
                                 plan.prediction.map { String(format: "%.4f", $0.costPerMillion) } ?? "-",
                                 plan.tails.first.map { String(format: "%.1f", $0) } ?? "-"))
                }
            }
        }
    }
}
