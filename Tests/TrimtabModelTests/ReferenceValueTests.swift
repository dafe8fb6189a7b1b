import Testing
@testable import TrimtabModel

/// Builds a workflow from (name, latency) pairs at one memory size each, and edges.
func workflow(_ stages: [(String, Double)], _ edges: [(String, String, Double)],
              platform: Platform = Platform()) -> Workflow {
    Workflow(name: "t", platform: platform,
             stages: stages.map { Stage(name: $0.0, latency: [LatencyPoint(memoryMB: 128, latencyMs: $0.1)]) },
             edges: edges.map { Edge(from: $0.0, to: $0.1, probability: $0.2) })
}

func latency(_ w: Workflow) throws -> Double {
    let model = try WorkflowModel(w)
    return model.predict(optionIndices: Array(repeating: 0, count: w.stages.count)).latencyMs
}

@Suite struct ReferenceValueTests {
    /// The spec's worked example: cycle, branch under a parallel join, self-loop.
    @Test func specGraph() throws {
        let w = workflow(
            [("1", 100), ("2", 500), ("3", 1000), ("4", 210), ("5", 130), ("6", 100)],
            [("start", "1", 1), ("1", "2", 0.2), ("1", "3", 0.8), ("1", "4", 1), ("2", "5", 1), ("3", "5", 1),
             ("4", "5", 1), ("5", "6", 0.7), ("5", "1", 0.3), ("6", "6", 0.2), ("6", "end", 0.8)])
        let model = try WorkflowModel(w)
        #expect(abs(try latency(w) - 1739.2857142857) < 1e-6)
        let expected = [1.428571, 0.285714, 1.142857, 1.428571, 1.428571, 1.25]
        for (a, b) in zip(model.executions, expected) { #expect(abs(a - b) < 1e-6) }
    }

    @Test func parallelChain() throws {
        let w = workflow([("1", 50), ("2", 300), ("3", 700), ("4", 40)],
                         [("start", "1", 1), ("1", "2", 1), ("1", "3", 1), ("2", "4", 1), ("3", "4", 1), ("4", "end", 1)])
        #expect(abs(try latency(w) - 790) < 1e-9)
    }

    @Test func branch() throws {
        let w = workflow([("1", 100), ("2", 400), ("3", 900)],
                         [("start", "1", 1), ("1", "2", 0.3), ("1", "3", 0.7), ("2", "end", 1), ("3", "end", 1)])
        #expect(abs(try latency(w) - 850) < 1e-9)
    }

    @Test func selfLoop() throws {
        let w = workflow([("1", 100), ("2", 200)],
                         [("start", "1", 1), ("1", "2", 1), ("2", "2", 0.25), ("2", "end", 0.75)])
        #expect(abs(try latency(w) - 366.6666666667) < 1e-6)
    }
}
