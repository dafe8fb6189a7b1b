import Foundation
import Testing
import TrimtabAdaptation
import TrimtabAdapters
import TrimtabForecast
import TrimtabModel
import TrimtabReplay
import TrimtabSolve
@testable import TrimtabControl

/// The offline replay (`AdaptiveReplay`) and the live loop (`ControlLoop`) decide through the one
/// step (`AdaptiveStep`): fed the same load second by second, with the same forecaster, planner
/// and guardrails, they run the same settings every interval — and, without guardrails, every
/// interval runs a brute-force optimum for the forecast worked out here.
@Suite struct SharedStepTests {
    /// Requests per second: a rise, a hold, a fall and a second rise (the fall exercises the
    /// scale-down step and the cool-down).
    static let load: [Double] = [8, 8, 9, 8, 10, 12, 15, 20, 26, 33, 40, 46, 52, 55, 55, 54, 55, 50, 44, 38,
                                 30, 24, 18, 14, 11, 9, 8, 8, 7, 8, 12, 18, 25, 31, 36, 40, 38, 35, 30, 24]
    /// Seconds of history the forecaster sees (one bin per second).
    static let history = 5

    static func pipelinePlanner() throws -> PipelineControlPlanner {
        let workflow = try WorkflowParser.load(path: PipelineControlTests.examples.appendingPathComponent("video-k8s.yaml").path)
        let request = PipelinePlanRequest(loadRps: 0, sloMs: 1000, headroom: 1.5, maxReplicas: 32,
                                          objective: .weighted(alpha: 3, beta: 1, gamma: 0.0001))
        return PipelineControlPlanner(pipeline: try KubernetesPipeline(workflow), request: request)
    }

    /// Every interval's settings in the replay (1 s intervals, the first `history` seconds warm-up).
    static func replay(_ planner: PipelineControlPlanner, guardrails: Guardrails) throws -> [AdaptiveReplay.IntervalRecord] {
        var replay = AdaptiveReplay(pipeline: planner.pipeline,
                                    window: try ForecastWindow(historySeconds: history, binSeconds: 1, horizonSeconds: 1),
                                    intervalSeconds: 1, startupDelaySeconds: 0, request: planner.request)
        replay.drainBacklog = false
        replay.guardrails = guardrails
        let sim = QueueingPipelineSimulation(pipeline: planner.pipeline, startupDelaySeconds: 0)
        return try replay.run(load: load, warmup: history, policy: .adaptive(MovingMaximumForecaster()), simulation: sim).intervals
    }

    /// The live loop on the same seconds: warmed up with the first `history` − 1, then one
    /// iteration per second reading the next; what runs after each iteration, as planner settings.
    static func live(_ planner: PipelineControlPlanner, guardrails: Guardrails) async throws -> (settings: [[PipelineStageSetting]], forecasts: [Double?]) {
        let seconds = load.count - history
        let source = FakeSource(load[(history - 1)..<(load.count - 1)].map { .rate($0) }, history: Array(load[0..<(history - 1)]))
        let clock = ManualControlClock(start: 1_000)
        let loop = ControlLoop(source: source, sink: FakeSink(), forecaster: MovingMaximumForecaster(),
                               planner: ControlPlanner(pipeline: planner), guardrails: guardrails, clock: clock, window: history)
        await loop.warmUp(historySeconds: Double(history), stepSeconds: 1)
        var settings: [[PipelineStageSetting]] = []
        var forecasts: [Double?] = []
        for _ in 0..<seconds {
            let record = await loop.iterate()
            forecasts.append(record.forecast)
            settings.append(try #require(planner.pipelineSettings(await loop.running)))
            clock.advance(seconds: 1)
        }
        return (settings, forecasts)
    }

    @Test(arguments: [
        Guardrails.none,
        Guardrails(minSecondsBetweenChanges: 3, maxScaleDownStep: 1, minGain: 0.05),
        Guardrails(minSecondsBetweenChanges: 0, maxScaleDownStep: 2, minGain: 0.5),
    ])
    func replayAndLiveLoopRunTheSameSettings(guardrails: Guardrails) async throws {
        let planner = try Self.pipelinePlanner()
        let replayed = try Self.replay(planner, guardrails: guardrails)
        let live = try await Self.live(planner, guardrails: guardrails)
        #expect(replayed.count == Self.load.count - Self.history)
        #expect(replayed.map(\.settings) == live.settings)
        #expect(replayed.map(\.forecast) == live.forecasts)
        // Every interval planned (no fallback) — the comparison is of planned decisions.
        #expect(replayed.allSatisfy { $0.planned })
        // The guardrails bite on this sequence: the replay holds back what the plan alone would run.
        if guardrails != .none {
            let free = try Self.replay(planner, guardrails: .none)
            #expect(replayed.map(\.settings) != free.map(\.settings))
        }
    }

    /// Without guardrails every interval runs an optimum for its forecast: the forecast is the
    /// largest of the last `history` seconds (computed here), and the settings' objective —
    /// 3·accuracy − cost per hour − 0.0001·Σ batch, worked out here from the pipeline's prices and
    /// accuracies — equals the brute-force planner's best.
    @Test func unguardedReplayRunsTheBruteForceOptimum() throws {
        let planner = try Self.pipelinePlanner()
        let replayed = try Self.replay(planner, guardrails: .none)
        let pipeline = planner.pipeline
        var best: [Double: PipelinePlan] = [:]  // brute force once per forecast
        for (k, record) in replayed.enumerated() {
            let second = Self.history + k
            let forecast = Self.load[(second - Self.history)..<second].max() ?? 0
            #expect(record.forecast == forecast)
            if best[forecast] == nil { best[forecast] = BruteForcePipelinePlanner().plan(pipeline, planner.request(forecast: forecast)) }
            let brute = try #require(best[forecast])
            let accuracy = pipeline.pipelineAccuracy(variants: record.settings.map(\.variant))
            let cost = record.settings.map { pipeline.costPerHour(replicas: $0.replicas, millicores: $0.millicores) }.reduce(0, +)
            let batches = Double(record.settings.map(\.batchSize).reduce(0, +))
            let objective = 3 * accuracy - cost - 0.0001 * batches
            #expect(abs(objective - brute.score.primary) <= 1e-9 * max(1, abs(objective)), "second \(second): \(record.settings) vs \(brute.settings)")
        }
    }
}
