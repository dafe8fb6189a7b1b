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

    func load() throws(TrimtabError) -> WorkerModel {
        do {
            return try WorkerModelFile.load(path: model)
        } catch {
            throw DocumentKind.misplaced(model, expected: .workerModel) ?? error
        }
    }
}

enum JobFlags {
    /// A plan file (`job plan -o`); another trimtab file is named for what it is.
    static func loadPlan(_ path: String) throws(TrimtabError) -> JobPlanFile {
        do {
            return try JobPlanFile.load(path: path)
        } catch {
            throw DocumentKind.misplaced(path, expected: .jobPlan) ?? error
        }
    }

    static func positive(_ value: Int, _ flag: String) throws(TrimtabError) -> Int {
        guard value > 0 else { throw TrimtabError(field: flag, "\(value) must be positive") }
        return value
    }

    static func positive(_ value: Double?, _ flag: String) throws(TrimtabError) -> Double? {
        guard let value else { return nil }
        guard value.isFinite, value > 0 else { throw TrimtabError(field: flag, "\(value) must be a positive number") }
        return value
    }

    /// The setup at `memoryMB`, or the model's only setup when not given.
    static func setup(_ model: WorkerModel, memoryMB: Int?, file: String) throws(TrimtabError) -> WorkerSetup {
        if let m = memoryMB {
            guard let s = model.setup(memoryMB: m) else {
                throw TrimtabError(field: "--memory-mb", "\(m) is not in \(file) (has \(model.setups.map { String($0.memoryMB) }.joined(separator: ", ")))")
            }
            return s
        }
        guard model.setups.count == 1, let only = model.setups.first else {
            throw TrimtabError(field: "--memory-mb", "\(file) has several worker setups; choose one")
        }
        return only
    }

    /// The given split size, or the model's only candidate.
    static func splitSize(_ model: WorkerModel, _ size: Int?, file: String) throws(TrimtabError) -> Int {
        if let size { return try positive(size, "--split-size") }
        guard model.splitSizes.count == 1, let only = model.splitSizes.first else {
            throw TrimtabError(field: "--split-size", "\(file) lists several split sizes; choose one")
        }
        return only
    }

    static func predicted(_ p: JobPrediction) -> JSONValue {
        .object([("makespan_s", .number(p.makespanS)), ("cost_usd", .number(p.costUSD)),
                 ("cost_per_million_items", .number(p.costPerMillionItems))])
    }
}
