/// Predicted outcome of a job.
public struct JobPrediction: Sendable, Equatable {
    public var makespanS: Double
    public var costUSD: Double
    /// Billed worker seconds (init, overhead and splits, after rounding to the billing granularity).
    public var billedSeconds: Double
    public var items: Int

    /// Cost per million items (USD).
    public var costPerMillionItems: Double { items > 0 ? costUSD / Double(items) * 1_000_000 : 0 }
}
