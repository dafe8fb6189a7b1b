import Foundation
import TrimtabModel

/// The result of importing a Step Functions workflow.
public struct StepFunctionsImport: Sendable {
    /// The v1 workflow file (YAML).
    public var yaml: String
    /// The same, parsed (and so validated).
    public var workflow: Workflow
    public var fits: [StageFit]
    /// Stage name → the Lambda function (as named in the logs) it was fitted from.
    public var functions: [String: String]
    /// The overhead written into the workflow (`overhead_ms` of every stage).
    public var overhead: OverheadEstimate?
    /// Every estimate that could be made (per-run critical path, calibrated).
    public var overheadEstimates: [OverheadEstimate]
    /// Per-run orchestration samples (runs given, every invocation timestamped).
    public var runOverheads: [RunOverhead] = []
    /// Functions in the logs that no Task of the definition invokes.
    public var unmatchedFunctions: [String] = []
    /// The platform profile applied, if any.
    public var platform: PlatformProfile? = nil
    public var notes: [String]
}

/// Which overhead estimate goes into the workflow.
public enum OverheadRule: String, Sendable, CaseIterable {
    /// (mean run duration − modelled response time) / modelled invocations on the critical
    /// path: Step Functions' time plus whatever the mean-value model misses, so the workflow
    /// reproduces the mean run duration of the log.
    case calibrated
    /// Only what the logs attribute to Step Functions: each run's duration minus the longest
    /// path through its own invocations.
    case perRun = "per-run"
}

/// Builds a v1 workflow from an Amazon States Language definition and Lambda logs.
public enum StepFunctionsImporter {
    /// - Parameters:
    ///   - grid: memory sizes to add from the fitted curves (nil: only the measured sizes).
    /// - Complexity: O(N log N) in the invocations, plus the fits (see `LatencyFitter`).
    public static func run(machine: StateMachine, name: String, logs: [MeasuredInvocation], runs: [RunRecord]?,
                           grid: [Int]?, rule: OverheadRule = .calibrated, platform: PlatformProfile? = nil,
                           logsFile: String = "logs") throws(TrimtabError) -> StepFunctionsImport {
        let graph = StateGraph(machine)
        var notes = graph.notes
        let logNames = Set(logs.map(\.stage))

        // Stages in graph order, each matched to the log's function name.
        var stageNodes: [Int] = []
        var functionOf: [String: String] = [:]
        for i in graph.breadthFirstOrder() {
            let n = graph.nodes[i]
            guard case .task(let stage, let function) = n else { continue }
            stageNodes.append(i)
            if let match = matchFunction(function, in: logNames) { functionOf[stage] = match }
        }
        var byFunction: [String: [MeasuredInvocation]] = [:]
        for m in logs { byFunction[m.stage, default: []].append(m) }
        var invocations: [String: Double] = [:]
        for (stage, f) in functionOf { invocations[stage] = Double(byFunction[f]?.count ?? 0) }

        let runCount = runs.map { Double($0.count) }
        let probabilities = graph.choiceProbabilities(runs: runCount, invocations: invocations)
        let (routes, waits) = graph.stageEdges(probabilities: probabilities)

        // Stages never invoked are dropped with the (zero-probability) routes into them.
        var kept: [Int] = []
        for i in stageNodes {
            guard case .task(let stage, let function) = graph.nodes[i] else { continue }
            if (invocations[stage] ?? 0) > 0 { kept.append(i); continue }
            if routes.contains(where: { $0.to == i && $0.from != i }) && routes.contains(where: { $0.from == i }) {
                let reason = functionOf[stage] == nil ? "has no invocations in the logs (no function there matches '\(function)')" : "has no invocations in the logs"
                throw TrimtabError(file: logsFile, field: "Function", "Task function '\(function)' \(reason), but the workflow always reaches it")
            }
            notes.append("Task function '\(function)' never ran in the logs: left out")
        }
        guard !kept.isEmpty else { throw TrimtabError(file: logsFile, field: "Function", "no Task function of the definition appears in the logs") }
        let index = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($0.element, $0.offset + 2) })
        func nodeID(_ n: Int) -> Int? { n == StateGraph.startNode ? 0 : n == StateGraph.endNode ? 1 : index[n] }
        var edges: [(from: Int, to: Int, probability: Double)] = []
        for r in routes { if let a = nodeID(r.from), let b = nodeID(r.to) { edges.append((a, b, r.probability)) } }

        var fits: [StageFit] = []
        var names: [String] = []
        for i in kept {
            guard case .task(let stage, _) = graph.nodes[i], let f = functionOf[stage], let ms = byFunction[f] else { continue }
            var fit = LatencyFitter.fitStage(ms)
            fit.stage = stage
            fits.append(fit)
            names.append(stage)
        }

        let matched = Set(functionOf.values)
        let unmatched = logNames.subtracting(matched).sorted()
        if !unmatched.isEmpty {
            notes.append("functions in the logs that no Task invokes were left out: \(unmatched.joined(separator: ", "))")
        }

        // Step Functions' overhead per invocation on the critical path.
        var overhead: OverheadEstimate? = nil
        var alternatives: [OverheadEstimate] = []
        var samples: [RunOverhead] = []
        if let runs, !runs.isEmpty {
            var timed: [Int: [(time: Double, ms: Double)]] = [:]
            var allTimed = true
            for (s, i) in kept.enumerated() {
                guard case .task(let stage, _) = graph.nodes[i], let f = functionOf[stage] else { continue }
                for m in byFunction[f] ?? [] {
                    guard let t = m.timestamp else { allTimed = false; break }
                    timed[s, default: []].append((t, m.latencyMs))
                }
            }
            if allTimed {
                samples = OverheadEstimator.samples(runs: runs, stageOf: timed, stageCount: kept.count, edges: edges.map { ($0.from, $0.to) })
            }
            let perRun = allTimed ? OverheadEstimator.perRun(runs: runs, stageOf: timed, stageCount: kept.count,
                                                             edges: edges.map { ($0.from, $0.to) }) : nil
            let calibrated = try meanDifference(runs: runs, name: name, fits: fits, edges: edges, names: names, waits: [:])
            alternatives = [perRun, calibrated].compactMap { $0 }
            switch rule {
            case .calibrated: overhead = calibrated ?? perRun
            case .perRun: overhead = perRun ?? calibrated
            }
        }

        // A platform profile replaces what the run log would give: its per-run time spread over
        // the invocations expected on the critical path, plus its per-Task time.
        var perInvocation = overhead?.perInvocationMs ?? 0
        if let platform {
            let k = criticalInvocations(name: name, fits: fits, edges: edges, names: names, perInvocationMs: platform.perTaskMs)
            perInvocation = platform.perTaskMs + (k > 0 ? platform.perRunMs / k : 0)
            notes.append(String(format: "overhead from the platform profile: %.2f ms per run + %.2f ms per Task = %.2f ms per invocation over %.3f expected invocations on the critical path",
                                platform.perRunMs, platform.perTaskMs, perInvocation, k))
        }

        let granularity = fits.compactMap(\.billingGranularityMs).max()
        let sizes: (StageFit) -> [Int]? = { fit in grid.map { Array(Set($0).union(fit.memorySizes)).sorted() } }
        var stages: [StageTables] = []
        for (s, fit) in fits.enumerated() {
            let wait = waits[kept[s]] ?? 0
            let o = perInvocation + wait
            var comments = FitTables.comments(fit)
            comments.insert("Lambda function \(functionOf[fit.stage] ?? fit.stage) (invoked \(fit.invocations) times)", at: 0)
            stages.append(StageTables(name: fit.stage, tables: FitTables.tables(fit, grid: sizes(fit), measuredMeans: true),
                                      overheadMs: o > 0 ? o : nil, comments: comments))
        }
        let yaml = document(name: name, granularity: granularity, stages: stages, edges: edges, names: names,
                            overhead: platform == nil ? overhead : nil, platform: platform)
        let workflow: Workflow
        do { workflow = try WorkflowParser.parse(text: yaml, name: name) } catch {
            throw TrimtabError(field: error.field, "the imported workflow is not valid: \(error.message)")
        }
        return StepFunctionsImport(yaml: yaml, workflow: workflow, fits: fits, functions: functionOf, overhead: overhead,
                                   overheadEstimates: alternatives, runOverheads: samples, unmatchedFunctions: unmatched,
                                   platform: platform, notes: notes)
    }

    /// Expected Task invocations on the critical path of the mean-value model, with every
    /// invocation taking its measured mean plus `perInvocationMs`: the growth of the modelled
    /// response time per millisecond added to every invocation.
    static func criticalInvocations(name: String, fits: [StageFit], edges: [(from: Int, to: Int, probability: Double)],
                                    names: [String], perInvocationMs: Double) -> Double {
        guard let (model, measured) = meanModel(name: name, fits: fits, edges: edges, names: names) else { return 0 }
        let means = measured.map { $0 + perInvocationMs }
        return model.expectedLatency(stageLatencies: means.map { $0 + 1 }) - model.expectedLatency(stageLatencies: means)
    }

    /// The mean-value model of the imported graph without overhead, and each stage's measured
    /// mean latency (ms); nil when the graph does not make a valid workflow.
    static func meanModel(name: String, fits: [StageFit], edges: [(from: Int, to: Int, probability: Double)],
                          names: [String]) -> (WorkflowModel, [Double])? {
        let stages = fits.map { StageTables(name: $0.stage, tables: StageTables.Tables(latency: FitTables.tables($0, grid: nil, measuredMeans: true).latency)) }
        let text = document(name: name, granularity: nil, stages: stages, edges: edges, names: names, overhead: nil)
        guard let workflow = try? WorkflowParser.parse(text: text, name: name), let model = try? WorkflowModel(workflow) else { return nil }
        return (model, workflow.stages.map { $0.variants[0].latency.first?.latencyMs ?? 0 })
    }

    /// Overhead when invocations cannot be assigned to runs: (mean run duration − modelled
    /// response time) / modelled invocations on the critical path.
    static func meanDifference(runs: [RunRecord], name: String, fits: [StageFit], edges: [(from: Int, to: Int, probability: Double)],
                               names: [String], waits: [Int: Double]) throws(TrimtabError) -> OverheadEstimate? {
        guard let (model, means) = meanModel(name: name, fits: fits, edges: edges, names: names) else { return nil }
        let rt = model.expectedLatency(stageLatencies: means)
        let k = model.expectedLatency(stageLatencies: means.map { _ in 1 })
        let mean = runs.reduce(0) { $0 + $1.durationMs } / Double(runs.count)
        guard k > 0 else { return nil }
        return OverheadEstimate(method: .meanDifference, perInvocationMs: max((mean - rt) / k, 0), runsUsed: runs.count,
                                runsGiven: runs.count, meanRunMs: mean, meanOverheadPerRunMs: mean - rt, meanCriticalInvocations: k)
    }

    /// The log's function for a Task's function: the same name, or the log name the
    /// function's name ends with after a `_` or `-` (`App8_f1` → `f1`), the longest such.
    static func matchFunction(_ function: String, in names: Set<String>) -> String? {
        if names.contains(function) { return function }
        return names.filter { function.hasSuffix("_" + $0) || function.hasSuffix("-" + $0) }.max { $0.count < $1.count }
    }

    static func document(name: String, granularity: Double?, stages: [StageTables], edges: [(from: Int, to: Int, probability: Double)],
                         names: [String], overhead: OverheadEstimate?, platform: PlatformProfile? = nil) -> String {
        var out = "# Imported by trimtab import step-functions.\n"
        if let p = platform {
            out += String(format: "# Step Functions overhead from a platform profile (%d runs of %@): %.2f ms per run + %.2f ms per Task invocation.\n",
                          p.runs, p.workflows.isEmpty ? "unnamed workflows" : p.workflows.joined(separator: ", "), p.perRunMs, p.perTaskMs)
        }
        if let o = overhead {
            out += String(format: "# Step Functions overhead: %.2f ms per invocation on the critical path (%@, %d of %d runs; mean run %.1f ms).\n",
                          o.perInvocationMs, o.method.rawValue, o.runsUsed, o.runsGiven, o.meanRunMs)
        }
        out += "version: 1\nname: \(YAMLWriter.scalar(name))\n"
        out += "platform:\n  kind: aws-lambda\n"
        if let g = granularity { out += "  billing_granularity_ms: \(YAMLWriter.number(g))\n" }
        if let spread = platform?.spreadMs { out += "  overhead_spread_ms: \(YAMLWriter.quantileFunction(spread))\n" }
        out += YAMLWriter.stages(stages)
        out += "edges:\n"
        func label(_ id: Int) -> String { id == 0 ? "start" : id == 1 ? "end" : YAMLWriter.scalar(names[id - 2]) }
        for e in edges {
            out += "  - {from: \(label(e.from)), to: \(label(e.to))"
            if e.probability < 1 - 1e-12 { out += ", probability: \(String(format: "%.10g", e.probability))" }
            out += "}\n"
        }
        return out
    }
}
