import Foundation
import TrimtabModel
import TrimtabSolve
import TrimtabSampling

/// The robustness benchmark's cells: `trimtab-bench robust-cell FAMILY STAGES OBJECTIVE [SEEDS]
/// [--time-limit S] [--explain] [--export] [--seed K] [--mix M] [--band LO,HI]`. One JSON line per instance (every bound mix of the
/// objective × seeds) and a last line with the process's peak memory. `bench/robust_vs_highs.py`
/// runs the cells, solves the exported series–parallel instances with HiGHS in the same run and
/// prints the table.
enum RobustBench {
    /// Instance families; the ones without branches or loops are exported for the MILP.
    static func workflow(family: String, stages n: Int, seed: UInt64) -> (Workflow, exportable: Bool)? {
        let fourSizes = RandomWorkflowGenerator(memorySizes: RandomWorkflowGenerator.lambdaSizes(4))
        let wide = RandomWorkflowGenerator(memorySizes: RandomWorkflowGenerator.lambdaSizes(64), variantShare: 0.8, maxVariants: 6)
        switch family {
        case "chain": return (fourSizes.makeChain(stages: n, seed: seed), true)
        case "chain-shared": return (fourSizes.makeChain(stages: n, seed: seed, sharedShape: true), true)
        case "sp-shallow": return (RandomWorkflowGenerator().makeSeriesParallel(stages: n, seed: seed, depth: 1), true)
        case "sp-deep": return (RandomWorkflowGenerator().makeSeriesParallel(stages: n, seed: seed, depth: 2), true)
        case "general": return (RandomWorkflowGenerator().make(stages: n, seed: seed), false)
        // Beyond the issue's recipe, as users can write them: 64 memory sizes (every 45 MB from
        // 128 to 2,963) and up to 6 variants on four stages in five.
        case "chain-wide": return (wide.makeChain(stages: n, seed: seed), true)
        case "sp-wide": return (wide.makeSeriesParallel(stages: n, seed: seed, depth: 1), true)
        default: return nil
        }
    }

    /// Each objective with each subset of the other two bounds.
    static func mixes(_ objective: Goal.Objective) -> [[BoundReach.Quantity]] {
        let others: [BoundReach.Quantity] = [.latency, .cost, .accuracy].filter {
            switch objective {
            case .minimizeLatency: return $0 != .latency
            case .minimizeCost: return $0 != .cost
            case .maximizeAccuracy: return $0 != .accuracy
            }
        }
        return [[], [others[0]], [others[1]], others]
    }

    /// Each quantity's range over the configurations that are best in one quantity: latency from
    /// the fastest to the slowest of the cheapest and least accurate, and so on.
    struct Extremes {
        var latency: (best: Double, worst: Double)
        var cost: (best: Double, worst: Double)
        var accuracy: (best: Double, worst: Double)

        init(_ model: WorkflowModel) {
            let (fastest, cheapest, accurate, sloppy) = Bench.extremes(model)
            latency = (fastest.latencyMs, max(cheapest.latencyMs, sloppy.latencyMs))
            cost = (cheapest.costPerMillion, max(fastest.costPerMillion, accurate.costPerMillion))
            accuracy = (accurate.accuracy, min(cheapest.accuracy, fastest.accuracy, sloppy.accuracy))
        }

        /// The bound a fraction `f` of the way from the best value to the worst (small: tight).
        func bound(_ q: BoundReach.Quantity, _ f: Double) -> Double {
            switch q {
            case .latency: return latency.best + f * (latency.worst - latency.best)
            case .cost: return cost.best + f * (cost.worst - cost.best)
            case .accuracy: return accuracy.best - f * (accuracy.best - accuracy.worst)
            }
        }
    }

    static func cell(_ args: [String]) throws {
        guard args.count >= 3, let n = Int(args[1]), let objective = Goal.Objective(rawValue: args[2]) else {
            FileHandle.standardError.write(Data("usage: trimtab-bench robust-cell FAMILY STAGES cost|latency|accuracy [SEEDS] [--time-limit S] [--explain] [--export] [--seed K] [--mix M] [--band LO,HI] [--gap G]\n".utf8))
            exit(2)
        }
        let family = args[0]
        let seeds = args.count > 3 ? Int(args[3]) ?? 10 : 10
        let timeLimit = args.firstIndex(of: "--time-limit").flatMap { args.indices.contains($0 + 1) ? Double(args[$0 + 1]) : nil } ?? 60
        // `--gap G`: stop once proven within the relative gap G (as HiGHS's mip_rel_gap).
        let gap = args.firstIndex(of: "--gap").flatMap { args.indices.contains($0 + 1) ? Double(args[$0 + 1]) : nil }
        if args.contains("--gap") && !(gap.map { $0.isFinite && $0 >= 0 } ?? false) {
            FileHandle.standardError.write(Data("--gap: expected a relative gap of at least 0\n".utf8))
            exit(2)
        }
        let explain = args.contains("--explain")
        let export = args.contains("--export")
        // Optional filters (to re-run single instances): `--seed K`, `--mix M` (0–3: none, the
        // first other bound, the second, both).
        func option(_ name: String) -> Int? { args.firstIndex(of: name).flatMap { args.indices.contains($0 + 1) ? Int(args[$0 + 1]) : nil } }
        let onlySeed = option("--seed"), onlyMix = option("--mix")
        // `--band LO,HI`: every bound drawn LO–HI of the way from best to worst (fractions in
        // 0…1), in place of the tight (odd seeds) and loose (even seeds) bands — to probe the
        // bounds the two bands leave out (the extremes, the middle).
        let band: (Double, Double)? = args.firstIndex(of: "--band").flatMap { i -> (Double, Double)? in
            guard args.indices.contains(i + 1) else { return nil }
            let parts = args[i + 1].split(separator: ",").compactMap { Double($0) }
            guard parts.count == 2, 0 <= parts[0], parts[0] <= parts[1], parts[1] <= 1 else { return nil }
            return (parts[0], parts[1])
        }
        if args.contains("--band") && band == nil {
            FileHandle.standardError.write(Data("--band: expected LO,HI with 0 <= LO <= HI <= 1\n".utf8))
            exit(2)
        }
        for seed in 1...seeds where onlySeed.map({ $0 == seed }) ?? true {
            guard let (w, exportable) = workflow(family: family, stages: n, seed: UInt64(seed * 7919 + n)) else {
                FileHandle.standardError.write(Data("robust-cell: unknown family \(family) (chain, chain-shared, sp-shallow, sp-deep, general, chain-wide, sp-wide)\n".utf8))
                exit(2)
            }
            let model = try WorkflowModel(w)
            let extremes = Extremes(model)
            for (mixIndex, mix) in mixes(objective).enumerated() where onlyMix.map({ $0 == mixIndex }) ?? true {
                // Odd seeds tight (10–40 % of the way from best to worst), even seeds loose (60–90 %).
                var rng = SeededGenerator(seed: UInt64(seed * 31 + mixIndex))
                let tight = seed % 2 == 1
                var bounds = Bounds()
                for q in mix {
                    let (low, width) = band.map { ($0.0, $0.1 - $0.0) } ?? (tight ? 0.1 : 0.6, 0.3)
                    let f = low + width * Double.random(in: 0..<1, using: &rng)
                    let v = extremes.bound(q, f)
                    switch q {
                    case .latency: bounds.maxLatencyMs = v
                    case .cost: bounds.maxCostPerMillion = v
                    case .accuracy: bounds.minAccuracy = v
                    }
                }
                let goal = Goal(objective: objective, bounds: bounds)
                let t0 = Bench.now()
                var solver = ExactSolver(timeLimit: timeLimit, relativeGap: gap)
                // TRIMTAB_BENCH_BRANCH=1: with the (opt-in) branch and bound over a chain's free
                // items under two bounds, to compare both in one build.
                solver.branchAndBound = ProcessInfo.processInfo.environment["TRIMTAB_BENCH_BRANCH"] == "1"
                // TRIMTAB_BENCH_SURROGATE=0: without the surrogate relaxation (A/B in one build).
                solver.surrogateProof = ProcessInfo.processInfo.environment["TRIMTAB_BENCH_SURROGATE"] != "0"
                // TRIMTAB_BENCH_ACCURACY_ROW=0: without the accuracy-row relaxation (A/B in one build).
                solver.accuracyRowProof = ProcessInfo.processInfo.environment["TRIMTAB_BENCH_ACCURACY_ROW"] != "0"
                // TRIMTAB_BENCH_BEAM=0: max-accuracy chains under two bounds without their beam.
                solver.accuracyChainBeam = ProcessInfo.processInfo.environment["TRIMTAB_BENCH_BEAM"] != "0"
                // TRIMTAB_BENCH_VARIANTS=0: max-accuracy chains under two bounds without the variant-level search.
                solver.variantMoves = ProcessInfo.processInfo.environment["TRIMTAB_BENCH_VARIANTS"] != "0"
                if let w = ProcessInfo.processInfo.environment["TRIMTAB_BENCH_EXACT_BEAM"].flatMap(Int.init) { solver.exactBeamWidthWithBranches = w }
                // TRIMTAB_BENCH_SPLIT=0: workflows with joins without the split relaxation's bound.
                solver.splitBound = ProcessInfo.processInfo.environment["TRIMTAB_BENCH_SPLIT"] != "0"
                // Out of time before any configuration met the bounds (and infeasibility not
                // proven): recorded as unproven, without a value.
                let result: PlanResult?
                switch Result(catching: { () throws(TrimtabError) -> PlanResult in try solver.solve(model, goal: goal) }) {
                case .success(let plan): result = plan
                case .failure(let error) where error.field == "--time-limit": result = nil
                case .failure(let error): throw error
                }
                let seconds = Bench.now() - t0
                var record: [String: Any] = [
                    "family": family, "stages": n, "seed": seed, "objective": objective.rawValue,
                    "mix": mix.map(\.rawValue), "tight": tight, "seconds": seconds, "status": result?.status.rawValue ?? "unproven",
                    "bounds": ["latency_ms": bounds.maxLatencyMs as Any, "cost_per_million_usd": bounds.maxCostPerMillion as Any,
                               "accuracy": bounds.minAccuracy as Any].compactMapValues { $0 as? Double },
                ]
                if let band { record["band"] = [band.0, band.1] }
                // The labels the solve built (deterministic, unlike the time).
                if let work = result?.work { record["work"] = work }
                if let p = result?.prediction { record["value"] = objective == .minimizeCost ? p.costPerMillion : objective == .minimizeLatency ? p.latencyMs : p.accuracy }
                // Stopped by the time limit: the proven bound on the objective, when known.
                if let bound = result?.objectiveBound { record["bound"] = bound }
                if explain, let result, result.status == .optimal, let indices = result.optionIndices {
                    let t1 = Bench.now()
                    let e = try PlanExplainer(solver: ExactSolver(timeLimit: timeLimit)).explain(model, goal: goal, plan: indices, planIsOptimal: true)
                    record["explain_seconds"] = Bench.now() - t1
                    record["explain_resolves"] = e.resolves
                }
                // With the instance: the answer's option per stage (for comparisons with the MILP's).
                if export && exportable {
                    record["instance"] = instance(model)
                    if let indices = result?.optionIndices { record["indices"] = indices }
                }
                let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
                say(String(decoding: data, as: UTF8.self))
            }
        }
        say(#"{"peak_rss_mib": \#(Bench.peakRSSMiB())}"#)
    }

    /// The instance for a MILP: stages with each option's latency (ms), cost (USD per 1M runs)
    /// and accuracy term (product accuracy; 1 for stages outside it), and the edges.
    static func instance(_ model: WorkflowModel) -> [String: Any] {
        let stages: [[String: Any]] = model.workflow.stages.enumerated().map { s, stage in
            ["name": stage.name, "options": model.options[s].map { o -> [Double] in
                [o.latencyMs, model.executions[s] * o.invocationCost * 1e6, model.accuracy.weights[s] == nil ? 1 : o.accuracy]
            }]
        }
        return ["stages": stages, "edges": model.workflow.edges.map { [$0.from, $0.to] }]
    }
}
