import ArgumentParser
import Foundation
import TrimtabJob
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
        _ = try JobFlags.positive(memoryMB, "--memory-mb")
        _ = try JobFlags.positive(maxWorkers, "--max-workers")
        let measured = try JobRun.load(path: runs)
        guard let ours = MechanisticJobModel.fit(measured),
              let oursLOO = ModelEvaluation.leaveOneOut(MechanisticJobModel.self, measured) else {
            throw TrimtabError(file: runs, "the jobs do not determine the model (need duration_billed and varied workers and items)")
        }
        let theirs = ObiFaaSRegression.fit(measured)
        let theirsLOO = ModelEvaluation.leaveOneOut(ObiFaaSRegression.self, measured)
        var published: FitAccuracy?
        if let baseline {
            let price = ours.pricePerBilledSecond
            published = ModelEvaluation.inSample(try ObiFaaSRegression.load(path: baseline, pricePerBilledSecond: price), measured)
        }
        let sizes = Array(Set(measured.map(\.splitSize))).sorted()
        let wm = ours.workerModel(name: "fitted from \((runs as NSString).lastPathComponent)",
                                  source: "trimtab job fit \(runs) (\(measured.count) jobs)", memoryMB: memoryMB,
                                  splitSizes: sizes, maxWorkers: maxWorkers)
        if let output {
            let report = ["loo_cost_mape_percent": oursLOO.cost.meanPercent, "loo_makespan_mape_percent": oursLOO.makespan.meanPercent,
                          "jobs": Double(measured.count)]
            try OutputFile.write(WorkerModelFile.yaml(wm, fitReport: report), produced: .yaml, to: output)
        }
        func acc(_ a: FitAccuracy?) -> JSONValue {
            guard let a else { return .null }
            return .object([("cost_mape_percent", .number(a.cost.meanPercent)), ("cost_max_percent", .number(a.cost.maxPercent)),
                            ("makespan_mape_percent", .number(a.makespan.meanPercent)), ("makespan_max_percent", .number(a.makespan.maxPercent))])
        }
        switch format {
        case .json:
            var fields: [(String, JSONValue)] = [
                ("jobs", .integer(measured.count)),
                ("model", .object([
                    ("init_s", .number(ours.initS)), ("worker_overhead_s", .number(ours.workerOverheadS)),
                    ("per_item_s", .number(ours.perItemS)), ("per_split_s", .number(ours.perSplitS)),
                    ("price_per_billed_second", .number(ours.pricePerBilledSecond)),
                    ("makespan", .object([("constant_s", .number(ours.makespan.constantS)), ("per_worker_s", .number(ours.makespan.perWorkerS)),
                                          ("per_wave_s", .number(ours.makespan.perWaveS)),
                                          ("per_critical_item_s", .number(ours.makespan.perCriticalItemS))])),
                ])),
                ("leave_one_out", .object([("mechanistic", acc(oursLOO)), ("obifaas_refit", acc(theirsLOO))])),
            ]
            fields.append(("obifaas_published_in_sample", acc(published)))
            fields.append(("obifaas_refit_coefficients", theirs.map { t in
                .object([("alpha0", .number(t.alpha0)), ("alpha1", .number(t.alpha1)), ("beta1", .number(t.beta1)),
                         ("beta2", .number(t.beta2)), ("beta3", .number(t.beta3))]) } ?? .null))
            if let output { fields.append(("saved", .string(output))) }
            return CommandResult(stdout: JSONValue.object(fields).render() + "\n")
        case .table:
            var out = "\(measured.count) measured jobs from \(runs)\n\n"
            out += "mechanistic model: billed = w × (init \(Render.fixed(ours.initS, 3)) s + overhead \(Render.fixed(ours.workerOverheadS, 3)) s)"
            out += " + N × \(Render.fixed(ours.perItemS, 4)) s + splits × \(Render.fixed(ours.perSplitS, 4)) s;"
            out += " \(ours.pricePerBilledSecond) USD per billed second\n"
            out += "  makespan = \(Render.fixed(ours.makespan.constantS, 3)) + \(Render.fixed(ours.makespan.perWorkerS, 4)) × w"
            out += " + \(Render.fixed(ours.makespan.perWaveS, 4)) × waves + \(Render.fixed(ours.makespan.perCriticalItemS, 4)) × min(N, waves × s)\n\n"
            func row(_ name: String, _ a: FitAccuracy?) -> [String] {
                guard let a else { return [name, "-", "-", "-", "-"] }
                return [name, Render.fixed(a.cost.meanPercent, 2), Render.fixed(a.cost.maxPercent, 2),
                        Render.fixed(a.makespan.meanPercent, 2), Render.fixed(a.makespan.maxPercent, 2)]
            }
            var rows = [row("mechanistic (leave-one-out)", oursLOO), row("Obi-FaaS form, refitted (leave-one-out)", theirsLOO)]
            if published != nil { rows.append(row("Obi-FaaS published coefficients (in sample)", published)) }
            out += Render.table(["model", "cost_mape_%", "cost_max_%", "makespan_mape_%", "makespan_max_%"], rows) + "\n"
            out += "Obi-FaaS predicts no makespan; its row uses (T_init + T_acc) / w.\n"
            if let output { out += "saved the fitted worker model to \(output)\n" }
            return CommandResult(stdout: out)
        }
    }
}
