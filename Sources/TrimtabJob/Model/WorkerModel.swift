import TrimtabModel

/// How long one split takes on a worker of a given memory size.
public enum SplitTime: Sendable, Equatable {
    /// `perSplitS + perItemS × items`: a fixed overhead per split (fetch, batch set-up) plus a per-item time.
    case linear(perSplitS: Double, perItemS: Double)
    /// Measured seconds per split size (a full split of that many items).
    case table([Int: Double])

    /// Seconds for a split of `items` items planned at split size `splitSize` (`items ≤ splitSize`;
    /// the last split of a job may be partial). A table entry is prorated for a partial split.
    public func seconds(items: Int, splitSize: Int) -> Double? {
        switch self {
        case .linear(let perSplit, let perItem):
            return perSplit + perItem * Double(items)
        case .table(let entries):
            guard let full = entries[splitSize] else { return nil }
            return splitSize > 0 ? full * Double(items) / Double(splitSize) : full
        }
    }

    /// The split sizes this model can price (nil: any size).
    public var sizes: [Int]? {
        if case .table(let entries) = self { return entries.keys.sorted() }
        return nil
    }
}

/// One worker setup: a memory size, its cold start and its split time.
public struct WorkerSetup: Sendable, Equatable {
    public var memoryMB: Int
    /// Cold start and model load, paid once per worker.
    public var initS: Double
    /// Billed time per worker besides init and splits (connecting to the queue, writing results).
    public var workerOverheadS: Double
    public var splitTime: SplitTime
    /// Contention between workers that share hardware (an actor pool on one machine's cores, its
    /// memory bandwidth, one driver feeding them): each active worker beyond the first makes every
    /// worker's split time longer by this fraction. 0 for workers that do not share (serverless).
    public var slowdownPerExtraWorker: Double

    public init(memoryMB: Int, initS: Double, workerOverheadS: Double = 0, splitTime: SplitTime, slowdownPerExtraWorker: Double = 0) {
        self.memoryMB = memoryMB
        self.initS = initS
        self.workerOverheadS = workerOverheadS
        self.splitTime = splitTime
        self.slowdownPerExtraWorker = slowdownPerExtraWorker
    }

    /// The factor on split times with `activeWorkers` running at once: 1 + slowdown × (w − 1).
    public func contention(activeWorkers: Int) -> Double {
        Self.contention(slowdownPerExtraWorker, activeWorkers: activeWorkers)
    }

    /// 1 + `slowdown` × (w − 1) for w = `activeWorkers` (1 with one worker or none).
    public static func contention(_ slowdown: Double, activeWorkers: Int) -> Double {
        1 + slowdown * Double(max(activeWorkers - 1, 0))
    }
}

/// A makespan law fitted from measured jobs (`trimtab job fit`), used instead of the
/// mechanical makespan when present:
/// `constantS + perWorkerS × w + perWaveS × waves + perCriticalItemS × min(N, waves × s) × contention(w)`
/// (the critical worker's items take longer when workers contend: `WorkerSetup.contention`).
public struct MakespanLaw: Sendable, Equatable {
    public var constantS: Double
    public var perWorkerS: Double
    public var perWaveS: Double
    public var perCriticalItemS: Double

    public init(constantS: Double, perWorkerS: Double, perWaveS: Double, perCriticalItemS: Double) {
        self.constantS = constantS
        self.perWorkerS = perWorkerS
        self.perWaveS = perWaveS
        self.perCriticalItemS = perCriticalItemS
    }
}

/// Everything the job planner needs: the platform's prices, the candidate worker setups,
/// split sizes and worker counts, and the job-level overheads.
public struct WorkerModel: Sendable, Equatable {
    public var name: String
    public var source: String?
    public var platform: Platform
    public var setups: [WorkerSetup]
    /// Candidate split sizes for the planner (a table's sizes when not given).
    public var splitSizes: [Int]
    /// Largest worker count the planner considers (the platform's concurrency limit).
    public var maxWorkers: Int
    /// Fixed makespan overhead of a job (scheduling, collecting results).
    public var startupS: Double
    /// Workers are launched one after another: worker i starts `i × launchSPerWorker` later.
    public var launchSPerWorker: Double
    /// Invocations billed per worker (1: one long-lived function per worker).
    public var requestsPerWorker: Double
    public var makespanLaw: MakespanLaw?

    public init(name: String, source: String? = nil, platform: Platform = Platform(), setups: [WorkerSetup],
                splitSizes: [Int], maxWorkers: Int = 1000, startupS: Double = 0, launchSPerWorker: Double = 0,
                requestsPerWorker: Double = 1, makespanLaw: MakespanLaw? = nil) {
        self.name = name
        self.source = source
        self.platform = platform
        self.setups = setups
        self.splitSizes = splitSizes
        self.maxWorkers = maxWorkers
        self.startupS = startupS
        self.launchSPerWorker = launchSPerWorker
        self.requestsPerWorker = requestsPerWorker
        self.makespanLaw = makespanLaw
    }

    /// The setup with `memoryMB`, if any.
    public func setup(memoryMB: Int) -> WorkerSetup? { setups.first { $0.memoryMB == memoryMB } }
}
