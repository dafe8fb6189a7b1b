import Dispatch
import Foundation
import Testing
import TrimtabKit
import TrimtabModel
import TrimtabSolve

private func examplePath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/" + name).path
}

private struct Ordered: Codable {
    var zeta = 1.5
    var alpha = 1024
    var note: String? = nil
    var list = [3.25, 2]
    var map = StageMap<Int>([("second", 2), ("first", 1)])
}

@Test func encoderKeepsDeclarationOrderAndLeavesOutNil() throws {
    // Hand-written expected text: keys in declaration order, a map in its own order, nil left out.
    let text = try JSONValueEncoder().text(Ordered(), indent: nil)
    #expect(text == #"{"zeta":1.5,"alpha":1024,"list":[3.25,2],"map":{"second":2,"first":1}}"#)
    // And it reads back with Foundation's decoder.
    let back = try JSONDecoder().decode(Ordered.self, from: Data(text.utf8))
    #expect(back.zeta == 1.5 && back.alpha == 1024 && back.map["first"] == 1)
}

@Test func planEqualsEnumerationOnTheExamples() throws {
    // Oracle: every configuration enumerated by the exhaustive solver, independently of the exact one.
    for (file, bound) in [("slapp-app3.yaml", 3000.0), ("video-pipeline.yaml", 4000.0)] {
        let request = PlanOperation.Request(workflow: .file(examplePath(file)), minimize: "cost", maxLatencyMs: bound)
        let result = try PlanOperation.run(request)
        let model = try WorkflowSource.file(examplePath(file)).load()
        let oracle = try ExhaustiveSolver().solve(model, goal: Goal(objective: .minimizeCost, bounds: Bounds(maxLatencyMs: bound)))
        #expect(result.status == "optimal")
        let cost = try #require(result.predicted?.costPerMillionUSD)
        let best = try #require(oracle.prediction?.costPerMillion)
        #expect(abs(cost - best) <= 1e-9 * max(1, best), "\(file)")
        #expect(try #require(result.predicted?.latencyMs) <= bound * (1 + 1e-9))
        // The breakdown's costs add up to the predicted cost.
        let sum = (result.stages ?? []).reduce(0) { $0 + $1.costPerMillionUSD }
        #expect(abs(sum - cost) <= 1e-9 * max(1, cost))
    }
}

@Test func badRequestFieldsAreNamed() throws {
    let file = examplePath("slapp-app3.yaml")
    #expect(throws: TrimtabError(field: "--max-latency-ms", "-5 must be a positive number")) {
        try PlanOperation.run(.init(workflow: .file(file), maxLatencyMs: -5))
    }
    #expect(throws: TrimtabError(field: "--gap", "-0.1 must be a relative gap of at least 0 (0.01: within 1 % of the optimum)")) {
        try PlanOperation.run(.init(workflow: .file(file), gap: -0.1))
    }
    #expect(throws: TrimtabError(field: "--gap", "nan must be a relative gap of at least 0 (0.01: within 1 % of the optimum)")) {
        try PlanOperation.run(.init(workflow: .file(file), gap: .nan))
    }
    #expect(throws: TrimtabError(field: "--solver", "'fast' is not a solver (expected exact, greedy, exhaustive)")) {
        try PlanOperation.run(.init(workflow: .file(file), solver: "fast"))
    }
    do {
        _ = try ValidateOperation.run(.init(workflow: .text("version: 1\nstages: 3\n", label: "workflow")))
        Issue.record("a workflow whose stages are not a list was accepted")
    } catch {
        #expect(error.description.hasPrefix("workflow: stages"), "\(error)")
    }
}

@Test func theGateRefusesBeyondItsCapAndRunsOffThePool() async throws {
    let gate = OperationGate(maxConcurrent: 1)
    let release = DispatchSemaphore(value: 0)
    let first = Task { try await gate.run { _ throws(TrimtabError) in release.wait(); return 7 } }
    // Poll until the first operation holds the only slot.
    while gate.active == 0 { await Task.yield() }
    await #expect(throws: TrimtabError.self) { try await gate.run { _ throws(TrimtabError) in 1 } }
    do {
        _ = try await gate.run { _ throws(TrimtabError) in 1 }
    } catch {
        #expect(error.code == .overloaded)
        #expect(TrimtabError.Code.statuses(of: error.code) == (1, 429))
    }
    release.signal()
    #expect(try await first.value == 7)
    #expect(try await gate.run { _ throws(TrimtabError) in 3 } == 3)
}

@Test func cancellingTheTaskStopsTheSolve() async throws {
    let gate = OperationGate(maxConcurrent: 2)
    let seen = DispatchSemaphore(value: 0)
    let task = Task {
        try await gate.run { cancel throws(TrimtabError) -> Bool in
            seen.signal()
            // Stands in for a solve: runs until told to stop.
            while !cancel.isCancelled { usleep(1000) }
            return cancel.isCancelled
        }
    }
    while gate.active == 0 { await Task.yield() }
    task.cancel()
    #expect(try await task.value == true)
    #expect(gate.active == 0)
}

@Test func aliasBombsAndDeepNestingAreRefusedQuickly() throws {
    // "Billion laughs": 9 levels of 9 aliases expand to 9^9 ≈ 387 million values from ~400 bytes.
    var text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
    for level in 1...8 {
        let refs = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
        text += "a\(level): &a\(level) [\(refs)]\n"
    }
    text += "stages: *a8\n"
    do {
        _ = try ValidateOperation.run(.init(workflow: .text(text, label: "bomb.yaml")))
        Issue.record("an alias bomb was accepted")
    } catch {
        #expect(error.description.contains("expands to more than \(Value.maxValues) values"), "\(error)")
        #expect(error.code == .invalidInput)
    }
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(throws: TrimtabError.self) { try Value.parseYAML("stages: " + deep) }
    do { _ = try Value.parseYAML("stages: " + deep) } catch {
        #expect(error.description == "line 1: nested deeper than \(Value.maxDepth) levels")
    }
    // A few aliases, as people use them, still read.
    let reuse = try Value.parseYAML("base: &b {128: 10, 256: 6}\ncopy: *b\nnote: \"it's [fine\"\n")
    guard case .map(let pairs, _) = reuse else { Issue.record("not a map"); return }
    #expect(pairs.map(\.key) == ["base", "copy", "note"])
}
