/// What a profile of one stage of a serving engine (a Ray Serve deployment) measures: every
/// model variant × batch size × CPUs per replica, each until the stopping rule accepts its series.
public struct ServingProfilePlan: Sendable, Equatable {
    public var variants: [String]
    public var batchSizes: [Int]
    public var cpus: [Double]
    public var minRepeats: Int
    public var maxRepeats: Int
    /// Seconds of the throughput run of each setting.
    public var throughputSeconds: Double
    /// Most requests in flight in a throughput run.
    public var maxConcurrency: Int = 64
    /// Bound on one request.
    public var timeout: Duration

    public init(variants: [String], batchSizes: [Int], cpus: [Double], minRepeats: Int = 3, maxRepeats: Int = 30,
                throughputSeconds: Double = 3, timeout: Duration = .seconds(30)) {
        self.variants = variants
        self.batchSizes = batchSizes
        self.cpus = cpus
        self.minRepeats = minRepeats
        self.maxRepeats = maxRepeats
        self.throughputSeconds = throughputSeconds
        self.timeout = timeout
    }

    /// Settings in the plan: variants × batch sizes × CPUs.
    public var settingCount: Int { variants.count * batchSizes.count * cpus.count }
}
