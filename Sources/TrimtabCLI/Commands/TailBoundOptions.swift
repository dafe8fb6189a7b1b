import ArgumentParser

/// `plan --max-latency-p95-ms / --max-latency-p99-ms`: bounds on the composed tail latency
/// (docs/fit.md states the rule), planned exactly by `TailBoundPlanner` (`PlanOperation`).
struct TailBoundOptions: ParsableArguments {
    @Option(name: .customLong("max-latency-p95-ms"),
            help: "Bound on the end-to-end p95 latency (ms), composed as --tail-rule says.")
    var maxLatencyP95Ms: Double?
    @Option(name: .customLong("max-latency-p99-ms"),
            help: "Bound on the end-to-end p99 latency (ms), composed as --tail-rule says.")
    var maxLatencyP99Ms: Double?
    @Option(name: .customLong("tail-rule"),
            help: "composed: Monte Carlo over every stage's latency_spread (default when every stage has one); conservative: the comonotone bound from latency_p95_ms/latency_p99_ms (default otherwise).")
    var tailRule: String?
    @Option(name: .customLong("tail-runs"), help: "Monte Carlo runs of the composed rule (default 20000).")
    var tailRuns: Int?
}
