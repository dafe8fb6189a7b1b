import Foundation
import Testing
import TrimtabAdaptation
import TrimtabAdapters
import TrimtabForecast
@testable import TrimtabControl

/// The loop with fake source and sink and a manual clock.
@Suite struct ControlLoopTests {
    static func loop(_ source: FakeSource, _ sink: FakeSink, clock: ManualControlClock = ManualControlClock(),
                     guardrails: Guardrails = Guardrails(minSecondsBetweenChanges: 0, maxScaleDownStep: 2, minGain: 0.05),
                     history: HistoryStore? = nil, metrics: ControlMetrics? = nil, dryRun: Bool = false) throws -> ControlLoop {
        ControlLoop(source: source, sink: sink, forecaster: LastValueForecaster(), planner: try Workflows.planner(),
                    guardrails: guardrails, clock: clock, history: history, metrics: metrics, dryRun: dryRun, logger: .quiet)
    }

    @Test func firstIterationAppliesTheWholePlanAndRecordsIt() async throws {
        let source = FakeSource([.rate(20)])
        let sink = FakeSink()
        let history = try HistoryStore(path: ":memory:")
        let record = try await Self.loop(source, sink, history: history).iterate()
        #expect(record.outcome == .applied)
        #expect(record.load == 20)
        #expect(record.forecast == 20)
        let expected = [StageSetting(stage: "pre", replicas: 2), StageSetting(stage: "model", variant: "large", replicas: 10),
                        StageSetting(stage: "post", replicas: 1)]
        #expect(record.configuration == expected)
        #expect(await sink.calls == [expected])
        let rows = try history.records()
        #expect(rows.count == 1)
        #expect(rows.first?.changes == expected)
        #expect(rows.first?.appliedStages == ["pre", "model", "post"])
    }

    @Test func missingDataKeepsTheConfigurationAndBacksOff() async throws {
        let source = FakeSource([.rate(20), .failure, .noData, .failure, .failure, .failure, .rate(20)])
        let sink = FakeSink()
        let loop = try Self.loop(source, sink)
        await loop.iterate()
        let running = await loop.running
        var delays: [Double] = []
        for _ in 0..<5 {
            let r = await loop.iterate()
            #expect(r.outcome == .noData)
            #expect(r.changes.isEmpty)
            delays.append(await loop.nextDelay(intervalSeconds: 80))
        }
        // Never a change on missing data: the sink was called once, for the first plan.
        #expect(await sink.calls.count == 1)
        #expect(await loop.running == running)
        #expect(delays == [10, 20, 40, 80, 80])
        let back = await loop.iterate()
        #expect(back.outcome == .unchanged)
        #expect(await loop.nextDelay(intervalSeconds: 80) == 80)
    }

    @Test func scaleDownIsGradual() async throws {
        let source = FakeSource([.rate(40), .rate(4), .rate(4), .rate(4)])
        let sink = FakeSink()
        let loop = try Self.loop(source, sink)
        await loop.iterate()  // model: 20 replicas
        for expected in [18, 16, 14] {
            let r = await loop.iterate()
            #expect(r.changes.first { $0.stage == "model" }?.replicas == expected)
        }
    }

    @Test func partialApplicationIsRecordedAndRetried() async throws {
        let source = FakeSource([.rate(20), .rate(20)])
        let sink = FakeSink(failing: ["model"])
        let history = try HistoryStore(path: ":memory:")
        let metrics = ControlMetrics()
        let loop = try Self.loop(source, sink, history: history, metrics: metrics)
        let first = await loop.iterate()
        #expect(first.outcome == .partial)
        #expect(first.appliedStages == ["pre", "post"])
        #expect(first.errors == ["model: HTTP 500: injected"])
        #expect(first.reason.hasPrefix("partially applied: pre, post; failed: model"))
        await sink.setFailing([])
        let second = await loop.iterate()
        #expect(second.outcome == .applied)
        #expect(second.changes == [StageSetting(stage: "model", variant: "large", replicas: 10)])
        #expect(try history.records().map(\.outcome) == [.partial, .applied])
        let text = metrics.exposition()
        #expect(text.contains("trimtab_control_iterations_total 2"))
        #expect(text.contains("trimtab_control_applied_changes_total 3"))
        #expect(text.contains(#"trimtab_control_errors_total{kind="sink"} 1"#))
        #expect(text.contains(#"trimtab_control_replicas{stage="model"} 10"#))
    }

    @Test func dryRunChangesNothing() async throws {
        let source = FakeSource([.rate(20)])
        let sink = FakeSink()
        let record = try await Self.loop(source, sink, dryRun: true).iterate()
        #expect(record.outcome == .dryRun)
        #expect(record.applied == false)
        #expect(record.reason == "dry run: would change pre, model, post")
        #expect(record.changes.count == 3)
        #expect(await sink.calls.isEmpty)
    }

    @Test func warmUpTrainsOnHistoryAndRunStopsOnCancellation() async throws {
        let source = FakeSource(Array(repeating: .rate(20), count: 1000), history: [5, 6, 7])
        let sink = FakeSink()
        let clock = ManualControlClock()
        let loop = try Self.loop(source, sink, clock: clock)
        await loop.warmUp(historySeconds: 60, stepSeconds: 20)
        #expect(await loop.recent == [5, 6, 7])
        let task = Task { await loop.run(intervalSeconds: 30) }
        while await source.calls < 5 { await Task.yield() }
        task.cancel()
        await task.value
        #expect(clock.sleeps.prefix(4).allSatisfy { $0 == 30 })
    }
}
