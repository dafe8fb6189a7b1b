import Foundation
import Testing
import TrimtabModel
@testable import TrimtabFit

/// Measured means of an AWS run: the authors' AppN_Duration_AWS.csv and AppN_Cost_AWS.csv.
func measuredMean(_ path: String, column: String) throws -> Double {
    let t = try CSVTable.load(path: path)
    let c = try #require(t.column([column]))
    let values = try t.rows.map { try t.number($0, c) }
    return values.reduce(0, +) / Double(values.count)
}

func importApp(_ n: Int, rule: OverheadRule = .calibrated, runs: Bool = true) throws -> StepFunctionsImport {
    let dir = referencePath("slapp-aws/App\(n)/")
    return try StepFunctionsImporter.run(
        machine: try StateMachine.load(path: dir + "App\(n).json"), name: "App\(n)",
        logs: try MeasurementReader.load(path: dir + "App\(n)_Lambda_Logs.csv"),
        runs: runs ? try RunLogReader.load(path: dir + "App\(n)_SFN_Logs.csv") : nil, grid: nil, rule: rule)
}

/// The configuration that was measured: every stage at its one measured memory size.
func measuredPrediction(_ imported: StepFunctionsImport) throws -> Prediction {
    let model = try WorkflowModel(imported.workflow)
    return model.predict(optionIndices: model.options.map { _ in 0 })
}

@Suite struct StepFunctionsImportTests {
    /// Fidelity against the real AWS runs of slapp-aws App8, App10, App12: mean end-to-end
    /// latency within 2% and cost per 1M runs within 0.5% of the measured means.
    @Test(arguments: [8, 10, 12]) func fidelity(app: Int) throws {
        let dir = referencePath("slapp-aws/App\(app)/")
        let latency = try measuredMean(dir + "App\(app)_Duration_AWS.csv", column: "Duration")
        let cost = try measuredMean(dir + "App\(app)_Cost_AWS.csv", column: "1M_Exe_Cost")
        let imported = try importApp(app)
        let p = try measuredPrediction(imported)
        let perRun = try measuredPrediction(try importApp(app, rule: .perRun))
        let latencyError = (p.latencyMs - latency) / latency, costError = (p.costPerMillion - cost) / cost
        print(String(format: "fidelity App%d | latency measured %.2f predicted %.2f (%+.2f%%; per-run overhead only %.2f, %+.2f%%) | cost measured %.4f predicted %.4f (%+.3f%%)",
                     app, latency, p.latencyMs, 100 * latencyError, perRun.latencyMs, 100 * (perRun.latencyMs - latency) / latency,
                     cost, p.costPerMillion, 100 * costError))
        #expect(abs(latencyError) < 0.02)
        #expect(abs(costError) < 0.005)
        // The cost does not depend on the overhead rule (overhead is not billed).
        #expect(abs(perRun.costPerMillion - p.costPerMillion) < 1e-9)
    }

    @Test func app8StructureAndProbabilitiesComeFromTheCounts() throws {
        let imported = try importApp(8)
        let w = imported.workflow
        #expect(w.stages.map(\.name) == ["App8_f1", "App8_f2", "App8_f3", "App8_f6", "App8_f4", "App8_f5", "App8_f7", "App8_f8"])
        func p(_ a: String, _ b: String) -> Double? { w.edges.first { $0.from == a && $0.to == b }?.probability }
        // Counts in App8_Lambda_Logs.csv: f1 3600, f4 2161, f5 1439, f3 = f6 4007, f7 4466.
        #expect(abs((p("App8_f2", "App8_f4") ?? 0) - 2161.0 / 3600) < 1e-9)
        #expect(abs((p("App8_f2", "App8_f5") ?? 0) - 1439.0 / 3600) < 1e-9)
        #expect(abs((p("App8_f6", "App8_f3") ?? 0) - (4007.0 - 3600) / 4007) < 1e-9)
        #expect(abs((p("App8_f7", "App8_f7") ?? 0) - (4466.0 - 3600) / 4466) < 1e-9)
        #expect(p("App8_f1", "App8_f2") == 1 && p("App8_f1", "App8_f3") == 1)
        #expect(p("App8_f4", "App8_f7") == 1 && p("App8_f8", "end") == 1)
        // Expected executions reproduce the relative invocation counts.
        let model = try WorkflowModel(w)
        #expect(abs(model.executions[6] - 4466.0 / 3600) < 1e-9)
        // Tables hold the measured size and mean; billed_ms the mean billed duration.
        let f7 = w.stages[6].variants[0]
        #expect(f7.latency.map(\.memoryMB) == [128])
        #expect(w.platform.billingGranularityMs == 100)
        #expect(f7.tails.billed[128] != nil && (f7.tails.p95[128] ?? 0) > f7.latency[0].latencyMs)
    }

    @Test func perRunOverheadIsStepFunctionsSizedAndReportedWithoutTimestampsToo() throws {
        let imported = try importApp(8)
        let perRun = try #require(imported.overheadEstimates.first { $0.method == .perRun })
        // Per-invocation Step Functions overhead of tens of milliseconds, as AWS documents it.
        #expect(perRun.perInvocationMs > 5 && perRun.perInvocationMs < 50)
        #expect(perRun.runsUsed == 3600)
        let none = try importApp(8, runs: false)
        #expect(none.overhead == nil)
        #expect(none.workflow.stages.allSatisfy { $0.overheadMs == 0 })
    }

    @Test func memoryGridDoesNotExtrapolateASingleSize() throws {
        let dir = referencePath("slapp-aws/App8/")
        let imported = try StepFunctionsImporter.run(
            machine: try StateMachine.load(path: dir + "App8.json"), name: "App8",
            logs: try MeasurementReader.load(path: dir + "App8_Lambda_Logs.csv"), runs: nil, grid: [128, 1024])
        // One measured size per function: nothing to fit a curve to, so no size is invented.
        let f1 = imported.workflow.stages[0].variants[0]
        #expect(f1.latency.map(\.memoryMB) == [1536])
        #expect(imported.yaml.contains("piecewise-linear does not extrapolate: tables hold only sizes from 1536 to 1536 MB"))
    }

    @Test func definitionErrorsNameTheField() throws {
        let bad = #"{"StartAt": "a", "States": {"a": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "Next": "zz"}}}"#
        #expect(throws: TrimtabError(field: "States.a", "goes to 'zz', which is not a state of its machine")) {
            try StateMachine.parse(try JSONSerialization.jsonObject(with: Data(bad.utf8)), path: "")
        }
    }

    @Test func mapAndWaitStatesImport() throws {
        let def = """
        {"StartAt": "w", "States": {
          "w": {"Type": "Wait", "Seconds": 2, "Next": "m"},
          "m": {"Type": "Map", "MaxConcurrency": 1, "Iterator": {"StartAt": "t", "States": {
              "t": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:app_t", "End": true}}}, "Next": "u"},
          "u": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:app_u", "End": true}}}
        """
        let machine = try StateMachine.parse(try JSONSerialization.jsonObject(with: Data(def.utf8)), path: "")
        // 10 runs, 30 item invocations: 3 items per run on average.
        let logs = (0..<30).map { _ in MeasuredInvocation(stage: "t", memoryMB: 256, latencyMs: 100) }
            + (0..<10).map { _ in MeasuredInvocation(stage: "u", memoryMB: 512, latencyMs: 50) }
        let imported = try StepFunctionsImporter.run(machine: machine, name: "m", logs: logs, runs: nil, grid: nil)
        let model = try WorkflowModel(imported.workflow)
        #expect(abs(model.executions[0] - 3) < 1e-6)
        // The 2 s wait is time before the first task; it is not billed.
        #expect(imported.workflow.stages[0].overheadMs == 2000)
        let p = try measuredPrediction(imported)
        // The wait is overhead of the stage after it, per execution (here the loop's body).
        #expect(abs(p.latencyMs - (3 * (100 + 2000) + 50)) < 1e-6)
    }
}
