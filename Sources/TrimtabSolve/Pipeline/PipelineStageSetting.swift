/// One stage's setting on Kubernetes: model variant, batch size, millicores per replica, replicas.
public struct PipelineStageSetting: Sendable, Equatable, Hashable {
    public var variant: Int
    public var batchSize: Int
    public var millicores: Int
    public var replicas: Int

    public init(variant: Int, batchSize: Int, millicores: Int, replicas: Int) {
        self.variant = variant
        self.batchSize = batchSize
        self.millicores = millicores
        self.replicas = replicas
    }
}
