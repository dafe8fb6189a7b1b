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

    @Test func goodBoundsStillPlan() throws {
        let file = try temporaryFile("good.yaml", Self.workflow + "\ngoal: {minimize: cost, subject_to: {latency_ms: 75.5}}\n")
        let r = CLI.run(["plan", file, "--format", "json"])
        #expect(r.status == 0)
        let flag = CLI.run(["plan", file, "--max-latency-ms", "1e3", "--format", "json"])
        #expect(flag.status == 0)
    }
}
