import Foundation
import Testing
import TrimtabModel
@testable import TrimtabFit

/// Measured per-run figures of an AWS app: the authors' AppN_Duration_AWS.csv (3000 runs).
func measuredDurations(_ app: Int) throws -> [Double] {
    let t = try CSVTable.load(path: referencePath("slapp-aws/App\(app)/App\(app)_Duration_AWS.csv"))
    let c = try #require(t.column(["Duration"]))
    return try t.rows.map { try t.number($0, c) }.sorted()
}

func calibrationWorkflow(_ app: Int) throws -> CalibrationWorkflow {
    let dir = referencePath("slapp-aws/App\(app)/")
    return CalibrationWorkflow(name: "App\(app)", machine: try StateMachine.load(path: dir + "App\(app).json"),
                               logs: try MeasurementReader.load(path: dir + "App\(app)_Lambda_Logs.csv"),
                               runs: try RunLogReader.load(path: dir + "App\(app)_SFN_Logs.csv"),
                               definitionFile: "App\(app).json", logsFile: "App\(app)_Lambda_Logs.csv", runsFile: "App\(app)_SFN_Logs.csv")
}

/// Honest validation: the platform profile is learned on two apps' run logs and the third app is
/// imported from its definition and Lambda logs alone — its run log is never read — then its
/// predicted mean, p95, p99 and cost are compared with its measured runs.
@Suite struct PlatformFidelityTests {
    @Test(arguments: [8, 10, 12]) func leaveOneAppOut(held: Int) throws {
        let training = [8, 10, 12].filter { $0 != held }
        let calibration = try PlatformCalibrator.calibrate(try training.map(calibrationWorkflow))
        #expect(calibration.profile.workflows == training.map { "App\($0)" })
        let dir = referencePath("slapp-aws/App\(held)/")
        let imported = try StepFunctionsImporter.run(
            machine: try StateMachine.load(path: dir + "App\(held).json"), name: "App\(held)",
            logs: try MeasurementReader.load(path: dir + "App\(held)_Lambda_Logs.csv"), runs: nil, grid: nil,
            platform: calibration.profile)
        let model = try WorkflowModel(imported.workflow)
        let measured = model.options.map { _ in 0 }
        let p = model.predict(optionIndices: measured)
        let sampler = try ComposedTailLatency(model, runs: 200_000, flag: "test")
        let s = sampler.summary(ComposedTailLatency.settings(model, optionIndices: measured), quantiles: [0.95, 0.99])

        let durations = try measuredDurations(held)
        let mean = durations.reduce(0, +) / Double(durations.count)
        let p95 = Quantile.of(sorted: durations, 0.95), p99 = Quantile.of(sorted: durations, 0.99)
        let cost = try measuredMean(dir + "App\(held)_Cost_AWS.csv", column: "1M_Exe_Cost")
        func err(_ x: Double, _ y: Double) -> Double { (x - y) / y }
        // Share of the measured runs slower than the predicted p99 (1% if it were exact).
        let above99 = Double(durations.filter { $0 > s.valuesMs[1] }.count) / Double(durations.count)
        print(String(format: "held-out App%d (profile from %@: %.2f ms/run + %.2f ms/Task) | mean measured %.1f model %.1f (%+.2f%%) composed %.1f (%+.2f%%) | p95 %.0f vs %.0f (%+.2f%%) | p99 %.0f vs %.0f (%+.2f%%; %.2f%% of runs above) | cost %.4f vs %.4f (%+.3f%%)",
                     held, training.map { "App\($0)" }.joined(separator: "+"), calibration.profile.perRunMs, calibration.profile.perTaskMs,
                     mean, p.latencyMs, 100 * err(p.latencyMs, mean), s.meanMs, 100 * err(s.meanMs, mean),
                     s.valuesMs[0], p95, 100 * err(s.valuesMs[0], p95), s.valuesMs[1], p99, 100 * err(s.valuesMs[1], p99), 100 * above99,
                     p.costPerMillion, cost, 100 * err(p.costPerMillion, cost)))
        #expect(abs(err(p.latencyMs, mean)) < 0.03)
        #expect(abs(err(s.meanMs, mean)) < 0.01)
        #expect(abs(err(s.valuesMs[0], p95)) < 0.05)
        #expect(abs(err(p.costPerMillion, cost)) < 0.005)
        // p99 sits on a steep step of these apps' distributions (loop counts): judged by the
        // share of measured runs above it, within half a point of 1%, and by value within 10%.
        #expect(abs(above99 - 0.01) <= 0.005)
        #expect(abs(err(s.valuesMs[1], p99)) < 0.10)
    }

    @Test func profileRoundTripsThroughYAML() throws {
        let calibration = try PlatformCalibrator.calibrate([try calibrationWorkflow(8)])
        let p = calibration.profile
        // Step Functions' documented order of magnitude: tens of ms per state transition.
        #expect(p.perTaskMs > 5 && p.perTaskMs < 50 && p.perRunMs >= 0)
        #expect(calibration.workflows[0].runsUsed == 3600)
        for text in [p.yaml()] {
            let back = try PlatformProfile.parse(try Value.parseYAML(text))
            #expect(abs(back.perTaskMs - p.perTaskMs) < 1e-4 && abs(back.perRunMs - p.perRunMs) < 1e-4)
            #expect(back.spreadMs?.quantiles == p.spreadMs?.quantiles)
            #expect(back.workflows == ["App8"] && back.runs == p.runs)
        }
    }

    @Test func leastSquaresWithNonNegativeTerms() {
        // overhead = 20 + 15 k exactly.
        let exact = (1...6).map { RunOverhead(overheadMs: 20 + 15 * Double($0), criticalInvocations: $0) }
        let f = PlatformCalibrator.fit(exact)
        #expect(abs(f.perRun - 20) < 1e-9 && abs(f.perTask - 15) < 1e-9)
        // A free fit would give a negative constant: the constrained optimum goes through the origin.
        let steep = (1...6).map { RunOverhead(overheadMs: -30 + 20 * Double($0), criticalInvocations: $0) }
        let g = PlatformCalibrator.fit(steep)
        #expect(g.perRun == 0 && g.perTask > 0)
        // No variation in k: all of it per Task.
        let flat = [RunOverhead(overheadMs: 100, criticalInvocations: 4), RunOverhead(overheadMs: 120, criticalInvocations: 4)]
        let h = PlatformCalibrator.fit(flat)
        #expect(h.perRun == 0 && abs(h.perTask - 27.5) < 1e-9)
    }

    @Test func badProfilesAndRunLogsAreNamed() throws {
        let good = try PlatformCalibrator.calibrate([try calibrationWorkflow(8)]).profile.yaml()
        #expect(throws: TrimtabError(field: "platform", "'azure-durable-functions' is not a platform trimtab can calibrate (expected aws-step-functions)")) {
            try PlatformProfile.parse(try Value.parseYAML(good.replacingOccurrences(of: "platform: aws-step-functions", with: "platform: azure-durable-functions")))
        }
        #expect(throws: TrimtabError(field: "version", "version 2 is not supported (this trimtab reads version 1)")) {
            try PlatformProfile.parse(try Value.parseYAML(good.replacingOccurrences(of: "version: 1", with: "version: 2")))
        }
        #expect(throws: TrimtabError(field: "kind", "'workflow' is not a platform profile (expected trimtab-platform-profile; trimtab calibrate writes one)")) {
            try PlatformProfile.parse(try Value.parseYAML(good.replacingOccurrences(of: "kind: trimtab-platform-profile", with: "kind: workflow")))
        }
        #expect(throws: TrimtabError(field: "overhead.per_task_ms", "-3.0 must be a non-negative number")) {
            try PlatformProfile.parse(try Value.parseYAML("kind: trimtab-platform-profile\nversion: 1\nplatform: aws-step-functions\noverhead: {per_run_ms: 1, per_task_ms: -3}\n"))
        }

        // A run log from another time: no run overlaps any invocation.
        var shifted = try calibrationWorkflow(8)
        shifted.runs = shifted.runs.map { RunRecord(start: $0.start + 1e6, end: $0.end + 1e6) }
        #expect(throws: TrimtabError.self) { try PlatformCalibrator.calibrate([shifted]) }
        do { _ = try PlatformCalibrator.calibrate([shifted]) } catch {
            #expect(error.file == "App8_SFN_Logs.csv" && error.field == "Start")
            #expect(error.message.hasPrefix("no run can be matched with the invocations of App8_Lambda_Logs.csv"))
        }
        // Logs of a function the definition does not have.
        var foreign = try calibrationWorkflow(8)
        foreign.logs.append(MeasuredInvocation(stage: "f99", memoryMB: 128, latencyMs: 10, timestamp: foreign.logs[0].timestamp))
        #expect(throws: TrimtabError(file: "App8_Lambda_Logs.csv", field: "line \(foreign.logs.count + 1): Function",
                                     "function 'f99' is not invoked by any Task of App8.json")) {
            try PlatformCalibrator.calibrate([foreign])
        }
        // Logs without times cannot be matched to runs.
        var untimed = try calibrationWorkflow(8)
        untimed.logs[3].timestamp = nil
        #expect(throws: TrimtabError(file: "App8_Lambda_Logs.csv", field: "line 5: UTCTimestamp",
                                     "calibration needs each invocation's time to assign it to a run (column UTCTimestamp)")) {
            try PlatformCalibrator.calibrate([untimed])
        }
    }
}
