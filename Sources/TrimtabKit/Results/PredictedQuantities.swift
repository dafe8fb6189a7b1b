import TrimtabModel

/// The model's prediction, as the spec prints it: expected latency, cost per million runs and
/// combined accuracy; composed tail latencies when the plan was bounded on them.
public struct PredictedQuantities: Codable, Sendable, Equatable {
    public var latencyMs: Double
    public var costPerMillionUSD: Double
    public var accuracy: Double
    public var latencyP95Ms: Double?
    public var latencyP99Ms: Double?

    enum CodingKeys: String, CodingKey {
        case latencyMs = "latency_ms", costPerMillionUSD = "cost_per_million_usd", accuracy
        case latencyP95Ms = "latency_p95_ms", latencyP99Ms = "latency_p99_ms"
    }

    public init(_ p: Prediction) {
        latencyMs = p.latencyMs
        costPerMillionUSD = p.costPerMillion
        accuracy = p.accuracy
    }
}
