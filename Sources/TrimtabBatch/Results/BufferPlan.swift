/// One buffer of a multi-buffer plan.
public struct BufferChoice: Sendable {
    public var classes: [(sizeClass: Int, share: Double)]
    /// Share of all requests this buffer takes.
    public var share: Double
    public var performance: BatchPerformance
}

/// The best plan for one number of buffers.
public struct BufferPlan: Sendable {
    public var buffers: Int
    /// Nil when some buffer cannot meet the bound.
    public var choices: [BufferChoice]?
    /// Σ share × cost of each buffer.
    public var costPerMillion: Double?
    /// The p95 (or other percentile) of all requests together (≤ the largest buffer's).
    public var overallLatencyPercentileMs: Double?
}
