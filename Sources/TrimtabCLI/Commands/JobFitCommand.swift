import ArgumentParser
import Foundation
import TrimtabKit
import TrimtabModel

/// `trimtab job fit RUNS.json`: learn a job-level cost and makespan model from measured jobs.
struct JobFitCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit the job model to measured jobs; compare with Obi-FaaS's regression (leave-one-out).",
        discussion: """
        RUNS is a JSON/YAML list of jobs with num_images, num_task_managers,
        split_size, cost, latency and duration_billed (duration_init and
        duration_function when known), as in Obi-FaaS's summary.json.

        Example:
          trimtab job fit ../shared/reference/obifaas/summary.json -o model.json
        """)

    @Argument(help: "Measured jobs (JSON or YAML list).") var runs: String
    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the fitted worker model here: YAML, or JSON for a .json name.") var output: String?
    @Option(name: .customLong("memory-mb"), help: "Memory of the measured workers.") var memoryMB: Int = 3008
    @Option(name: .customLong("baseline"), help: "Obi-FaaS cpr_model.json: also report its published coefficients' in-sample error.")
    var baseline: String?
    @Option(name: .customLong("max-workers"), help: "max_workers of the saved model.") var maxWorkers: Int = 1000
    @Option(help: "Output: table or json.") var format: OutputFormat = .table

    func execute() throws -> CommandResult {
        var r = try JobFitOperation.run(.init(runs: runs, memoryMB: memoryMB, baseline: baseline, maxWorkers: maxWorkers))
        if let output {
            try OutputFile.write(r.workerModelYAML, produced: .yaml, to: output)
            r.saved = output
        }
        return try CommandResult(r, format: format) {
            let m = r.model
            var out = "\(r.jobs) measured jobs from \(runs)\n\n"
            out += "mechanistic model: billed = w × (init \(Render.fixed(m.initS, 3)) s + overhead \(Render.fixed(m.workerOverheadS, 3)) s)"
            let work = "N × \(Render.fixed(m.perItemS, 4)) s + splits × \(Render.fixed(m.perSplitS, 4)) s"
            out += m.slowdownPerExtraWorker > 0
                ? " + (\(work)) × (1 + \(Render.fixed(m.slowdownPerExtraWorker, 5)) × (w − 1));" : " + \(work);"
            out += " \(m.pricePerBilledSecond) USD per billed second\n"
            out += "  makespan = \(Render.fixed(m.makespan.constantS, 3)) + \(Render.fixed(m.makespan.perWorkerS, 4)) × w"
            out += " + \(Render.fixed(m.makespan.perWaveS, 4)) × waves + \(Render.fixed(m.makespan.perCriticalItemS, 4)) × min(N, waves × s)\(m.slowdownPerExtraWorker > 0 ? " × (1 + σ(w − 1))" : "")\n\n"
            func row(_ name: String, _ a: JobFitOperation.Accuracy?) -> [String] {
                guard let a else { return [name, "-", "-", "-", "-"] }
                return [name, Render.fixed(a.costMAPEPercent, 2), Render.fixed(a.costMaxPercent, 2),
                        Render.fixed(a.makespanMAPEPercent, 2), Render.fixed(a.makespanMaxPercent, 2)]
            }
            var rows = [row("mechanistic (leave-one-out)", r.leaveOneOut.mechanistic), row("Obi-FaaS form, refitted (leave-one-out)", r.leaveOneOut.obifaasRefit)]
            if let published = r.obifaasPublishedInSample { rows.append(row("Obi-FaaS published coefficients (in sample)", published)) }
            out += Render.table(["model", "cost_mape_%", "cost_max_%", "makespan_mape_%", "makespan_max_%"], rows) + "\n"
            out += "Obi-FaaS predicts no makespan; its row uses (T_init + T_acc) / w.\n"
            if let output { out += "saved the fitted worker model to \(output)\n" }
            return out
        }
    }
}
