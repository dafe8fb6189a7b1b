import Foundation
import Testing
import TrimtabAdaptation
import TrimtabAdapters
import TrimtabForecast
import TrimtabModel
import TrimtabTestSupport
@testable import TrimtabControl
import TrimtabSolve

/// The controller on a Kubernetes pipeline (examples/video-k8s.yaml): planned by the exact
/// pipeline planner, as `trimtab adapt --plan-load`.
@Suite struct PipelineControlTests {
    static let examples = ExampleConfigurationTests.examples

    /// examples/control-video-k8s.yaml with an in-memory history, a kubernetes sink at `server`.
    static func configuration(server: String = "http://127.0.0.1:1") throws -> (ControlConfiguration, String) {
        let path = examples.appendingPathComponent("control-video-k8s.yaml").path
        var c = try ControlConfiguration.load(path: path)
        c.databasePath = ":memory:"
        if case .kubernetes(var k) = c.sink {
            k.server = server
            c.sink = .kubernetes(k)
        }
        return (c, path)
    }

    static func planner() throws -> ControlPlanner {
        let (c, path) = try configuration()
        return try ControlRunner.planner(c, workflow: try WorkflowParser.load(path: c.workflowPath), file: path)
    }

    // Golden values: `trimtab adapt examples/video-k8s.yaml --plan-load 20 --format json`
    // (headroom 1.5, at most 32 replicas, weighted α = 3, β = 1, γ = 0.0001 — adapt's defaults and the example's settings).
    static let at20 = [
        StageSetting(stage: "detect", variant: "yolov5s", batchSize: 8, cpuCores: 1, replicas: 2),
        StageSetting(stage: "classify", variant: "resnet50", batchSize: 1, cpuCores: 2, replicas: 1),
    ]
    // … and `--plan-load 60`.
    static let at60 = [
        StageSetting(stage: "detect", variant: "yolov5s", batchSize: 8, cpuCores: 1, replicas: 6),
        StageSetting(stage: "classify", variant: "resnet50", batchSize: 4, cpuCores: 1, replicas: 4),
    ]

    @Test func kubernetesPipelineIsPlannedByThePipelinePlanner() throws {
        let planner = try Self.planner()
        #expect(planner.name == "pipeline")
        #expect(try planner.plan(forecast: 20).settings == Self.at20)
        #expect(try planner.plan(forecast: 60).settings == Self.at60)
        // The same request as `trimtab adapt`, straight to the planner.
        guard case .pipeline(let p) = planner.method else { Issue.record("not the pipeline planner"); return }
        let direct = try #require(PipelinePlanner().plan(p.pipeline, PipelinePlanRequest(loadRps: 60, sloMs: 1000, headroom: 1.5, maxReplicas: 32,
                                                                                       objective: .weighted(alpha: 3, beta: 1, gamma: 0.0001))))
        #expect(try planner.plan(forecast: 60).pipeline == direct)
    }

    /// The controller's plans against an independent search: brute-force enumeration of every
    /// variant, batch size, millicores and replica count (`BruteForcePipelinePlanner`) finds the
    /// same optimum score — and so confirms the golden settings above.
    @Test(arguments: [5.0, 20.0, 40.0, 60.0, 90.0]) func controllerPlansAreTheBruteForceOptimum(load: Double) throws {
        let planner = try Self.planner()
        guard case .pipeline(let p) = planner.method else { Issue.record("not the pipeline planner"); return }
        guard let brute = BruteForcePipelinePlanner().plan(p.pipeline, p.request(forecast: load)) else {
            // Nothing meets the SLO within the replica limit: the controller says so too.
            #expect(throws: (any Error).self) { try planner.plan(forecast: load) }
            return
        }
        let planned = try #require(try planner.plan(forecast: load).pipeline)
        // The same optimum (ties may pick other settings of equal score: at 20/s classify's 2 cores × 1
        // replica and 1 core × 2 replicas cost the same).
        #expect(planned.score == brute.score, "load \(load)")
        #expect(planned.latencyMs <= p.request(forecast: load).sloMs * (1 + 1e-12), "load \(load)")
        if load == 20 { #expect(try planner.plan(forecast: load).settings == Self.at20) }
        if load == 60 { #expect(try planner.plan(forecast: load).settings == Self.at60) }
    }

    @Test func loopAppliesVariantBatchCoresAndReplicasAtTwoLoads() async throws {
        let sink = FakeSink()
        let history = try HistoryStore(path: ":memory:")
        let loop = ControlLoop(source: FakeSource([.rate(20), .rate(60)]), sink: sink, forecaster: LastValueForecaster(),
                               planner: try Self.planner(), guardrails: Guardrails(minSecondsBetweenChanges: 0, minGain: 0),
                               clock: ManualControlClock(), history: history, logger: .quiet)
        let first = await loop.iterate()
        #expect(first.outcome == .applied)
        #expect(first.configuration == Self.at20)
        let second = await loop.iterate()
        #expect(second.outcome == .applied, "\(second.reason)")
        #expect(second.configuration == Self.at60)
        // Only what differs is sent: detect scales up; classify changes batch, cores and scales up.
        #expect(await sink.calls == [
            Self.at20,
            [StageSetting(stage: "detect", replicas: 6), StageSetting(stage: "classify", batchSize: 4, cpuCores: 1, replicas: 4)],
        ])
        #expect(await loop.running["classify"] == Self.at60[1])
        #expect(try history.records().map(\.configuration) == [Self.at20, Self.at60])
    }

    @Test func minGainComparesThePipelineObjective() throws {
        let planner = try Self.planner()
        guard case .pipeline(let p) = planner.method else { Issue.record("not the pipeline planner"); return }
        let plan60 = try planner.plan(forecast: 60)
        let running20 = Dictionary(uniqueKeysWithValues: Self.at20.map { ($0.stage, $0) })
        let running60 = Dictionary(uniqueKeysWithValues: Self.at60.map { ($0.stage, $0) })
        // What runs is the plan: no gain.
        #expect(planner.gain(of: plan60, over: running60) == 0)
        // The 20 rps choice at 60 rps, at its best replicas, scored in the planner's own objective: the
        // planner restricted to that choice (a workflow with only those table entries) gives the closed form.
        var restricted = p.pipeline.workflow
        for (s, stage) in restricted.stages.enumerated() {
            let want = try #require(running20[stage.name])
            restricted.stages[s].variants = stage.variants.filter { $0.name == want.variant }.map { v in
                var v = v
                v.batchLatency = v.batchLatency.filter { $0.batchSize == want.batchSize }
                v.latency = v.latency.filter { $0.memoryMB == Int((want.cpuCores ?? 0) * 1000) }
                return v
            }
        }
        let best = try #require(PipelinePlanner().plan(try KubernetesPipeline(restricted), p.request(forecast: 60)))
        let planned = try #require(plan60.pipeline)
        let expected = (planned.score.primary - best.score.primary) / abs(best.score.primary)
        let gain = try #require(planner.gain(of: plan60, over: running20))
        #expect(abs(gain - expected) < 1e-12)
        #expect(gain > 0)
        // Below min_gain the batch/cores change is held; the scale-up still goes through.
        let held = Guardrails(minSecondsBetweenChanges: 0, minGain: gain + 0.01)
            .filter(desired: plan60.settings, running: running20, lastChange: [:], now: 0, gain: gain)
        #expect(held.changes == [StageSetting(stage: "detect", replicas: 6), StageSetting(stage: "classify", replicas: 4)])
        #expect(held.held.contains { $0.hasPrefix("classify: gain") })
        // Unknown cores (as read from a cluster at start-up): no figure, any change is worth it.
        var unknown = running20
        unknown["classify"]?.cpuCores = nil
        #expect(planner.gain(of: plan60, over: unknown) == nil)
    }

    @Test func objectiveKeysAreParsedAndChecked() throws {
        let base = "workflow: workflow.yaml\nprometheus: {url: 'http://p', query: q}\nsink: {file: {path: o.json}}\n"
        let ok = try ControlConfiguration.load(path: try ControlConfigurationTests.write(base + "objective: weighted\nweights: {alpha: 2, gamma: 0}\nslo_ms: 800"))
        #expect(ok.pipelineObjective == .weighted(alpha: 2, beta: 1, gamma: 0))
        #expect(ok.sloMs == 800 && ok.sloPercentile == nil)
        #expect(try ControlConfiguration.load(path: try ControlConfigurationTests.write(base + "slo_ms: 150\nslo_percentile: 99")).sloPercentile == 99)
        #expect(try ControlConfiguration.load(path: try ControlConfigurationTests.write(base + "objective: accuracy-then-cost")).pipelineObjective
                == .accuracyThenCost)
        #expect(try ControlConfiguration.load(path: try ControlConfigurationTests.write(base + "objective: cost")).pipelineObjective
                == .costThenAccuracy)
        #expect(try ControlConfiguration.load(path: try ControlConfigurationTests.write(base)).pipelineObjective == nil)
        let cases: [(String, String)] = [
            ("objective: fastest", "objective: 'fastest' is not an objective (expected weighted, accuracy or cost)"),
            ("weights: {alpha: -1}", "weights.alpha: -1.0 must be a non-negative number"),
            ("weights: {delta: 1}", "weights.delta: unknown field (expected one of alpha, beta, gamma)"),
            ("objective: cost\nweights: {alpha: 1}", "weights: weights apply only to objective weighted (objective is cost)"),
            ("slo_ms: 0", "slo_ms: 0.0 must be positive"),
            ("slo_percentile: 100", "slo_percentile: 100.0 is not a percentile in [50, 100) (e.g. 99 for p99)"),
            ("slo_percentile: p99", "slo_percentile: 'p99' is not a number"),
        ]
        for (extra, message) in cases {
            let path = try ControlConfigurationTests.write(base + extra)
            do {
                _ = try ControlConfiguration.load(path: path)
                Issue.record("expected an error for \(extra)")
            } catch {
                #expect(error.description == "\(path): \(message)")
            }
        }
        // The serverless planner takes no objective: a one-line error, not a silently ignored key.
        let serverless = try ControlConfigurationTests.write(base + "objective: cost")
        let c = try ControlConfiguration.load(path: serverless)
        do {
            _ = try ControlRunner(configuration: c, configurationFile: serverless, dryRun: true)
            Issue.record("expected an error")
        } catch let error as TrimtabError {
            #expect(error.description.hasPrefix("\(serverless): objective: only the Kubernetes pipeline planner takes it"))
            #expect(!error.description.contains("\n"))
        }
        let tail = try ControlConfigurationTests.write(base + "slo_percentile: 99")
        do {
            _ = try ControlRunner(configuration: try ControlConfiguration.load(path: tail), configurationFile: tail, dryRun: true)
            Issue.record("expected an error")
        } catch let error as TrimtabError {
            #expect(error.description.hasPrefix("\(tail): slo_percentile: only the Kubernetes pipeline planner takes it"))
        }
    }

    /// A p99 SLO no setting meets: the fastest plan (status `fastest`) instead of no change; the
    /// same SLO on the mean is met. One stage: 20 ms at 1 core, 12 ms at 2 cores, 3 ms overhead,
    /// the 0.99-quantile of time over mean 2; at 20 requests/s the least p99 is 2 cores × 3
    /// replicas: 2·12 + 3 ms and no wait (P(wait) = 0.08^(√8 − 1) < 1 %) = 27 ms.
    @Test func aTailNoSettingMeetsGetsTheFastestPlan() throws {
        let workflow = try WorkflowParser.parse(text: """
            version: 1
            name: tail
            platform: {kind: kubernetes, price_per_core_hour: 0.04}
            stages:
              - name: model
                overhead_ms: 3
                variants:
                  - name: only
                    accuracy: 0.9
                    latency_ms_by_batch:
                      1: {1000: 20, 2000: 12}
                    latency_spread: {quantiles: [0, 0.5, 0.99, 1], values: [0.5, 1, 2, 3]}
            edges: [{from: start, to: model}, {from: model, to: end}]
            """)
        let pipeline = try KubernetesPipeline(workflow)
        let tail = PipelineControlPlanner(pipeline: pipeline, request: PipelinePlanRequest(
            loadRps: 0, sloMs: 25, percentile: 0.99, headroom: 1, maxReplicas: 3, objective: .costThenAccuracy))
        let plan = try tail.plan(forecast: 20)
        #expect(plan.status == "fastest")
        #expect(plan.pipeline?.settings == [PipelineStageSetting(variant: 0, batchSize: 1, millicores: 2000, replicas: 3)])
        #expect(abs((plan.pipeline?.latencyMs ?? 0) - 27) < 1e-9)
        // At 30 ms the p99 bound is met, by the cheapest setting that meets it.
        let met = try PipelineControlPlanner(pipeline: pipeline, request: PipelinePlanRequest(
            loadRps: 0, sloMs: 30, percentile: 0.99, headroom: 1, maxReplicas: 3, objective: .costThenAccuracy)).plan(forecast: 20)
        #expect(met.status == "optimal" && (met.pipeline?.latencyMs ?? 99) <= 30)
        // On the mean, 25 ms is met with 2 cores in all (one 1-core replica: 20 + 3 + its M/D/1 wait
        // 0.4·20/(2·0.6) = 29.7 ms is not) — and a mean SLO nobody meets still throws.
        let mean = try PipelineControlPlanner(pipeline: pipeline, request: PipelinePlanRequest(
            loadRps: 0, sloMs: 25, headroom: 1, maxReplicas: 3, objective: .costThenAccuracy)).plan(forecast: 20)
        #expect(mean.status == "optimal" && (mean.pipeline?.latencyMs ?? 99) <= 25 && abs((mean.pipeline?.costPerHour ?? 0) - 0.08) < 1e-12)
        #expect(throws: TrimtabError.self) {
            try PipelineControlPlanner(pipeline: pipeline, request: PipelinePlanRequest(
                loadRps: 0, sloMs: 10, headroom: 1, maxReplicas: 3, objective: .costThenAccuracy)).plan(forecast: 20)
        }
    }

    @Test func exampleConfigurationBuildsAPipelineLoop() async throws {
        let (c, path) = try Self.configuration()
        #expect(c.pipelineObjective == .weighted(alpha: 3, beta: 1, gamma: 0.0001))
        #expect(c.headroom == 1.5)
        #expect(c.guardrails.maxReplicas == 32)
        let runner = try ControlRunner(configuration: c, configurationFile: path, dryRun: true)
        let name = await runner.loop.planner.name
        #expect(name == "pipeline")
    }

    /// End to end: the loop → Kubernetes sink → the in-repo Kubernetes API server.
    @Test(.timeLimit(.minutes(5))) func pipelinePlanLandsInTheKubernetesTestServer() async throws {
        let store = KubeAPIStore()
        await store.addDeployment(namespace: "video", name: "yolo", replicas: 1, env: ["MODEL_VARIANT": "yolov5n", "MAX_BATCH_SIZE": "1"])
        await store.addDeployment(namespace: "video", name: "resnet", replicas: 1)
        let kube = try await KubeTestServer.start(store: store)
        let (c, _) = try Self.configuration(server: kube.url)
        guard case .kubernetes(let settings) = c.sink else { Issue.record("not a kubernetes sink"); return }
        let loop = ControlLoop(source: FakeSource([.rate(20), .rate(60)]), sink: KubernetesSink(settings: settings, retry: .immediate()),
                               forecaster: LastValueForecaster(), planner: try Self.planner(),
                               guardrails: Guardrails(minSecondsBetweenChanges: 0, minGain: 0), clock: ManualControlClock(), logger: .quiet)
        await loop.warmUp(historySeconds: 10, stepSeconds: 1)
        #expect(await loop.running["detect"] == StageSetting(stage: "detect", variant: "yolov5n", batchSize: 1, replicas: 1))
        for (expected, load) in [(Self.at20, 20.0), (Self.at60, 60.0)] {
            let record = await loop.iterate()
            #expect(record.outcome == .applied, "\(load): \(record.reason) \(record.errors)")
            for (setting, deployment) in zip(expected, ["yolo", "resnet"]) {
                #expect(await store.replicas(namespace: "video", name: deployment) == setting.replicas)
                #expect(await store.environment(namespace: "video", name: deployment, variable: "MODEL_VARIANT") == setting.variant)
                #expect(await store.environment(namespace: "video", name: deployment, variable: "MAX_BATCH_SIZE") == setting.batchSize.map(String.init))
                #expect(await store.cpuRequest(namespace: "video", name: deployment) == KubernetesSink.cpuQuantity(setting.cpuCores ?? 0))
            }
        }
        #expect(await store.cpuRequest(namespace: "video", name: "resnet") == "1")
        await kube.stop()
    }
}
