import Prometheus
import Synchronization
import TrimtabAdapters

/// The loop's own metrics, in Prometheus' text format on `/metrics` (swift-prometheus):
/// iterations, plan time, applied changes, errors by kind, and current capacity per stage.
public final class ControlMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let iterations: Counter
    private let appliedChanges: Counter
    private let planTime: DurationHistogram
    private let ready = Atomic<Bool>(false)

    /// Whether the loop has finished its warm-up (`/readyz`).
    public var isReady: Bool { ready.load(ordering: .relaxed) }
    public func markReady() { ready.store(true, ordering: .relaxed) }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        iterations = registry.makeCounter(name: "trimtab_control_iterations_total", help: "Iterations of the control loop.")
        appliedChanges = registry.makeCounter(name: "trimtab_control_applied_changes_total",
                                              help: "Stage changes applied to the sink.")
        planTime = registry.makeDurationHistogram(
            name: "trimtab_control_plan_seconds",
            buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(2), .seconds(10)],
            help: "Time to plan one iteration.")
    }

    /// Records one iteration's outcome.
    public func record(_ record: IterationRecord) {
        iterations.increment()
        appliedChanges.increment(by: Int64(record.appliedStages.count))
        if let ms = record.planMilliseconds { planTime.record(.microseconds(Int64(ms * 1000))) }
        let errorKind: String? = switch record.outcome {
        case .noData: "metrics_source"
        case .planError: "plan"
        case .partial, .failed: "sink"
        default: nil
        }
        if let errorKind {
            registry.makeCounter(name: "trimtab_control_errors_total", labels: [("kind", errorKind)],
                                 help: "Iterations that met an error, by kind.").increment()
        }
    }

    /// Sets the current capacity (replicas or Lambda concurrency) of a stage.
    public func setCapacity(stage: String, _ value: Int) {
        registry.makeGauge(name: "trimtab_control_replicas", labels: [("stage", stage)],
                           help: "Current replicas (or Lambda reserved concurrency) per stage.").set(Double(value))
    }

    /// The metrics in Prometheus' text exposition format.
    public func exposition() -> String { registry.emitToString() }
}
