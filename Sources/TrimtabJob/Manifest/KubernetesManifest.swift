import Foundation
import TrimtabModel
import Yams

/// A Kubernetes Indexed Job (batch/v1) for a planned job: one pod per split
/// (completions = splits), `parallelism` = the plan's workers; each pod reads its split index from
/// `JOB_COMPLETION_INDEX`, feeds its items to the worker command with the same protocol as
/// `trimtab job run` (items one per line, then an empty line) and writes the answers to
/// `RESULTS_DIR/split-INDEX.out`.
public struct KubernetesManifest: Sendable {
    public var name: String
    public var image: String
    public var command: String
    public var items: Int
    public var splitSize: Int
    public var workers: Int
    public var memoryMB: Int
    /// Pod retries before the Job fails.
    public var backoffLimit: Int
    /// Where the items file and results directory live in the pod.
    public var itemsPath: String
    public var resultsDirectory: String
    /// A PersistentVolumeClaim mounted at /data (nil: none; the image must hold the items).
    public var volumeClaim: String?

    public init(name: String, image: String, command: String, items: Int, splitSize: Int, workers: Int, memoryMB: Int,
                backoffLimit: Int = 6, itemsPath: String = "/data/items.txt", resultsDirectory: String = "/data/results",
                volumeClaim: String? = nil) {
        self.name = name
        self.image = image
        self.command = command
        self.items = items
        self.splitSize = splitSize
        self.workers = workers
        self.memoryMB = memoryMB
        self.backoffLimit = backoffLimit
        self.itemsPath = itemsPath
        self.resultsDirectory = resultsDirectory
        self.volumeClaim = volumeClaim
    }

    public var completions: Int { JobShape.ceilingDivision(items, splitSize) }

    /// The pod's shell script: cut this index's lines, run the worker on them, publish atomically.
    static let podScript = """
        set -eu
        first=$(( JOB_COMPLETION_INDEX * TRIMTAB_SPLIT_SIZE + 1 ))
        last=$(( first + TRIMTAB_SPLIT_SIZE - 1 ))
        mkdir -p "$TRIMTAB_RESULTS_DIR"
        out="$TRIMTAB_RESULTS_DIR/split-$JOB_COMPLETION_INDEX"
        { sed -n "${first},${last}p" "$TRIMTAB_ITEMS_FILE"; echo; } | sh -c "$TRIMTAB_WORKER_COMMAND" > "$out.tmp"
        mv "$out.tmp" "$out.out"
        """

    /// Checks the fields Kubernetes would reject.
    public func validate() throws(TrimtabError) {
        let dns = name.range(of: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", options: .regularExpression) != nil
        guard dns, name.count <= 63 else {
            throw TrimtabError(field: "--name", "'\(name)' is not a DNS-1123 label (lower-case letters, digits, '-', at most 63)")
        }
        guard !image.isEmpty else { throw TrimtabError(field: "--image", "must not be empty") }
        guard !command.isEmpty else { throw TrimtabError(field: "--command", "must not be empty") }
        guard items > 0 else { throw TrimtabError(field: "items", "\(items) must be positive") }
        guard backoffLimit >= 0 else { throw TrimtabError(field: "--max-retries", "\(backoffLimit) must not be negative") }
    }

    /// The manifest as a YAML document.
    public func yaml() throws(TrimtabError) -> String {
        try validate()
        func s(_ text: String) -> Node { Node(text, Tag(.str), text.contains("\n") ? .literal : .plain) }
        func i(_ n: Int) -> Node { Node(String(n), Tag(.int)) }
        func map(_ pairs: [(String, Node)]) -> Node { Node.mapping(Node.Mapping(pairs.map { (Node($0.0), $0.1) })) }
        func env(_ name: String, _ value: String) -> Node { map([("name", s(name)), ("value", Node(value, Tag(.str), .doubleQuoted))]) }
        let labels = map([("app.kubernetes.io/name", s(name)), ("app.kubernetes.io/managed-by", s("trimtab"))])
        var container: [(String, Node)] = [
            ("name", s("worker")), ("image", s(image)),
            ("command", Node.sequence(Node.Sequence([s("/bin/sh"), s("-c"), s(Self.podScript)]))),
            ("env", Node.sequence(Node.Sequence([
                env("TRIMTAB_SPLIT_SIZE", String(splitSize)), env("TRIMTAB_ITEMS", String(items)),
                env("TRIMTAB_ITEMS_FILE", itemsPath), env("TRIMTAB_RESULTS_DIR", resultsDirectory),
                env("TRIMTAB_WORKER_COMMAND", command),
            ]))),
            ("resources", map([("requests", map([("memory", s("\(memoryMB)Mi"))])), ("limits", map([("memory", s("\(memoryMB)Mi"))]))])),
        ]
        var podSpec: [(String, Node)] = [("restartPolicy", s("Never"))]
        if let claim = volumeClaim {
            container.append(("volumeMounts", Node.sequence(Node.Sequence([map([("name", s("data")), ("mountPath", s("/data"))])]))))
            podSpec.append(("volumes", Node.sequence(Node.Sequence([
                map([("name", s("data")), ("persistentVolumeClaim", map([("claimName", s(claim))]))]),
            ]))))
        }
        podSpec.append(("containers", Node.sequence(Node.Sequence([map(container)]))))
        let job = map([
            ("apiVersion", s("batch/v1")), ("kind", s("Job")),
            ("metadata", map([("name", s(name)), ("labels", labels)])),
            ("spec", map([
                ("completionMode", s("Indexed")), ("completions", i(completions)), ("parallelism", i(min(workers, completions))),
                ("backoffLimit", i(backoffLimit)),
                ("template", map([("metadata", map([("labels", labels)])), ("spec", map(podSpec))])),
            ])),
        ])
        do {
            return try Yams.serialize(node: job)
        } catch {
            throw TrimtabError("cannot write the manifest: \(error)")
        }
    }
}
