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
    /// Extension (`simulation:`): cold starts, keep-alive, concurrency limits, service-time distributions.
    public var simulation = SimulationProfile()

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
    /// Extension (Kubernetes, `price_per_core_hour`): USD per CPU core per hour; nil when not given.
    public var pricePerCoreHour: Double? = nil
    /// Extension (`overhead_spread_ms`): the spread of the per-run orchestration time around the
    /// stages' `overhead_ms` (a platform profile's, see `trimtab calibrate`); nil when not given.
    public var overheadSpreadMs: QuantileFunction? = nil

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
    /// Extension (`latency_ms_by_batch`): mean latency of one invocation serving a batch, by batch
    /// size and then memory size. Empty when the stage was not measured with batches.
    public var batchLatency: [BatchLatencyTable] = []
    /// Extension (`throughput_rps_by_batch`): measured requests per second one replica serves at
    /// each batch size and memory size (millicores), when the serving engine's throughput is not
    /// one batch per batch latency (e.g. Ray Serve, profiled live). Empty when not measured.
    public var batchThroughput: [BatchLatencyTable] = []
    /// Extension (see `WorkflowExtensions.swift`): tail latency and mean billed duration by memory size.
    public var tails = TailTables()

    public init(name: String, accuracy: Double, latency: [LatencyPoint], batchLatency: [BatchLatencyTable] = []) {
        self.name = name
        self.accuracy = accuracy
        self.latency = latency.sorted { $0.memoryMB < $1.memoryMB }
        self.batchLatency = batchLatency.sorted { $0.batchSize < $1.batchSize }
    }

    /// The measured batch sizes, ascending (`[1]` when the variant has no batch dimension).
    public var batchSizes: [Int] { batchLatency.isEmpty ? [1] : batchLatency.map(\.batchSize) }

    /// Mean latency (ms) of one invocation serving `batchSize` requests at `memoryMB`.
    ///
    /// Batch sizes between two measured ones are interpolated linearly; below the smallest measured
    /// size the smallest size's latency is used, above the largest the last segment is extrapolated.
    /// Without a batch dimension the latency table serves every batch size. Nil when `memoryMB`
    /// is not a measured memory size.
    public func latencyMs(memoryMB: Int, batchSize: Int = 1) -> Double? {
        guard !batchLatency.isEmpty else {
            return latency.first { $0.memoryMB == memoryMB }?.latencyMs
        }
        let rows = batchLatency.compactMap { row -> (Double, Double)? in
            guard let t = row.latency.first(where: { $0.memoryMB == memoryMB })?.latencyMs else { return nil }
            return (Double(row.batchSize), t)
        }
        guard let first = rows.first, let last = rows.last else { return nil }
        let b = Double(batchSize)
        if b <= first.0 || rows.count == 1 { return first.1 }
        var lower = first
        for upper in rows.dropFirst() {
            if b <= upper.0 || upper.0 == last.0 {
                let slope = (upper.1 - lower.1) / (upper.0 - lower.0)
                return max(lower.1 + slope * (b - lower.0), Double.leastNonzeroMagnitude)
            }
            lower = upper
        }
        return last.1
    }

    /// Requests per second one replica serves at `batchSize` and `memoryMB`: the measured
    /// `throughput_rps_by_batch` entry when the file gives one for exactly that setting, else one
    /// batch per batch latency, 1000 · b / latency_ms(b). Nil when neither is known.
    public func throughputRps(memoryMB: Int, batchSize: Int) -> Double? {
        if let row = batchThroughput.first(where: { $0.batchSize == batchSize }),
           let measured = row.latency.first(where: { $0.memoryMB == memoryMB })?.latencyMs {
            return measured
        }
        guard let s = latencyMs(memoryMB: memoryMB, batchSize: batchSize), s > 0 else { return nil }
        return 1000 * Double(batchSize) / s
    }
}

/// One row of a batch-latency table: the latency by memory size of invocations serving
/// `batchSize` requests together.
public struct BatchLatencyTable: Sendable, Equatable {
    public var batchSize: Int
    /// Sorted by memory size.
    public var latency: [LatencyPoint]
    public init(batchSize: Int, latency: [LatencyPoint]) {
        self.batchSize = batchSize
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
    /// Extension (`batch_timeouts_ms`): candidate batch timeouts (ms) when the stage is planned
    /// with batching; nil means the default grid (`BatchedStageOptions.defaultTimeoutsMs`).
    public var batchTimeoutsMs: [Double]? = nil
    /// Extension: time per invocation spent outside the function (orchestration), in the
    /// response time but not billed. 0 unless the file says `overhead_ms`.
    public var overheadMs: Double = 0

    public init(name: String, latency: [LatencyPoint], batchLatency: [BatchLatencyTable] = []) {
        self.name = name
        self.variants = [Variant(name: "", accuracy: 1, latency: latency, batchLatency: batchLatency)]
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
