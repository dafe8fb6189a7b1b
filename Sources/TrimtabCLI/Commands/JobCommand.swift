import ArgumentParser
import TrimtabJob
import TrimtabKit
import TrimtabModel

/// `trimtab job`: offline batch inference jobs on short-lived workers (plan, fit, predict,
/// simulate, run locally, write a Kubernetes Indexed Job).
struct JobCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "job",
        abstract: "Plan, fit, simulate and run offline batch inference jobs.",
        discussion: """
        A job is N items split into splits of size s, processed by w workers that
        each pay an init (cold start, model load) once. The worker model file
        (docs/job.md) gives prices, init time and split time per memory size; `job
        fit` learns one from measured jobs.

        Example:
          trimtab job plan --model examples/image-job.yaml --items 20000 \\
            --deadline-s 30
        """,
        subcommands: [JobPlanCommand.self, JobFitCommand.self, JobPredictCommand.self, JobSimulateCommand.self,
                      JobRunCommand.self, JobManifestCommand.self])

    func execute() throws -> CommandResult {
        CommandResult(stdout: JobCommand.helpMessage() + "\n")
    }
}

/// Options of the job commands that read a worker model.
struct JobModelOptions: ParsableArguments {
    @Option(name: .customLong("model"), help: "Worker model file (YAML or JSON; the output of `job fit -o` works too).")
    var model: String

    /// The worker model as the operations read it.
    var source: WorkerModelSource { .file(model) }
}

enum JobFlags {
    /// A plan file (`job plan -o`); another trimtab file is named for what it is.
    static func loadPlan(_ path: String) throws(TrimtabError) -> JobPlanFile {
        try JobRequestChecks.plan(path)
    }

    static func positive(_ value: Int, _ flag: String) throws(TrimtabError) -> Int {
        try JobRequestChecks.positive(value, flag)
    }

    static func positive(_ value: Double?, _ flag: String) throws(TrimtabError) -> Double? {
        try JobRequestChecks.positive(value, flag)
    }
}
