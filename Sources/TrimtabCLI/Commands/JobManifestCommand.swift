import ArgumentParser
import Foundation
import TrimtabKit
import TrimtabModel

/// `trimtab job manifest`: a Kubernetes Indexed Job for a plan.
struct JobManifestCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifest",
        abstract: "Write a Kubernetes Indexed Job (batch/v1) for a plan: completions = splits, parallelism = workers.",
        discussion: """
        Each pod takes split JOB_COMPLETION_INDEX of the items file (lines index×s+1
        … (index+1)×s), feeds it to the worker command with the `job run` protocol
        and writes RESULTS_DIR/split-INDEX.out.

        Example:
          trimtab job manifest --plan plan.json --image registry.example/worker:1 \\
            --command 'python3 /app/worker.py' -o job.yaml
        """)

    @Option(help: "Plan file from `trimtab job plan -o`.") var plan: String
    @Option(help: "Container image holding the worker.") var image: String
    @Option(help: "Worker command inside the image (run with sh -c).") var command: String
    @Option(help: "Number of items (default: the plan's).") var items: Int?
    @Option(help: "Job name (DNS-1123 label).") var name: String = "trimtab-job"
    @Option(name: .customLong("items-path"), help: "Items file inside the pod.") var itemsPath: String = "/data/items.txt"
    @Option(name: .customLong("results-dir"), help: "Results directory inside the pod.") var resultsDir: String = "/data/results"
    @Option(name: .customLong("volume-claim"), help: "PersistentVolumeClaim mounted at /data.") var volumeClaim: String?
    @Option(name: .customLong("max-retries"), help: "backoffLimit: pod retries before the Job fails.") var maxRetries: Int = 6
    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the manifest here instead of stdout (YAML; JSON for a .json name).") var output: String?

    func execute() throws -> CommandResult {
        let result = try JobManifestOperation.run(.init(plan: plan, image: image, command: command, items: items, name: name,
                                                        itemsPath: itemsPath, resultsDir: resultsDir, volumeClaim: volumeClaim,
                                                        maxRetries: maxRetries))
        guard let output else { return CommandResult(stdout: result.manifest) }
        try OutputFile.write(result.manifest, produced: .yaml, to: output)
        return CommandResult(stdout: "wrote \(output): Indexed Job \(result.name), \(result.completions) completions, parallelism \(result.parallelism)\n")
    }
}
