import Foundation
import Testing
@testable import TrimtabCLI

/// Bad bounds, from flags and from the file's goal: one line naming the flag or field, exit 2.
@Suite struct PlanBadBoundTests {
    static let workflow = """
    version: 1
    name: bounds
    stages:
      - {name: a, latency_ms: {128: 100, 256: 50}}
    edges:
      - {from: start, to: a}
      - {from: a, to: end}
    """

    func expectOneLineBadInput(_ r: CommandResult, naming words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == ExitStatus.badInput, sourceLocation: sourceLocation)
        #expect(r.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)", sourceLocation: sourceLocation)
        for w in words { #expect(r.stderr.contains(w), "\(r.stderr) lacks \(w)", sourceLocation: sourceLocation) }
    }

    @Test(arguments: [
        ("--max-latency-ms", "-5", "must be a positive number"),
        ("--max-latency-ms", "0", "must be a positive number"),
        ("--max-latency-ms", "nan", "must be a positive number"),
        ("--max-latency-ms", "inf", "must be a positive number"),
        ("--max-latency-ms", "-inf", "must be a positive number"),
        ("--max-latency-ms", "fast", "invalid"),
        ("--max-cost-per-million", "nan", "must be a positive number"),
        ("--max-cost-per-million", "-0.5", "must be a positive number"),
        ("--max-cost-per-million", "1e400", "must be a positive number"),
        ("--min-accuracy", "1.5", "is not in [0, 1]"),
        ("--min-accuracy", "-0.1", "is not in [0, 1]"),
        ("--min-accuracy", "NaN", "is not in [0, 1]"),
        ("--min-accuracy", "high", "invalid"),
    ])
    func badFlagIsNamed(flag: String, value: String, message: String) throws {
        let file = try temporaryFile("flags.yaml", Self.workflow)
        for command in ["plan", "pareto"] {
            let r = CLI.run([command, file, "--minimize", "cost", flag, value].filter { command == "plan" || $0 != "--minimize" && $0 != "cost" })
            expectOneLineBadInput(r, naming: [flag, message])
        }
    }

    @Test func negativeFlagValueIsNotAMissingValue() throws {
        let file = try temporaryFile("neg.yaml", Self.workflow)
        let r = CLI.run(["plan", file, "--minimize", "cost", "--max-latency-ms", "-5"])
        expectOneLineBadInput(r, naming: ["--max-latency-ms: -5 must be a positive number"])
        #expect(!r.stderr.lowercased().contains("missing"))
    }

    @Test(arguments: [
        ("latency_ms: .nan", "goal.subject_to.latency_ms: NaN is not a number"),
        ("latency_ms: -5", "goal.subject_to.latency_ms: -5 must be positive"),
        ("latency_ms: .inf", "goal.subject_to.latency_ms: .inf is not a finite number"),
        ("latency_ms: '2000'", "goal.subject_to.latency_ms: expected a number, found the string \"2000\""),
        ("latency_ms: [2000]", "goal.subject_to.latency_ms: expected a number"),
        ("latency_ms: fast", "goal.subject_to.latency_ms: 'fast' is not a number"),
        ("cost_per_million_usd: -1", "goal.subject_to.cost_per_million_usd: -1 must be positive"),
        ("cost_per_million_usd: -.inf", "goal.subject_to.cost_per_million_usd: -.inf is not a finite number"),
        ("accuracy: 1.5", "goal.subject_to.accuracy: 1.5 is not in [0, 1]"),
        ("accuracy: true", "goal.subject_to.accuracy: 'true' is not a number"),
        ("latancy_ms: 10", "goal.subject_to.latancy_ms: unknown field"),
    ])
    func badGoalBoundNamesTheFileAndField(bound: String, message: String) throws {
        let file = try temporaryFile("goal.yaml", Self.workflow + "\ngoal:\n  minimize: cost\n  subject_to: {\(bound)}\n")
        for command in ["plan", "pareto", "validate"] {
            expectOneLineBadInput(CLI.run([command, file]), naming: ["goal.yaml: " + message])
        }
    }

    @Test func badGoalBoundInJSONIsNamed() throws {
        let base = #"{"version": 1, "stages": [{"name": "a", "latency_ms": {"128": 100}}], "edges": [{"from": "start", "to": "a"}, {"from": "a", "to": "end"}], "goal": "#
        let cases: [(String, String)] = [
            (#"{"minimize": "cost", "subject_to": {"latency_ms": "2000"}}"#, "goal.subject_to.latency_ms: expected a number, found the string \"2000\""),
            (#"{"minimize": "cost", "subject_to": {"latency_ms": -3}}"#, "goal.subject_to.latency_ms: -3 must be positive"),
            (#"{"minimize": "cost", "subject_to": {"accuracy": {"min": 0.5}}}"#, "goal.subject_to.accuracy: expected a number"),
            (#"{"minimize": "cost", "subject_to": {"cost_per_million_usd": false}}"#, "goal.subject_to.cost_per_million_usd: 'false' is not a number"),
        ]
        for (goal, message) in cases {
            let file = try temporaryFile("goal.json", base + goal + "}")
            expectOneLineBadInput(CLI.run(["plan", file]), naming: ["goal.json: " + message])
        }
    }

    /// An objective that contradicts itself or its direction: both minimise and maximise, a
    /// quantity optimised the wrong way, in the file and by flags.
    @Test func contradictoryObjectivesAreNamed() throws {
        let goals: [(String, String)] = [
            ("{minimize: cost, maximize: accuracy}", "goal: a goal names one objective: minimize or maximize, not both"),
            ("{minimize: accuracy}", "goal.minimize: 'accuracy' cannot be minimized"),
            ("{maximize: cost}", "goal.maximize: 'cost' cannot be maximized"),
            ("{maximize: latency, subject_to: {latency_ms: 100}}", "goal.maximize: 'latency' cannot be maximized"),
            ("{minimize: [cost, latency]}", "goal.minimize: expected a string"),
        ]
        for (goal, message) in goals {
            let file = try temporaryFile("objective.yaml", Self.workflow + "\ngoal: \(goal)\n")
            expectOneLineBadInput(CLI.run(["plan", file]), naming: ["objective.yaml: " + message])
        }
        let file = try temporaryFile("ok.yaml", Self.workflow + "\ngoal: {minimize: cost}\n")
        expectOneLineBadInput(CLI.run(["plan", file, "--minimize", "cost", "--maximize", "accuracy"]), naming: ["--minimize"])
        expectOneLineBadInput(CLI.run(["plan", file, "--minimize", "accuracy"]), naming: ["--minimize: 'accuracy' cannot be minimized"])
        expectOneLineBadInput(CLI.run(["plan", file, "--maximize", "cost"]), naming: ["--maximize: 'cost' cannot be maximized"])
    }

    static let loopJSON = #"{"version": 1, "name": "t", "stages": [{"name": "resize", "latency_ms": {"128": 5500.5, "512": 1301.3}}, {"name": "classify", "latency_ms": {"2048": 820.0}}], "edges": [{"from": "start", "to": "resize"}, {"from": "resize", "to": "classify"}, {"from": "classify", "to": "resize", "probability": BACK}, {"from": "classify", "to": "end", "probability": EXIT}]}"#
    static let configJSON = #"{"configuration": {"resize": {"memory_mb": 512}, "classify": {"memory_mb": 2048}}}"#

    /// Extreme or mistyped values in a workflow file: exit 2 naming the file and the field, for
    /// every command that reads the file — never an infinite prediction with exit 0.
    @Test(arguments: [
        // A JSON string where the spec has a number (as the goal's bounds already were).
        (#""latency_ms": {"128": "5500.5", "512": 1301.3}"#, "stages[0].latency_ms.128: expected a number, found the string \"5500.5\""),
        (#""version": "1""#, "version: expected a number, found the string \"1\""),
        // JSON duplicate keys, which Foundation would quietly collapse to the last.
        (#""latency_ms": {"128": 5500.5, "512": 1301.3, "512": 999.0}"#, "stages[0].latency_ms.512: duplicate key '512'"),
        // Values that overflow every prediction.
        (#""latency_ms": {"128": 5500.5, "512": 1e308}"#, "stages[0].latency_ms.512: 1e+308 ms is more than 1000000000 ms"),
        (#""platform": {"price_per_gb_second": 1e308}"#, "platform.price_per_gb_second: 1e+308 USD is more than 1000 USD"),
        (#""platform": {"price_per_request": 1e308}"#, "platform.price_per_request: 1e+308 USD is more than 1000 USD"),
        (#""platform": {"billing_granularity_ms": 1e308}"#, "platform.billing_granularity_ms: 1e+308 ms is more than 3600000 ms"),
        (#""simulation": {"cold_start_ms": 1e308}"#, "simulation.cold_start_ms: 1e+308 ms is more than 1000000000 ms"),
        (#""simulation": {"service_time": "lognormal:1e308"}"#, "simulation.service_time: lognormal CV 1e+308 is more than 100"),
        (#""simulation": {"service_time": {"distribution": "lognormal", "cv": 1e308}}"#, "simulation.service_time.cv: lognormal CV 1e+308 is more than 100"),
    ])
    func extremeOrMistypedFieldIsNamed(field: String, message: String) throws {
        let workflow = Self.loopJSON.replacingOccurrences(of: "BACK", with: "0.5").replacingOccurrences(of: "EXIT", with: "0.5")
        // Replace the first stage's table, or add the field at the top.
        let text = field.hasPrefix(#""latency_ms""#)
            ? workflow.replacingOccurrences(of: #""latency_ms": {"128": 5500.5, "512": 1301.3}"#, with: field)
            : field.hasPrefix(#""version""#) ? workflow.replacingOccurrences(of: #""version": 1"#, with: field)
            : workflow.replacingOccurrences(of: #""name": "t", "#, with: #""name": "t", "# + field + ", ")
        let file = try temporaryFile("extreme.json", text)
        let config = try temporaryFile("c.json", Self.configJSON)
        for command in [["validate", file], ["plan", file, "--minimize", "cost"], ["evaluate", file, "--config", config]] {
            expectBadInputLine(CLI.run(command), naming: ["extreme.json: " + message])
        }
    }

    /// A loop whose exit probability is so small that it repeats more than 10⁸ times on average
    /// is refused naming its back edge (its 1/(1 − p) was lost to rounding: executions inf, exit 0);
    /// an exit of 10⁻⁸ is still evaluated, with finite numbers.
    @Test func loopRepeatedBeyondTheCapIsNamed() throws {
        let config = try temporaryFile("c.json", Self.configJSON)
        let near = try temporaryFile("near.json", Self.loopJSON.replacingOccurrences(of: "BACK", with: "0.9999999999")
            .replacingOccurrences(of: "EXIT", with: "1e-10"))
        for command in [["validate", near], ["plan", near, "--minimize", "cost"], ["evaluate", near, "--config", config]] {
            expectBadInputLine(CLI.run(command), naming: ["near.json: edges[2].probability: 0.9999999999 repeats the loop classify → resize 1e10 times",
                                                          "at most 1e8"])
        }
        let selfLoop = try temporaryFile("self.yaml", Self.workflow.replacingOccurrences(of: "  - {from: a, to: end}",
            with: "  - {from: a, to: a, probability: 0.9999999999}\n  - {from: a, to: end, probability: 1e-10}"))
        expectBadInputLine(CLI.run(["validate", selfLoop]), naming: ["self.yaml: edges[1].probability: 0.9999999999 repeats the loop a → a"])

        let edge = try temporaryFile("edge.json", Self.loopJSON.replacingOccurrences(of: "BACK", with: "0.99999999")
            .replacingOccurrences(of: "EXIT", with: "1e-8"))
        let r = CLI.run(["evaluate", edge, "--config", config, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let executions = try #require(try json(r.stdout)["executions"] as? [String: Double])
        #expect(abs((executions["classify"] ?? 0) - 1e8) < 1e3)
    }

    /// YAML's plain scalars are numbers; only a quoted one is a string.
    @Test func quotedYAMLNumberIsAStringButPlainIsANumber() throws {
        let quoted = try temporaryFile("q.yaml", Self.workflow.replacingOccurrences(of: "256: 50", with: "256: '50'"))
        expectBadInputLine(CLI.run(["validate", quoted]), naming: ["q.yaml: stages[0].latency_ms.256: expected a number, found the string \"50\""])
        let config = try temporaryFile("c.json", #"{"configuration": {"a": {"memory_mb": "128"}}}"#)
        let plain = try temporaryFile("p.yaml", Self.workflow)
        expectBadInputLine(CLI.run(["evaluate", plain, "--config", config]), naming: ["c.json: configuration.a.memory_mb: expected a number, found the string \"128\""])
        #expect(CLI.run(["validate", plain]).status == 0)
    }

    @Test func goodBoundsStillPlan() throws {
        let file = try temporaryFile("good.yaml", Self.workflow + "\ngoal: {minimize: cost, subject_to: {latency_ms: 75.5}}\n")
        let r = CLI.run(["plan", file, "--format", "json"])
        #expect(r.status == 0)
        let flag = CLI.run(["plan", file, "--max-latency-ms", "1e3", "--format", "json"])
        #expect(flag.status == 0)
    }
}
