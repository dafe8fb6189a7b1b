/// An inference workflow as described by a v1 workflow file: stages with their measured
/// latency tables, the edges between them, how accuracy combines, and an optional goal.
public struct Workflow: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var platform: Platform
    public var stages: [Stage]
    public var edges: [Edge]
    public var accuracy: AccuracyRule
    public var goal: Goal?

    public init(version: Int = 1, name: String, platform: Platform = Platform(), stages: [Stage], edges: [Edge],
                accuracy: AccuracyRule = .product, goal: Goal? = nil) {
        self.version = version
        self.name = name
        self.platform = platform
        self.stages = stages
        self.edges = edges
        self.accuracy = accuracy
        self.goal = goal
    }

    /// The index of the stage named `name`, if any.
    public func stageIndex(named name: String) -> Int? { stages.firstIndex { $0.name == name } }
}

/// Where the workflow runs and how it is billed.
public struct Platform: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case awsLambda = "aws-lambda", kubernetes }
    public var kind: Kind
    /// USD per GB-second of memory.
    public var pricePerGBSecond: Double
    /// USD per invocation.
    public var pricePerRequest: Double
    /// Billed duration is rounded up to a multiple of this many milliseconds.
    public var billingGranularityMs: Double

    public static let defaultPricePerGBSecond = 0.0000166667
    public static let defaultPricePerRequest = 0.0000002

    public init(kind: Kind = .awsLambda, pricePerGBSecond: Double = Platform.defaultPricePerGBSecond,
                pricePerRequest: Double = Platform.defaultPricePerRequest, billingGranularityMs: Double = 1) {
        self.kind = kind
        self.pricePerGBSecond = pricePerGBSecond
        self.pricePerRequest = pricePerRequest
        self.billingGranularityMs = billingGranularityMs
    }

    /// Billed milliseconds for a run of `latencyMs`: rounded up to the granularity.
    public func billedMilliseconds(_ latencyMs: Double) -> Double {
        let g = billingGranularityMs
        guard g > 0 else { return latencyMs }
        // Guard against 300.0000000001 style noise: a value within 1e-9 of a step stays on it.
        let steps = (latencyMs / g * (1 - 1e-12)).rounded(.up)
        return max(steps, 0) * g
    }

    /// Cost in USD of one invocation at `memoryMB` taking `latencyMs`.
    public func invocationCost(memoryMB: Int, latencyMs: Double) -> Double {
        pricePerGBSecond * Double(memoryMB) / 1024 * billedMilliseconds(latencyMs) / 1000 + pricePerRequest
    }
}

/// One measured (memory size → mean latency) entry.
public struct LatencyPoint: Sendable, Equatable {
    public var memoryMB: Int
    public var latencyMs: Double
    public init(memoryMB: Int, latencyMs: Double) {
        self.memoryMB = memoryMB
        self.latencyMs = latencyMs
    }
}

/// A model variant of a stage: its accuracy and its latency table.
public struct Variant: Sendable, Equatable {
    public var name: String
    public var accuracy: Double
    /// Sorted by memory size; the memory sizes are the candidate sizes.
    public var latency: [LatencyPoint]
    /// Extension (see `WorkflowExtensions.swift`): tail latency and mean billed duration by memory size.
    public var tails = TailTables()
    public init(name: String, accuracy: Double, latency: [LatencyPoint]) {
        self.name = name
        self.accuracy = accuracy
        self.latency = latency.sorted { $0.memoryMB < $1.memoryMB }
    }
}

/// A function of the workflow: either a plain function with one latency table, or an ML
/// function with variants, one of which is chosen.
public struct Stage: Sendable, Equatable {
    public var name: String
    /// For a plain function, a single variant with no name and accuracy 1.
    public var variants: [Variant]
    public var hasVariants: Bool
    /// Extension: time per invocation spent outside the function (orchestration), in the
    /// response time but not billed. 0 unless the file says `overhead_ms`.
    public var overheadMs: Double = 0

    public init(name: String, latency: [LatencyPoint]) {
        self.name = name
        self.variants = [Variant(name: "", accuracy: 1, latency: latency)]
        self.hasVariants = false
    }

    public init(name: String, variants: [Variant]) {
        self.name = name
        self.variants = variants
        self.hasVariants = true
    }
}

/// A transition between stages. `probability` 1 means the edge is always taken.
public struct Edge: Sendable, Equatable {
    public var from: String
    public var to: String
    public var probability: Double
    public init(from: String, to: String, probability: Double = 1) {
        self.from = from
        self.to = to
        self.probability = probability
    }
}

/// How the chosen variants' accuracies combine into the workflow's accuracy.
public enum AccuracyRule: Sendable, Equatable {
    case product
    case mean
    case min
    case weighted([String: Double])

    public var name: String {
        switch self {
        case .product: return "product"
        case .mean: return "mean"
        case .min: return "min"
        case .weighted: return "weighted"
        }
    }
}
