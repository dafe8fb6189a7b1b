/// How to reach the Kubernetes API and which Deployment runs each stage.
public struct KubernetesSettings: Sendable, Equatable {
    /// `https://host:6443` (bearer token, `caFile`) or `http://127.0.0.1:8001` for local testing.
    public var server: String
    public var namespace: String
    public var token: String?
    public var caFile: String?
    /// Stage name → Deployment name.
    public var deployments: [String: String]
    /// The container to patch (by name); the first container when `nil`.
    public var container: String?
    /// Environment variable names for the model variant and the batch size.
    public var variantEnv: String
    public var batchSizeEnv: String

    public init(server: String, namespace: String = "default", token: String? = nil, caFile: String? = nil,
                deployments: [String: String], container: String? = nil,
                variantEnv: String = "MODEL_VARIANT", batchSizeEnv: String = "MAX_BATCH_SIZE") {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.namespace = namespace
        self.token = token
        self.caFile = caFile
        self.deployments = deployments
        self.container = container
        self.variantEnv = variantEnv
        self.batchSizeEnv = batchSizeEnv
    }
}
