import Foundation
import TrimtabJob
import TrimtabModel

/// `job fit`: a job-level cost and makespan model learnt from measured jobs, with its
/// leave-one-out error beside Obi-FaaS's regression (refitted, and optionally its published
/// coefficients in sample), and the worker model it makes.
public enum JobFitOperation {
    public struct Request: Codable, Sendable, Equatable {
        /// Path of the measured jobs (a JSON/YAML list as Obi-FaaS's summary.json).
        public var runs: String
        /// Memory of the measured workers (default 3008).
        public var memoryMB: Int?
        /// Path of Obi-FaaS's cpr_model.json: also its published coefficients' in-sample error.
        public var baseline: String?
        /// `max_workers` of the worker model (default 1000).
        public var maxWorkers: Int?

        enum CodingKeys: String, CodingKey, CaseIterable { case runs, memoryMB = "memory_mb", baseline, maxWorkers = "max_workers" }
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

        public init(runs: String, memoryMB: Int? = nil, baseline: String? = nil, maxWorkers: Int? = nil) {
            self.runs = runs
            self.memoryMB = memoryMB
            self.baseline = baseline
            self.maxWorkers = maxWorkers
        }
    }

    /// `jobs`, the fitted `model`, `leave_one_out` errors of both models, the published
    /// coefficients' in-sample error and the refitted coefficients (`null` when not available),
    /// then `saved` when a caller wrote the worker model to a file.
    public struct Result: OperationResult {
        public var jobs: Int
        public var model: FittedModel
        public var leaveOneOut: LeaveOneOut
        @ExplicitNull public var obifaasPublishedInSample: Accuracy?
        @ExplicitNull public var obifaasRefitCoefficients: Coefficients?
        /// Where the worker model was written (set by the caller that wrote it).
        public var saved: String?
        /// The worker model as YAML (the `-o` file); not encoded.
        public var workerModelYAML: String = ""

        enum CodingKeys: String, CodingKey {
            case jobs, model, leaveOneOut = "leave_one_out", obifaasPublishedInSample = "obifaas_published_in_sample"
            case obifaasRefitCoefficients = "obifaas_refit_coefficients", saved
        }
    }

    public struct FittedModel: Codable, Sendable, Equatable {
        public var initS: Double
        public var workerOverheadS: Double
        public var perItemS: Double
        public var perSplitS: Double
        /// σ: each active worker beyond the first stretches split times by this fraction (0: no contention).
        public var slowdownPerExtraWorker: Double
        public var pricePerBilledSecond: Double
        public var makespan: Makespan

        enum CodingKeys: String, CodingKey {
            case initS = "init_s", workerOverheadS = "worker_overhead_s", perItemS = "per_item_s", perSplitS = "per_split_s"
            case slowdownPerExtraWorker = "slowdown_per_extra_worker"
            case pricePerBilledSecond = "price_per_billed_second", makespan
        }
    }

    /// makespan = constant + per_worker × w + per_wave × waves + per_critical_item × min(N, waves × s) × (1 + σ(w − 1)).
    public struct Makespan: Codable, Sendable, Equatable {
        public var constantS: Double
        public var perWorkerS: Double
        public var perWaveS: Double
        public var perCriticalItemS: Double

        enum CodingKeys: String, CodingKey {
            case constantS = "constant_s", perWorkerS = "per_worker_s", perWaveS = "per_wave_s", perCriticalItemS = "per_critical_item_s"
        }
    }

    public struct LeaveOneOut: Codable, Sendable, Equatable {
        public var mechanistic: Accuracy
        @ExplicitNull public var obifaasRefit: Accuracy?

        enum CodingKeys: String, CodingKey { case mechanistic, obifaasRefit = "obifaas_refit" }
    }

    /// Mean and largest absolute percentage errors of cost and makespan.
    public struct Accuracy: Codable, Sendable, Equatable {
        public var costMAPEPercent: Double
        public var costMaxPercent: Double
        public var makespanMAPEPercent: Double
        public var makespanMaxPercent: Double

        enum CodingKeys: String, CodingKey {
            case costMAPEPercent = "cost_mape_percent", costMaxPercent = "cost_max_percent"
            case makespanMAPEPercent = "makespan_mape_percent", makespanMaxPercent = "makespan_max_percent"
        }

        init(_ a: FitAccuracy) {
            costMAPEPercent = a.cost.meanPercent
            costMaxPercent = a.cost.maxPercent
            makespanMAPEPercent = a.makespan.meanPercent
            makespanMaxPercent = a.makespan.maxPercent
        }
    }

    /// Obi-FaaS's regression refitted: cost = α0 + α1·…, with its β terms.
    public struct Coefficients: Codable, Sendable, Equatable {
        public var alpha0: Double
        public var alpha1: Double
        public var beta1: Double
        public var beta2: Double
        public var beta3: Double
    }

    /// - Complexity: O(J²) least-squares fits for J jobs (leave-one-out refits both models J times).
    public static func run(_ request: Request) throws(TrimtabError) -> Result {
        let memoryMB = try JobRequestChecks.positive(request.memoryMB ?? 3008, "--memory-mb")
        let maxWorkers = try JobRequestChecks.positive(request.maxWorkers ?? 1000, "--max-workers")
        let runs = request.runs
        let measured = try JobRun.load(path: runs)
        guard let ours = MechanisticJobModel.fit(measured),
              let oursLOO = ModelEvaluation.leaveOneOut(MechanisticJobModel.self, measured) else {
            throw TrimtabError(file: runs, "the jobs do not determine the model (need duration_billed and varied workers and items)")
        }
        let theirs = ObiFaaSRegression.fit(measured)
        let theirsLOO = ModelEvaluation.leaveOneOut(ObiFaaSRegression.self, measured)
        var published: FitAccuracy?
        if let baseline = request.baseline {
            published = ModelEvaluation.inSample(try ObiFaaSRegression.load(path: baseline, pricePerBilledSecond: ours.pricePerBilledSecond), measured)
        }
        let sizes = Array(Set(measured.map(\.splitSize))).sorted()
        let wm = ours.workerModel(name: "fitted from \((runs as NSString).lastPathComponent)",
                                  source: "trimtab job fit \(runs) (\(measured.count) jobs)", memoryMB: memoryMB,
                                  splitSizes: sizes, maxWorkers: maxWorkers)
        let report = ["loo_cost_mape_percent": oursLOO.cost.meanPercent, "loo_makespan_mape_percent": oursLOO.makespan.meanPercent,
                      "jobs": Double(measured.count)]
        let law = ours.makespan
        return Result(
            jobs: measured.count,
            model: FittedModel(initS: ours.initS, workerOverheadS: ours.workerOverheadS, perItemS: ours.perItemS, perSplitS: ours.perSplitS,
                               slowdownPerExtraWorker: ours.slowdownPerExtraWorker,
                               pricePerBilledSecond: ours.pricePerBilledSecond,
                               makespan: Makespan(constantS: law.constantS, perWorkerS: law.perWorkerS, perWaveS: law.perWaveS,
                                                  perCriticalItemS: law.perCriticalItemS)),
            leaveOneOut: LeaveOneOut(mechanistic: Accuracy(oursLOO), obifaasRefit: theirsLOO.map(Accuracy.init)),
            obifaasPublishedInSample: published.map(Accuracy.init),
            obifaasRefitCoefficients: theirs.map { Coefficients(alpha0: $0.alpha0, alpha1: $0.alpha1, beta1: $0.beta1, beta2: $0.beta2, beta3: $0.beta3) },
            workerModelYAML: WorkerModelFile.yaml(wm, fitReport: report))
    }
}
