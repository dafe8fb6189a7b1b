import TrimtabAdaptation
import TrimtabAdapters
import TrimtabForecast
import TrimtabSolve

/// A controller's configuration file: the workflow, the metrics source, the interval, the
/// predictor and headroom, the sink, the guardrails and the history database.
public struct ControlConfiguration: Sendable {
    /// Path of the workflow file (relative paths are resolved against the configuration's folder).
    public var workflowPath: String
    public var prometheus: PrometheusSettings
    public var intervalSeconds: Double
    /// Forecaster name (`reactive`).
    public var predictor: String
    /// Capacity margin over the forecast (1.2 = 20 % spare).
    public var headroom: Double
    public var sink: SinkSettings
    public var guardrails: Guardrails
    public var databasePath: String
    /// Port of the loop's own `/metrics` endpoint on 127.0.0.1; none when nil.
    public var metricsPort: Int?
    /// Where `/metrics`, `/healthz` and `/readyz` listen (`metrics_address`, default 127.0.0.1).
    public var metricsAddress: String = "127.0.0.1"
    /// The Kubernetes pipeline planner's objective (`objective:` and `weights:`); nil: weighted with
    /// α = 3, β = 1, γ = 0.0001, as `trimtab adapt`. Only for Kubernetes pipeline workflows.
    public var pipelineObjective: PipelineObjective?
    /// The pipeline planner's end-to-end latency SLO (`slo_ms:`); nil: the workflow goal's latency bound.
    public var sloMs: Double?
    /// `slo_percentile:` (a percentage, e.g. 99): the SLO bounds that percentile of the end-to-end
    /// latency instead of its mean (the pipeline planner's `percentile`, as a probability). Nil: the mean.
    public var sloPercentile: Double?

    /// The pipeline planner's objective when none is configured: `trimtab adapt`'s default.
    public static let defaultPipelineObjective = PipelineObjective.weighted(alpha: 3, beta: 1, gamma: 0.0001)

    public init(workflowPath: String, prometheus: PrometheusSettings, intervalSeconds: Double = 30,
                predictor: String = "reactive", headroom: Double = 1.2, sink: SinkSettings,
                guardrails: Guardrails = Guardrails(), databasePath: String = "trimtab-history.sqlite",
                metricsPort: Int? = nil, pipelineObjective: PipelineObjective? = nil, sloMs: Double? = nil) {
        self.workflowPath = workflowPath
        self.prometheus = prometheus
        self.intervalSeconds = intervalSeconds
        self.predictor = predictor
        self.headroom = headroom
        self.sink = sink
        self.guardrails = guardrails
        self.databasePath = databasePath
        self.metricsPort = metricsPort
        self.pipelineObjective = pipelineObjective
        self.sloMs = sloMs
    }
}

/// The Prometheus source: its URL, the PromQL query for the arrival rate (requests/s) and how
/// much history to read at start-up.
public struct PrometheusSettings: Sendable, Equatable {
    public var url: String
    public var query: String
    public var historySeconds: Double?

    public init(url: String, query: String, historySeconds: Double? = nil) {
        self.url = url
        self.query = query
        self.historySeconds = historySeconds
    }
}

/// Which sink the controller applies to.
public enum SinkSettings: Sendable, Equatable {
    case kubernetes(KubernetesSettings)
    case lambda(LambdaSettings)
    case rayServe(RayServeSettings)
    case file(path: String, format: FileSink.Format?)

    /// The target platform's kind: replicas for Kubernetes and Ray Serve, reserved concurrency for Lambda.
    public var capacityKind: CapacityKind {
        switch self {
        case .kubernetes: return .replicas
        case .lambda: return .concurrency
        case .rayServe: return .replicas
        case .file: return .replicas
        }
    }
}

/// How capacity is expressed on the target platform.
public enum CapacityKind: String, Sendable {
    /// Kubernetes or Ray Serve replicas; memory is not applied.
    case replicas
    /// Lambda reserved concurrency, with memory per function.
    case concurrency
}
