import TrimtabJob
import TrimtabModel

/// `job manifest`: a Kubernetes Indexed Job (batch/v1) for a plan — completions = splits,
/// parallelism = the plan's workers (at most the completions).
public enum JobManifestOperation {
    public struct Request: Codable, Sendable, Equatable {
        /// Path of the plan file (`job plan -o`).
        public var plan: String
        /// Container image holding the worker.
        public var image: String
        /// Worker command inside the image (run with `sh -c`).
        public var command: String
        /// Number of items (default: the plan's).
        public var items: Int?
        /// Job name, a DNS-1123 label (default `trimtab-job`).
        public var name: String?
        /// Items file inside the pod (default `/data/items.txt`).
        public var itemsPath: String?
        /// Results directory inside the pod (default `/data/results`).
        public var resultsDir: String?
        /// PersistentVolumeClaim mounted at /data.
        public var volumeClaim: String?
        /// `backoffLimit`: pod retries before the Job fails (default 6).
        public var maxRetries: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case plan, image, command, items, name, itemsPath = "items_path", resultsDir = "results_dir"
            case volumeClaim = "volume_claim", maxRetries = "max_retries"
        }
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

        public init(plan: String, image: String, command: String, items: Int? = nil, name: String? = nil, itemsPath: String? = nil,
                    resultsDir: String? = nil, volumeClaim: String? = nil, maxRetries: Int? = nil) {
            self.plan = plan
            self.image = image
            self.command = command
            self.items = items
            self.name = name
            self.itemsPath = itemsPath
            self.resultsDir = resultsDir
            self.volumeClaim = volumeClaim
            self.maxRetries = maxRetries
        }
    }

    /// The Job's name, completions and parallelism, and the manifest (YAML text).
    public struct Result: OperationResult {
        public var name: String
        public var completions: Int
        public var parallelism: Int
        public var manifest: String
    }

    /// - Complexity: O(1) besides reading the plan file.
    public static func run(_ request: Request) throws(TrimtabError) -> Result {
        let plan = try JobRequestChecks.plan(request.plan)
        guard let n = request.items ?? plan.items else { throw TrimtabError(field: "--items", "the plan names no item count; give --items") }
        let name = request.name ?? "trimtab-job"
        let manifest = KubernetesManifest(
            name: name, image: request.image, command: request.command, items: try JobRequestChecks.items(n),
            splitSize: plan.splitSize, workers: plan.workers, memoryMB: plan.memoryMB, backoffLimit: request.maxRetries ?? 6,
            itemsPath: request.itemsPath ?? "/data/items.txt", resultsDirectory: request.resultsDir ?? "/data/results",
            volumeClaim: request.volumeClaim)
        let yaml = try manifest.yaml()
        return Result(name: name, completions: manifest.completions, parallelism: min(plan.workers, manifest.completions), manifest: yaml)
    }
}
