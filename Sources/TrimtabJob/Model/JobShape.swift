/// A job shape: how many items, split into splits of which size, on how many workers.
public struct JobShape: Sendable, Equatable, Hashable {
    public var items: Int
    public var splitSize: Int
    public var workers: Int

    public init(items: Int, splitSize: Int, workers: Int) {
        self.items = items
        self.splitSize = splitSize
        self.workers = workers
    }

    /// Number of splits: ⌈N / s⌉.
    public var splits: Int { splitSize > 0 ? Self.ceilingDivision(items, splitSize) : 0 }
    /// Items in the last split (a full split when s divides N).
    public var lastSplitItems: Int { items - (splits - 1) * splitSize }
    /// Workers that get at least one split: min(w, splits).
    public var activeWorkers: Int { min(workers, splits) }
    /// Rounds of splits under dynamic allocation with equal split times: ⌈splits / w⌉.
    public var waves: Int { activeWorkers > 0 ? Self.ceilingDivision(splits, activeWorkers) : 0 }

    /// ⌈a / b⌉ for a ≥ 0, b > 0, without the overflow of (a + b − 1) / b near Int.max.
    public static func ceilingDivision(_ a: Int, _ b: Int) -> Int {
        a / b + (a % b == 0 ? 0 : 1)
    }
}
