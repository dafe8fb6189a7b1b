import Foundation
import Testing
import TrimtabKit
import TrimtabModel

private func examplePath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/" + name).path
}

/// IPA's weighted objective with adapt's defaults (α = 3, β = 1, γ = 0.0001), from a plan's
/// predicted accuracy and cost and its batch sizes.
private func objective(_ r: AdaptOperation.PlanResult) throws -> Double {
    let predicted = try #require(r.predicted)
    let batches = try #require(r.configuration).entries.map(\.value.batchSize).reduce(0, +)
    return 3 * predicted.accuracy - predicted.costPerHourUSD - 0.0001 * Double(batches)
}

/// `adapt --plan-load`: the exact planner reaches the exhaustive enumeration's objective; an
/// infeasible load answers `{"status", "solver"}` with the infeasible outcome (exit 3, HTTP 422).
@Test func adaptPlanOnceReachesTheExhaustiveOptimum() throws {
    let workflow = WorkflowSource.file(examplePath("video-k8s.yaml"))
    for load in [5.0, 20.0, 45.0] {
        let exact = try AdaptOperation.planOnce(.init(workflow: workflow, planLoad: load))
        let exhaustive = try AdaptOperation.planOnce(.init(workflow: workflow, planLoad: load, solver: "exhaustive"))
        #expect(exact.status == "optimal" && exhaustive.status == "optimal")
        #expect(abs(try objective(exact) - objective(exhaustive)) <= 1e-9, "load \(load)")
        #expect(try #require(exact.predicted).latencyMs <= 1000)
        // cores = millicores / 1000, and the stages in pipeline order.
        let stages = try #require(exact.configuration).entries
        #expect(stages.map(\.stage) == ["detect", "classify"])
        #expect(stages.allSatisfy { abs($0.value.cores * 1000 - Double($0.value.memoryMB)) < 1e-9 })
        #expect(try exact.jsonText().hasPrefix("{\n  \"status\": \"optimal\",\n  \"configuration\": {\n    \"detect\": {"))
    }
    let tight = try AdaptOperation.planOnce(.init(workflow: workflow, maxReplicas: 1, planLoad: 500))
    #expect(tight.status == "infeasible" && tight.outcome == .infeasible)
    #expect(try tight.jsonText() == "{\n  \"status\": \"infeasible\",\n  \"solver\": \"exact\"\n}\n")
    #expect(throws: TrimtabError.self) { try AdaptOperation.planOnce(.init(workflow: workflow, planLoad: 5, solver: "greedy")) }
}

/// `adapt --plan-load --slo-percentile 99`: the p99 bound costs at least what the mean bound does,
/// its plan's predicted latency is within the SLO, and the exhaustive enumeration agrees.
@Test func adaptPlanOnceWithAPercentileSLO() throws {
    let workflow = WorkflowSource.file(examplePath("video-k8s.yaml"))
    for load in [5.0, 20.0] {
        let mean = try AdaptOperation.planOnce(.init(workflow: workflow, objective: "cost", planLoad: load))
        let tail = try AdaptOperation.planOnce(.init(workflow: workflow, objective: "cost", planLoad: load, sloPercentile: 99))
        let exhaustive = try AdaptOperation.planOnce(.init(workflow: workflow, objective: "cost", planLoad: load, solver: "exhaustive",
                                                           sloPercentile: 99))
        let m = try #require(mean.predicted), t = try #require(tail.predicted), e = try #require(exhaustive.predicted)
        #expect(t.latencyMs <= 1000 && t.costPerHourUSD >= m.costPerHourUSD - 1e-12, "load \(load)")
        #expect(abs(t.costPerHourUSD - e.costPerHourUSD) < 1e-12)
    }
    #expect(throws: TrimtabError(field: "--slo-percentile", "100.0 is not a percentile in [50, 100) (e.g. 99 for p99)")) {
        try AdaptOperation.planOnce(.init(workflow: workflow, planLoad: 5, sloPercentile: 100))
    }
}

/// `adapt` replays every request of the windows once: a constant 10 requests per second over
/// two windows of 60 s and 30 s is 900 requests for every policy, in 9 intervals of 10 s.
@Test func adaptReplayCountsEveryRequestOfTheWindows() throws {
    let result = try AdaptOperation.run(.init(workflow: .file(examplePath("video-k8s.yaml")),
                                              trace: .counts(Array(repeating: 10, count: 400)),
                                              windows: ["150-210", "300-330"], baselines: true, simulator: "queueing"))
    #expect(result.runs.map(\.policy) == ["adaptive (movmax)", "static cheapest", "static most accurate"])
    #expect(result.windows == [[150, 210], [300, 330]])
    #expect(result.replayedSeconds == 90)
    for run in result.runs {
        #expect(run.requests == 900, "\(run.policy)")
        #expect(run.intervals.count == 9)
    }
    // The adaptive policy forecasts the constant load (movmax of 10s) and plans for it.
    #expect(result.runs[0].intervals.allSatisfy { $0.forecastRps == 10 && $0.plannedRps >= 10 })
    #expect(throws: TrimtabError.self) {
        try AdaptOperation.run(.init(workflow: .file(examplePath("video-k8s.yaml")), trace: .counts([1, 2, 3]), windows: ["0-2"]))
    }
}

/// `job manifest`: completions = ⌈items ÷ split size⌉, parallelism = min(workers, completions).
@Test func jobManifestSizesTheIndexedJob() throws {
    let plan = try JobPlanOperation.run(.init(model: .file(examplePath("image-job.yaml")), items: 20000, deadlineS: 30))
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("plan.json").path
    try plan.jsonText().write(toFile: path, atomically: true, encoding: .utf8)
    for items in [1, 95, 20000] {
        let m = try JobManifestOperation.run(.init(plan: path, image: "w:1", command: "python3 w.py", items: items))
        let completions = (items + plan.choice.splitSize - 1) / plan.choice.splitSize
        #expect(m.completions == completions && m.parallelism == min(plan.choice.workers, completions))
        #expect(m.manifest.contains("completions: \(completions)\n") && m.manifest.contains("name: trimtab-job\n"))
    }
    #expect(throws: TrimtabError.self) {
        try JobManifestOperation.run(.init(plan: examplePath("image-job.yaml"), image: "w:1", command: "c"))
    }
}

/// A remote workflow is parsed once: the size check leaves the request holding the parsed
/// workflow, which the operation then reads without parsing the text again.
@Test func aRemoteWorkflowIsParsedOnce() throws {
    let text = try String(contentsOfFile: examplePath("video-k8s.yaml"), encoding: .utf8)
    var source = WorkflowSource.text(text, label: "workflow")
    try RemotePolicy.checkSize(&source)
    guard case .read(let parsed, let kept, let label) = source else {
        Issue.record("the checked source does not hold the parsed workflow")
        return
    }
    #expect(kept == text && label == "workflow")
    #expect(parsed == (try WorkflowParser.parse(text: text, name: "workflow")))
    // Reading it again returns the parsed workflow: the text is not read (here it is not even YAML).
    let held = WorkflowSource.read(parsed, text: "{ not: [yaml", label: "workflow")
    #expect(try held.parse() == parsed)
    // It is still the request it was: equal to, and encoded as, its text.
    #expect(source == .text(text, label: "workflow"))
    #expect(try JSONEncoder().encode(source) == JSONEncoder().encode(WorkflowSource.text(text, label: "workflow")))
}
