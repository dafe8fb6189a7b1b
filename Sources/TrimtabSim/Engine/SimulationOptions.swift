import TrimtabModel

/// How to run a simulation (what is not in the workflow file or the configuration).
public struct SimulationOptions: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Instances start on demand (cold starts), stay warm for the keep-alive, billed per invocation.
        case serverless
        /// A fixed number of replicas per stage, FIFO queue per stage, billed per core-hour.
        case kubernetes
    }

    /// Nil: from the platform (`kubernetes` → kubernetes, otherwise serverless).
    public var mode: Mode?
    public var seed: UInt64
    /// Arrivals at or after this time (s) are not generated; runs in flight still finish.
    public var duration: Double?
    /// Overrides every stage's service-time distribution.
    public var serviceTime: ServiceTimeSpec?
    /// Overrides every stage's cold start (ms); 0 turns cold starts off.
    public var coldStartMs: Double?
    /// Latency objective (ms) for the share over the SLO; nil: the goal's latency bound, if any.
    public var sloMs: Double?
    /// Keep per-second rows (arrivals, completions, p95, instances).
    public var recordTimeline: Bool
    /// Directory against which relative sample files (empirical service times) are resolved.
    public var baseDirectory: String?
    /// Kubernetes: seconds before a replica added by `reconfigure(_:)` serves (a new pod starting).
    /// A new variant, memory or core count replaces the stage's replicas after this delay (a rolling
    /// update: the old ones serve meanwhile; both are billed). 0: changes take effect at once.
    public var replicaStartupSeconds: Double = 0
    /// Keep every completed run (arrival, latency, the variant that served it at each stage) for
    /// `drainCompletedRuns()` — for controllers that measure per request.
    public var recordCompletedRuns: Bool = false

    public init(mode: Mode? = nil, seed: UInt64 = 1, duration: Double? = nil, serviceTime: ServiceTimeSpec? = nil,
                coldStartMs: Double? = nil, sloMs: Double? = nil, recordTimeline: Bool = false, baseDirectory: String? = nil,
                replicaStartupSeconds: Double = 0, recordCompletedRuns: Bool = false) {
        self.mode = mode
        self.seed = seed
        self.duration = duration
        self.serviceTime = serviceTime
        self.coldStartMs = coldStartMs
        self.sloMs = sloMs
        self.recordTimeline = recordTimeline
        self.baseDirectory = baseDirectory
        self.replicaStartupSeconds = replicaStartupSeconds
        self.recordCompletedRuns = recordCompletedRuns
    }

    /// Default cold start on AWS Lambda (ms): the median per-worker INIT duration, 4.594 s, of the
    /// 59 measured Obi-FaaS jobs (ResNet50 on PyTorch at 3008 MB; `reference/obifaas/summary.json`,
    /// `duration_init / num_task_managers`) — an ML function's cold start. Light stages should set
    /// `cold_start_ms` in the file.
    public static let defaultLambdaColdStartMs = 4594.0
    /// Default keep-alive of an idle serverless instance (s).
    public static let defaultKeepAliveS = 600.0

    /// Default cold start for a platform: Lambda's above; none for fixed Kubernetes replicas.
    public static func defaultColdStartMs(_ kind: Platform.Kind) -> Double {
        kind == .awsLambda ? defaultLambdaColdStartMs : 0
    }

    /// USD per core-hour when `platform.price_per_core_hour` is absent: what Lambda charges for
    /// the memory that buys one vCPU (1,769 MB) for an hour at the platform's GB-second price.
    public static func defaultPricePerCoreHour(_ platform: Platform) -> Double {
        platform.pricePerGBSecond * 1769 / 1024 * 3600
    }
}
