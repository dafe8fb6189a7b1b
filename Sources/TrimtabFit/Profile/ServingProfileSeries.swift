import Foundation

/// What one setting (variant, CPUs per replica, batch size) of a serving stage measured.
public struct ServingProfileSeries: Sendable, Equatable {
    public var variant: String
    public var cpus: Double
    public var batchSize: Int
    /// The stage's time (ms) of each request of the latency rounds.
    public var latencies: [Double]
    /// The client's round trip minus every stage's time (ms), per request of the latency rounds.
    public var overheads: [Double]
    /// Requests in flight during the throughput measurement, and the answers per second.
    public var throughputConcurrency: Int
    public var throughputRps: Double?
    /// Why the setting is infeasible; nil if it is not.
    public var infeasible: String?

    public init(variant: String, cpus: Double, batchSize: Int, latencies: [Double] = [], overheads: [Double] = [],
                throughputConcurrency: Int, throughputRps: Double? = nil, infeasible: String? = nil) {
        self.variant = variant
        self.cpus = cpus
        self.batchSize = batchSize
        self.latencies = latencies
        self.overheads = overheads
        self.throughputConcurrency = throughputConcurrency
        self.throughputRps = throughputRps
        self.infeasible = infeasible
    }

    /// The CSV that `trimtab fit --workflow` reads: one row per request of the latency rounds
    /// (`latency_ms` the stage's time, `overhead_ms` the rest of the round trip), one row per
    /// setting with its `throughput_rps`, and one row with the reason for an infeasible setting.
    public static func csv(stage: String, _ series: [ServingProfileSeries]) -> String {
        func quote(_ s: String) -> String {
            s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        func number(_ x: Double) -> String { String(format: "%.3f", x) }
        var out = "stage,variant,cpus,batch_size,concurrency,latency_ms,overhead_ms,throughput_rps,status\n"
        for s in series {
            let prefix = "\(quote(stage)),\(quote(s.variant)),\(String(format: "%g", s.cpus)),\(s.batchSize),"
            if let reason = s.infeasible {
                out += prefix + "\(s.batchSize),,,," + quote("infeasible: \(reason)") + "\n"
                continue
            }
            for (l, o) in zip(s.latencies, s.overheads) {
                out += prefix + "\(s.batchSize),\(number(l)),\(number(o)),,ok\n"
            }
            if let rps = s.throughputRps {
                out += prefix + "\(s.throughputConcurrency),,,\(number(rps)),ok\n"
            }
        }
        return out
    }
}
