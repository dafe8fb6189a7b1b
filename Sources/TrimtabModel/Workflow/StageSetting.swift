/// What the controller wants one stage to run with. `nil` fields are left as they are.
///
/// Kubernetes sinks use `replicas`, `variant`, `batchSize` and `cpuCores`; Lambda sinks use
/// `memoryMB`, `concurrency` and `variant`; the file sink writes every field that is set.
public struct StageSetting: Sendable, Equatable, Codable {
    public var stage: String
    public var variant: String?
    public var memoryMB: Int?
    public var batchSize: Int?
    public var cpuCores: Double?
    /// Kubernetes replicas of the stage's Deployment.
    public var replicas: Int?
    /// Lambda reserved concurrency of the stage's function.
    public var concurrency: Int?

    public init(stage: String, variant: String? = nil, memoryMB: Int? = nil, batchSize: Int? = nil,
                cpuCores: Double? = nil, replicas: Int? = nil, concurrency: Int? = nil) {
        self.stage = stage
        self.variant = variant
        self.memoryMB = memoryMB
        self.batchSize = batchSize
        self.cpuCores = cpuCores
        self.replicas = replicas
        self.concurrency = concurrency
    }

    /// True when nothing but the stage name is set.
    public var isEmpty: Bool {
        variant == nil && memoryMB == nil && batchSize == nil && cpuCores == nil && replicas == nil && concurrency == nil
    }

    /// This setting with the fields `change` sets replaced: what runs after applying `change`.
    public func applying(_ change: StageSetting) -> StageSetting {
        var r = self
        if let v = change.variant { r.variant = v }
        if let v = change.memoryMB { r.memoryMB = v }
        if let v = change.batchSize { r.batchSize = v }
        if let v = change.cpuCores { r.cpuCores = v }
        if let v = change.replicas { r.replicas = v }
        if let v = change.concurrency { r.concurrency = v }
        return r
    }
}
