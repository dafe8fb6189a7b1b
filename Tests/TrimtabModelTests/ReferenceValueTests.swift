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

@Suite struct CostAndReferenceDataTests {
    /// The published power-tuning run (reference README): price without the request fee, 1 ms
    /// billing. That tool prices with AWS's rounded per-ms table (2.1e-9 USD/ms at 128 MB, where
    /// the GB-second price gives 2.083e-9) and averages per-invocation bills, so the GB-second
    /// formula of the v1 spec lands within 3% of its figures, never further.
    @Test func powerTuningPrices() {
        let p = Platform(pricePerRequest: 0)
        let cases: [(Int, Double, Double)] = [(128, 443.9, 9.345e-7), (256, 198.4, 8.358e-7), (512, 88.5, 7.56e-7),
                                              (1024, 66.2, 1.1256e-6), (1536, 58.9, 1.512e-6), (2048, 55.0, 1.8816e-6)]
        for (m, t, price) in cases {
            #expect(abs(p.invocationCost(memoryMB: m, latencyMs: t) - price) / price < 0.03, "\(m) MB")
        }
    }

    @Test func billingGranularityRoundsUp() {
        let p = Platform(pricePerGBSecond: 1, pricePerRequest: 0, billingGranularityMs: 100)
        #expect(p.billedMilliseconds(1) == 100)
        #expect(p.billedMilliseconds(100) == 100)
        #expect(p.billedMilliseconds(100.01) == 200)
        #expect(Platform().billedMilliseconds(12.2) == 13)
    }

    /// SLApp App3 at 128 MB with 100 ms billing costs 34.64 USD per 1M runs (the authors' table).
    @Test func slappApp3AllAt128MB() throws {
        let w = try WorkflowParser.load(path: examplePath("slapp-app3.yaml"))
        let model = try WorkflowModel(w)
        let indices = w.stages.indices.map { s in model.options[s].firstIndex { $0.memoryMB == 128 } ?? -1 }
        let p = model.predict(optionIndices: indices)
        #expect(abs(p.costPerMillion - 34.64) < 0.005, "\(p.costPerMillion)")
        // Its graph is a cycle: every function runs 1/0.9 times per workflow run.
        for ne in model.executions { #expect(abs(ne - 1 / 0.9) < 1e-12) }
    }

    /// The example file reproduces App3's latency profile read straight from the reference dot file.
    @Test func slappApp3MatchesReferenceProfile() throws {
        let dot = try String(contentsOfFile: referencePath("slapp-alg/App3_G.dot"), encoding: .utf8)
        let w = try WorkflowParser.load(path: examplePath("slapp-app3.yaml"))
        // f2 at 1024..: the dot file's "1088: 322.5969".
        #expect(dot.contains("1088: 322.5969"))
        let f2 = try #require(w.stages.first { $0.name == "f2" })
        #expect(f2.variants[0].latency.first { $0.memoryMB == 1088 }?.latencyMs == 322.5969)
    }

    /// A parallel edge straight to the join next to a stage (classify → store → end, classify → end).
    @Test func parallelEdgeBesideAStage() throws {
        let w = workflow([("c", 100), ("s", 40)], [("start", "c", 1), ("c", "s", 1), ("c", "end", 1), ("s", "end", 1)])
        #expect(abs(try latency(w) - 140) < 1e-9)
    }

    /// A bridge (not series–parallel) is evaluated by enumeration: longest path 1→2→3→4.
    @Test func bridgeIsEvaluatedExactly() throws {
        let w = workflow([("1", 10), ("2", 50), ("3", 30), ("4", 5)],
                         [("start", "1", 1), ("1", "2", 1), ("1", "3", 1), ("2", "3", 1), ("2", "4", 1), ("3", "4", 1), ("4", "end", 1)])
        #expect(abs(try latency(w) - 95) < 1e-9)
        let model = try WorkflowModel(w)
        #expect(model.executions == [1, 1, 1, 1])
    }
}

func packageRoot() -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}
func examplePath(_ name: String) -> String { packageRoot() + "/examples/" + name }
func referencePath(_ name: String) -> String { packageRoot() + "/../shared/reference/" + name }

import Foundation
