/// How to reach Ray Serve's REST API and which deployment of which application runs each stage.
public struct RayServeSettings: Sendable, Equatable {
    /// The Ray dashboard's address, e.g. `http://127.0.0.1:8265` (where `/api/serve/applications/` is).
    public var address: String
    /// The Serve application (its `name` in the Serve config).
    public var application: String
    /// Stage name → deployment name within the application.
    public var deployments: [String: String]
    /// The `user_config` keys for the model variant and the batch size (`@serve.batch` max_batch_size).
    public var variantKey: String
    public var batchSizeKey: String
    /// How long an update may take to bring the application back to RUNNING (model loading
    /// included when replicas restart), and how often its status is read meanwhile.
    public var waitTimeout: Duration
    public var pollInterval: Duration

    public init(address: String, application: String, deployments: [String: String],
                variantKey: String = "variant", batchSizeKey: String = "max_batch_size",
                waitTimeout: Duration = .seconds(120), pollInterval: Duration = .milliseconds(500)) {
        self.address = address.hasSuffix("/") ? String(address.dropLast()) : address
        self.application = application
        self.deployments = deployments
        self.variantKey = variantKey
        self.batchSizeKey = batchSizeKey
        self.waitTimeout = waitTimeout
        self.pollInterval = pollInterval
    }
}
