import Foundation
import Logging
import TrimtabAdaptation
import TrimtabAdapters
import TrimtabForecast
import TrimtabModel
import TrimtabSolve

/// Builds a `ControlLoop` from a configuration file and runs it: once, or until SIGINT/SIGTERM.
public struct ControlRunner: Sendable {
    public let configuration: ControlConfiguration
    /// The configuration file as the user named it (for errors).
    public let configurationFile: String
    public let loop: ControlLoop
    public let metrics: ControlMetrics
    public let logger: Logger

    /// Checks the configuration against the workflow and builds the loop. Bad input throws a
    /// `TrimtabError` naming the file and field.
    public init(configuration: ControlConfiguration, configurationFile: String, dryRun: Bool,
                clock: any ControlClock = SystemControlClock(), environment: [String: String] = ProcessInfo.processInfo.environment,
                logger: Logger = Logger(label: "trimtab.control")) throws {
        self.configuration = configuration
        self.configurationFile = configurationFile
        self.logger = logger
        let workflow = try WorkflowParser.load(path: configuration.workflowPath)
        let sink = try Self.makeSink(configuration.sink, stages: workflow.stages.map(\.name), file: configurationFile,
                                     environment: environment)
        let planner = try Self.planner(configuration, workflow: workflow, file: configurationFile)
        let g = configuration.guardrails
        // A query must not take more than a quarter of the interval (1–10 s): a dead Prometheus is
        // noticed within the iteration, and the loop keeps its configuration and backs off.
        let timeout = min(10, max(1, configuration.intervalSeconds / 4))
        let source = PrometheusSource(baseURL: configuration.prometheus.url, query: configuration.prometheus.query,
                                      transport: AsyncHTTPTransport(timeout: .milliseconds(Int64(timeout * 1000))))
        let history = try HistoryStore(path: configuration.databasePath)
        metrics = ControlMetrics()
        loop = ControlLoop(source: source, sink: sink, forecaster: try Self.forecaster(configuration.predictor, intervalSeconds: configuration.intervalSeconds),
                           planner: planner, guardrails: g, clock: clock, history: history, metrics: metrics,
                           dryRun: dryRun, logger: logger)
    }

    /// The Kubernetes pipeline planner when the workflow is a Kubernetes pipeline (platform
    /// kubernetes, a chain; `KubernetesPipeline` accepts it) and the sink runs replicas; otherwise
    /// the serverless planner with the interim `ReplicaPlanner`. The pipeline planner's request:
    /// λ = forecast, headroom = `headroom`, SLO = `slo_ms` or the goal's latency bound (on the mean,
    /// or on the `slo_percentile` percentile), at most
    /// `guardrails.max_replicas` replicas per stage, `objective`/`weights` (as `trimtab adapt`).
    public static func planner(_ configuration: ControlConfiguration, workflow: Workflow, file: String) throws -> ControlPlanner {
        let g = configuration.guardrails
        if configuration.sink.capacityKind == .replicas, let pipeline = try? KubernetesPipeline(workflow) {
            guard let slo = configuration.sloMs ?? workflow.goal?.bounds.maxLatencyMs, slo.isFinite, slo > 0 else {
                throw TrimtabError(file: file, field: "slo_ms",
                                   "give the latency SLO (or a goal with subject_to.latency_ms in \(configuration.workflowPath))")
            }
            let request = PipelinePlanRequest(loadRps: 0, sloMs: slo, percentile: configuration.sloPercentile.map { $0 / 100 },
                                              headroom: configuration.headroom, maxReplicas: g.maxReplicas,
                                              objective: configuration.pipelineObjective ?? ControlConfiguration.defaultPipelineObjective)
            return ControlPlanner(pipeline: PipelineControlPlanner(pipeline: pipeline, request: request, minReplicas: g.minReplicas))
        }
        let reason = "only the Kubernetes pipeline planner takes it, and \(configuration.workflowPath) is not planned by it "
            + "(it needs platform kubernetes, a chain of stages and a kubernetes, ray_serve or file sink)"
        if configuration.pipelineObjective != nil { throw TrimtabError(file: file, field: "objective", reason) }
        if configuration.sloMs != nil { throw TrimtabError(file: file, field: "slo_ms", reason) }
        if configuration.sloPercentile != nil { throw TrimtabError(file: file, field: "slo_percentile", reason) }
        let model: WorkflowModel
        do { model = try WorkflowModel(workflow) } catch { throw error.inFile(configuration.workflowPath) }
        guard let goal = workflow.goal else {
            throw TrimtabError(file: configuration.workflowPath, field: "goal", "the controller needs the workflow's goal")
        }
        return ControlPlanner(model: model, goal: goal, capacity: configuration.sink.capacityKind,
                              replicas: ReplicaPlanner(headroom: configuration.headroom, minimum: g.minReplicas, maximum: g.maxReplicas))
    }

    /// The named predictor of `TrimtabForecast`, on bins of one interval: as IPA, 12 bins of
    /// history and the peak of the next 2 predicted (trained on the warm-up history).
    static func forecaster(_ name: String, intervalSeconds: Double) throws(TrimtabError) -> any Forecaster {
        let window = ForecastWindow(binSeconds: max(1, Int(intervalSeconds.rounded())), historyBins: 12, horizonBins: 2)
        guard let forecaster = ForecasterCatalog.make(name, window: window) else {
            throw TrimtabError(field: "predictor", "unknown predictor '\(name)' (expected one of \(ForecasterCatalog.names.joined(separator: ", ")))")
        }
        return forecaster
    }

    static func makeSink(_ settings: SinkSettings, stages: [String], file: String,
                         environment: [String: String]) throws(TrimtabError) -> any ConfigurationSink {
        switch settings {
        case .kubernetes(let k):
            for stage in stages where k.deployments[stage] == nil {
                throw TrimtabError(file: file, field: "sink.kubernetes.deployments.\(stage)", "is missing (every stage needs a deployment)")
            }
            for name in k.deployments.keys where !stages.contains(name) {
                throw TrimtabError(file: file, field: "sink.kubernetes.deployments.\(name)", "unknown stage")
            }
            return KubernetesSink(settings: k)
        case .lambda(let l):
            for stage in stages where l.functions[stage] == nil {
                throw TrimtabError(file: file, field: "sink.lambda.functions.\(stage)", "is missing (every stage needs a function)")
            }
            for name in l.functions.keys where !stages.contains(name) {
                throw TrimtabError(file: file, field: "sink.lambda.functions.\(name)", "unknown stage")
            }
            guard let credentials = AWSCredentials.fromEnvironment(environment) else {
                throw TrimtabError(file: file, field: "sink.lambda",
                                   "AWS credentials are missing: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
            }
            return LambdaSink(settings: l, credentials: credentials)
        case .rayServe(let r):
            for stage in stages where r.deployments[stage] == nil {
                throw TrimtabError(file: file, field: "sink.ray_serve.deployments.\(stage)", "is missing (every stage needs a deployment)")
            }
            for name in r.deployments.keys where !stages.contains(name) {
                throw TrimtabError(file: file, field: "sink.ray_serve.deployments.\(name)", "unknown stage")
            }
            return RayServeSink(settings: r)
        case .file(let path, let format):
            return FileSink(path: path, format: format)
        }
    }

    /// Checks, before the first iteration, that the sink's targets exist (a sink that can tell:
    /// Ray Serve). A target the platform lacks is bad input naming the configuration field (exit
    /// 2); a platform that cannot be reached or read is a runtime failure (exit 1). Nothing is applied.
    public func preflight() async throws(TrimtabError) {
        guard let sink = loop.sink as? any VerifiableConfigurationSink else { return }
        do {
            try await sink.verify(stages: loop.planner.workflow.stages.map(\.name))
        } catch AdapterError.mismatch(let setting, let message) {
            throw TrimtabError(file: configurationFile, field: "sink.\(sink.kind).\(setting)", message)
        } catch {
            throw TrimtabError(code: .unavailable, "sink \(sink.kind): cannot read what runs: \(FailureMessage.describe(error))")
        }
    }

    /// The bad input of an iteration whose query Prometheus answered with nothing: no series
    /// matches it (a misspelt metric or label, or a counter not exported yet — Ray Serve exports
    /// `ray_serve_num_http_requests_total` once it has answered a request). Names the field.
    public func emptyQueryError() -> TrimtabError {
        let p = configuration.prometheus
        return TrimtabError(file: configurationFile, field: "prometheus.query",
                            "'\(p.query)' returns nothing from \(p.url) (no series matches it: check the metric name and labels); nothing applied")
    }

    /// The bad input of an iteration whose query Prometheus refused as malformed (HTTP 400,
    /// `bad_data`: a parse error in the query). Nil when the last read did not fail that way (an
    /// unreachable or failing Prometheus is a runtime failure).
    public func rejectedQueryError() async -> TrimtabError? {
        guard case AdapterError.rejected(400, let message)? = await loop.lastSourceError else { return nil }
        let p = configuration.prometheus
        return TrimtabError(file: configurationFile, field: "prometheus.query",
                            "'\(p.query)' is not a query \(p.url) accepts (\(FailureMessage.clean(message))); nothing applied")
    }

    /// Warms up and runs one iteration.
    public func runOnce() async -> IterationRecord {
        await warmUp()
        return await loop.iterate()
    }

    /// Warms up and runs until SIGINT or SIGTERM (or the task is cancelled), serving `/metrics`
    /// if a port is configured; then stops cleanly (the current iteration finishes first).
    public func runUntilSignalled() async {
        // Watch the signals first, so that a signal during warm-up also stops cleanly.
        let work = Task { await warmUpAndRun() }
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) { [logger] number in
            logger.info("signal \(number): stopping")
            work.cancel()
        }
        await withTaskCancellationHandler {
            await work.value
        } onCancel: {
            work.cancel()
        }
        signals.stop()
    }

    private func warmUpAndRun() async {
        let metricsTask: Task<Void, Never>? = configuration.metricsPort.map { port in
            Task { [metrics, logger] in
                do {
                    try await MetricsServer.run(metrics, address: configuration.metricsAddress, port: port) { bound in
                        logger.info("metrics on http://\(configuration.metricsAddress):\(bound)/metrics")
                    }
                } catch {
                    logger.error("metrics server: \(error)")
                }
            }
        }
        await warmUp()
        metrics.markReady()
        await loop.run(intervalSeconds: configuration.intervalSeconds)
        metricsTask?.cancel()
        await metricsTask?.value
    }

    private func warmUp() async {
        let seconds = configuration.prometheus.historySeconds ?? configuration.intervalSeconds * 20
        await loop.warmUp(historySeconds: seconds, stepSeconds: configuration.intervalSeconds)
    }
}

/// Turns SIGINT/SIGTERM into a callback (the default action, ending the process, is disabled
/// while it watches).
final class SignalWatcher: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let signals: [Int32]

    init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            sources.append(source)
        }
    }

    func stop() {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }
}
