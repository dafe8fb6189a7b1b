import Foundation
import Prometheus

/// The server's Prometheus metrics: requests by route, method and status, their durations, and
/// the solves running (`/metrics`, text format 0.0.4).
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    static var requests: MetricNameDescriptor { MetricNameDescriptor(namespace: "trimtab", subsystem: "http", metricName: "requests", unitName: "total",
                                               helpText: "HTTP requests answered, by route, method and status.") }
    static var durations: MetricNameDescriptor { MetricNameDescriptor(namespace: "trimtab", subsystem: "http", metricName: "request_duration", unitName: "seconds",
                                                helpText: "Time to answer an HTTP request.") }
    static var solves: MetricNameDescriptor { MetricNameDescriptor(namespace: "trimtab", metricName: "solves_running", unitName: "",
                                             helpText: "Solves running now.") }
    static let buckets: [Duration] = [.milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500),
                                      .seconds(2), .seconds(10), .seconds(30)]

    public init() {}

    /// Counts a request under `route` (a path the server has, else `other`: no label per unknown path).
    func record(route: String, method: String, status: Int, seconds: Double) {
        registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", String(status))])
            .increment()
        registry.makeDurationHistogram(descriptor: Self.durations, labels: [("route", route)], buckets: Self.buckets)
            .recordNanoseconds(Int64(seconds * 1e9))
    }

    /// The exposition text, with the number of solves running now.
    func exposition(solvesRunning: Int) -> String {
        registry.makeGauge(descriptor: Self.solves).set(Double(solvesRunning))
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
