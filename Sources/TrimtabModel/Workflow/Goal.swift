/// What to optimise and the bounds every answer must meet.
public struct Goal: Sendable, Equatable {
    public enum Objective: String, Sendable, CaseIterable {
        case minimizeCost = "cost"
        case minimizeLatency = "latency"
        case maximizeAccuracy = "accuracy"

        public var phrase: String {
            switch self {
            case .minimizeCost: return "minimize cost"
            case .minimizeLatency: return "minimize latency"
            case .maximizeAccuracy: return "maximize accuracy"
            }
        }
    }

    public var objective: Objective
    public var bounds: Bounds
    /// Extension (`load_rps`): the arrival rate the plan is for (requests per second); batching
    /// delays and per-request batch costs depend on it.
    public var loadRps: Double?

    public init(objective: Objective, bounds: Bounds = Bounds(), loadRps: Double? = nil) {
        self.objective = objective
        self.bounds = bounds
        self.loadRps = loadRps
    }
}

/// Optional bounds: expected latency, cost per million runs, combined accuracy.
public struct Bounds: Sendable, Equatable {
    public var maxLatencyMs: Double?
    public var maxCostPerMillion: Double?
    public var minAccuracy: Double?

    public init(maxLatencyMs: Double? = nil, maxCostPerMillion: Double? = nil, minAccuracy: Double? = nil) {
        self.maxLatencyMs = maxLatencyMs
        self.maxCostPerMillion = maxCostPerMillion
        self.minAccuracy = minAccuracy
    }

    /// Relative tolerance with which a bound counts as met (floating-point sums differ by order).
    public static let tolerance = 1e-9

    static func within(_ value: Double, atMost limit: Double) -> Bool {
        value <= limit + tolerance * Swift.max(1, abs(limit))
    }

    /// Whether accuracy `a` meets the floor `limit`, within `tolerance` relative to the floor: a
    /// product over many stages can be far below 1 (1e-10 at 60 stages), where an absolute
    /// tolerance would admit anything.
    public static func meets(accuracy a: Double, floor limit: Double) -> Bool {
        a >= limit - tolerance * abs(limit)
    }

    /// Whether a prediction meets every bound (within `tolerance`).
    public func admits(_ p: Prediction) -> Bool {
        if let l = maxLatencyMs, !Bounds.within(p.latencyMs, atMost: l) { return false }
        if let c = maxCostPerMillion, !Bounds.within(p.costPerMillion, atMost: c) { return false }
        if let a = minAccuracy, !Bounds.meets(accuracy: p.accuracy, floor: a) { return false }
        return true
    }

    public var isEmpty: Bool { maxLatencyMs == nil && maxCostPerMillion == nil && minAccuracy == nil }
}

/// The model's prediction for one configuration. Codable with the spec's `predicted` keys.
public struct Prediction: Sendable, Equatable, Codable {
    /// Expected end-to-end response time (ms).
    public var latencyMs: Double
    /// Expected cost of one million workflow runs (USD).
    public var costPerMillion: Double
    /// Combined workflow accuracy.
    public var accuracy: Double

    enum CodingKeys: String, CodingKey {
        case latencyMs = "latency_ms", costPerMillion = "cost_per_million_usd", accuracy
    }

    public init(latencyMs: Double, costPerMillion: Double, accuracy: Double) {
        self.latencyMs = latencyMs
        self.costPerMillion = costPerMillion
        self.accuracy = accuracy
    }

    /// The value of `objective` in "smaller is better" form.
    public func score(_ objective: Goal.Objective) -> Double {
        switch objective {
        case .minimizeCost: return costPerMillion
        case .minimizeLatency: return latencyMs
        case .maximizeAccuracy: return -accuracy
        }
    }
}

/// One stage's choice: a variant (for stages with variants) and a memory size.
public struct StageChoice: Sendable, Equatable, Hashable, Codable {
    public var variant: String?
    public var memoryMB: Int
    /// Extension: requests served per invocation (batching); nil means 1.
    public var batchSize: Int?
    /// Extension: longest wait (ms) for a batch to fill before it is served anyway.
    public var batchTimeoutMs: Double?
    /// Extension (Kubernetes): replicas of the stage; nil on serverless platforms.
    public var replicas: Int?
    /// Extension (Kubernetes): CPU cores requested per replica.
    public var cores: Double?

    public init(variant: String? = nil, memoryMB: Int, batchSize: Int? = nil, batchTimeoutMs: Double? = nil,
                replicas: Int? = nil, cores: Double? = nil) {
        self.variant = variant
        self.memoryMB = memoryMB
        self.batchSize = batchSize
        self.batchTimeoutMs = batchTimeoutMs
        self.replicas = replicas
        self.cores = cores
    }

    /// The spec's field names (`memory_mb`, …); unset extensions are left out.
    enum CodingKeys: String, CodingKey {
        case variant, memoryMB = "memory_mb", batchSize = "batch_size", batchTimeoutMs = "batch_timeout_ms"
        case replicas, cores
    }
}

/// A configuration: a choice for every stage, by stage name.
public typealias Configuration = [String: StageChoice]
