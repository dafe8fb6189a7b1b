import Foundation
import Testing
@testable import TrimtabCLI

func root() -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}
func example(_ name: String) -> String { root() + "/examples/" + name }

func json(_ text: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(object as? [String: Any])
}

func temporaryFile(_ name: String, _ contents: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trimtab-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent(name).path
    try contents.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// Bad input: exit 2, nothing on stdout, one line on stderr that contains every one of `words`
/// (the file, the field or flag, the message).
func expectBadInputLine(_ r: CommandResult, naming words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.status == ExitStatus.badInput, "\(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stdout.isEmpty, sourceLocation: sourceLocation)
    #expect(r.stderr.hasPrefix("trimtab: "), "\(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)", sourceLocation: sourceLocation)
    for w in words { #expect(r.stderr.contains(w), "\(r.stderr) lacks \(w)", sourceLocation: sourceLocation) }
}

@Suite struct CLITests {
    @Test func planJSONHasTheSpecShape() throws {
        let r = CLI.run(["plan", example("slapp-app3.yaml"), "--format", "json"])
        #expect(r.status == 0)
        let o = try json(r.stdout)
        #expect(o["status"] as? String == "optimal")
        let config = try #require(o["configuration"] as? [String: Any])
        #expect(Set(config.keys) == ["f1", "f2", "f4"])
        let f1 = try #require(config["f1"] as? [String: Any])
        #expect(f1["memory_mb"] is Int)
        #expect(f1["variant"] == nil)
        let predicted = try #require(o["predicted"] as? [String: Any])
        #expect(Set(predicted.keys) == ["latency_ms", "cost_per_million_usd", "accuracy"])
        #expect((predicted["latency_ms"] as? Double ?? 1e9) <= 4000)
    }

    @Test func variantsAppearInTheConfiguration() throws {
        let r = CLI.run(["plan", example("video-pipeline.yaml"), "--format", "json"])
        #expect(r.status == 0)
        let config = try #require(try json(r.stdout)["configuration"] as? [String: Any])
        let detect = try #require(config["detect"] as? [String: Any])
        #expect(["yolov5n", "yolov5s", "yolov5m"].contains(detect["variant"] as? String ?? ""))
    }

    @Test func infeasibleExitsThreeAndNamesTheClosestBound() throws {
        // The spec's example goal cannot be met: accuracy ≥ 0.7 needs resnet50, which breaks the latency bound.
        let r = CLI.run(["plan", example("image-tagging.yaml"), "--format", "json"])
        #expect(r.status == 3)
        let o = try json(r.stdout)
        #expect(o["status"] as? String == "infeasible")
        #expect(o["configuration"] == nil)
        #expect(o["closest_bound"] as? String == "accuracy")
    }

    @Test func flagsOverrideTheGoal() throws {
        let r = CLI.run(["plan", example("image-tagging.yaml"), "--min-accuracy", "0.6", "--format", "json"])
        #expect(r.status == 0)
        let o = try json(r.stdout)
        let predicted = try #require(o["predicted"] as? [String: Any])
        #expect((predicted["latency_ms"] as? Double ?? 1e9) <= 2000)
        let r2 = CLI.run(["plan", example("image-tagging.yaml"), "--maximize", "accuracy", "--max-latency-ms", "5000",
                          "--max-cost-per-million", "1000", "--min-accuracy", "0", "--format", "json"])
        let acc = try #require(try json(r2.stdout)["predicted"] as? [String: Any])["accuracy"] as? Double
        #expect(acc == 0.7613)
    }

    @Test func greedyIsFeasibleNotOptimal() throws {
        let r = CLI.run(["plan", example("slapp-app3.yaml"), "--solver", "greedy", "--format", "json"])
        #expect(r.status == 0)
        #expect(try json(r.stdout)["status"] as? String == "feasible")
    }

    @Test func evaluateReportsExecutions() throws {
        let config = try temporaryFile("c.json", #"{"configuration": {"resize": {"memory_mb": 512}, "classify": {"variant": "resnet50", "memory_mb": 4096}}}"#)
        let r = CLI.run(["evaluate", example("image-tagging.yaml"), "--config", config, "--format", "json"])
        #expect(r.status == 0)
        let o = try json(r.stdout)
        let executions = try #require(o["executions"] as? [String: Double])
        #expect(abs((executions["resize"] ?? 0) - 1 / 0.9) < 1e-12)
        let predicted = try #require(o["predicted"] as? [String: Double])
        // (1301.3 + 950) / 0.9
        #expect(abs((predicted["latency_ms"] ?? 0) - 2501.4444444444) < 1e-6)
        #expect(predicted["accuracy"] == 0.7613)
    }

    @Test func evaluateRejectsAMemorySizeNotInTheTable() throws {
        let config = try temporaryFile("bad.json", #"{"configuration": {"resize": {"memory_mb": 300}, "classify": {"variant": "resnet50", "memory_mb": 4096}}}"#)
        let r = CLI.run(["evaluate", example("image-tagging.yaml"), "--config", config])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.json: configuration.resize.memory_mb: 300 is not in the latency table"))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    @Test func paretoPointsAreNonDominated() throws {
        let r = CLI.run(["pareto", example("video-pipeline.yaml"), "--format", "json"])
        #expect(r.status == 0)
        let points = try #require(try json(r.stdout)["points"] as? [[String: Any]])
        #expect(points.count > 10)
        let vectors = points.compactMap { $0["predicted"] as? [String: Double] }.map {
            ($0["latency_ms"] ?? 0, $0["cost_per_million_usd"] ?? 0, $0["accuracy"] ?? 0)
        }
        for a in vectors {
            #expect(a.0 <= 600 + 1e-6 && a.1 <= 20 + 1e-9)
            for b in vectors where b != a {
                #expect(!(b.0 <= a.0 && b.1 <= a.1 && b.2 >= a.2))
            }
        }
    }

    @Test func badInputExitsTwoWithOneLineNamingFileAndField() throws {
        let file = try temporaryFile("app.yaml", """
        version: 1
        stages:
          - {name: a, latency_ms: {128: 10}}
        edges:
          - {from: start, to: a}
          - {from: a, to: end}
          - {from: a, to: a, probability: 0.2}
          - {from: a, to: end, probability: 1.4}
        """)
        let r = CLI.run(["validate", file])
        #expect(r.status == 2)
        #expect(r.stderr.contains("app.yaml: edges[3].probability: 1.4 is not in (0, 1]"))
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stdout.isEmpty)
        let missing = CLI.run(["plan", "/nonexistent/x.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/x.yaml"))
        let solver = CLI.run(["plan", example("slapp-app3.yaml"), "--solver", "magic"])
        #expect(solver.status == 2)
        #expect(solver.stderr.contains("--solver"))
        let flag = CLI.run(["plan", example("slapp-app3.yaml"), "--min-accuracy", "1.5"])
        #expect(flag.status == 2)
        #expect(flag.stderr.contains("--min-accuracy"))
        let unknown = CLI.run(["plan", example("slapp-app3.yaml"), "--no-such-flag"])
        #expect(unknown.status == 2)
    }

    @Test func noGoalAndNoFlagsIsAnError() throws {
        let file = try temporaryFile("nogoal.yaml", "version: 1\nstages:\n  - {name: a, latency_ms: {128: 10}}\nedges:\n  - {from: start, to: a}\n  - {from: a, to: end}\n")
        let r = CLI.run(["plan", file])
        #expect(r.status == 2)
        #expect(r.stderr.contains("nogoal.yaml: goal:"))
        let ok = CLI.run(["plan", file, "--minimize", "cost", "--format", "json"])
        #expect(ok.status == 0)
    }

    @Test func tableOutputIsReadable() {
        let r = CLI.run(["plan", example("slapp-app3.yaml")])
        #expect(r.status == 0)
        #expect(r.stdout.contains("status: optimal (exact)"))
        #expect(r.stdout.contains("memory_mb"))
        let v = CLI.run(["validate", example("video-pipeline.yaml"), "--format", "json"])
        #expect(v.status == 0)
        #expect(v.stdout.contains("\"valid\": true"))
    }
}
