import TrimtabJob

/// A job's predicted makespan and cost, as job results print them.
public struct JobPredicted: Codable, Sendable, Equatable {
    public var makespanS: Double
    public var costUSD: Double
    public var costPerMillionItems: Double

    enum CodingKeys: String, CodingKey { case makespanS = "makespan_s", costUSD = "cost_usd", costPerMillionItems = "cost_per_million_items" }

    public init(_ p: JobPrediction) {
        makespanS = p.makespanS
        costUSD = p.costUSD
        costPerMillionItems = p.costPerMillionItems
    }
}
