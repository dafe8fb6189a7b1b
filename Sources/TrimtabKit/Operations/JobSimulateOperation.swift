import TrimtabJob
import TrimtabModel

/// `job simulate`: a job under static, dynamic and speculative allocation with random split
/// times (log-normal noise and heavy-tailed stragglers): makespan p50/p99 over seeds and cost.
public enum JobSimulateOperation {
    /// Most seeds per configuration: 10,000 already pins p99 down to a few parts in a thousand.
    public static let maxSeeds = 10_000
    /// Most steps simulated per worker count and policy, seeds × (splits + workers): 10⁸ take minutes.
    public static let maxSimulatedSteps = 100_000_000
    /// The largest σ of the log-normal split-time factor: σ = 10 already spreads split times over
    /// e^±20; far beyond it the factors overflow to infinity.
    public static let maxSigma = 10.0

    public struct Request: Codable, Sendable, Equatable {
        public var model: WorkerModelSource
        /// Items (default 20000).
        public var items: Int?
        /// Worker counts, comma-separated (default `50,100,300`).
        public var workers: String?
        public var splitSize: Int?
        public var memoryMB: Int?
        /// Seeds per configuration (default 100).
        public var seeds: Int?
        /// σ of the log-normal split-time factor (default 0.2).
        public var sigma: Double?
        /// Probability that a split is a straggler (default 0.01).
        public var stragglerProbability: Double?
        /// Minimum slowdown of a straggler, the Pareto minimum (default 3).
        public var stragglerFactor: Double?
        /// Pareto tail index of the slowdown (default 1.5).
        public var tailAlpha: Double?
        /// Share of splits done before speculation starts (default 0.9).
        public var speculateAfter: Double?
        /// Re-issue splits running longer than this × the median (default 2).
        public var speculateSlowdown: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case model, items, workers, splitSize = "split_size", memoryMB = "memory_mb", seeds, sigma
            case stragglerProbability = "straggler_probability", stragglerFactor = "straggler_factor", tailAlpha = "tail_alpha"
            case speculateAfter = "speculate_after", speculateSlowdown = "speculate_slowdown"
        }
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

        public init(model: WorkerModelSource, items: Int? = nil, workers: String? = nil, splitSize: Int? = nil, memoryMB: Int? = nil,
                    seeds: Int? = nil, sigma: Double? = nil, stragglerProbability: Double? = nil, stragglerFactor: Double? = nil,
                    tailAlpha: Double? = nil, speculateAfter: Double? = nil, speculateSlowdown: Double? = nil) {
            self.model = model
            self.items = items
            self.workers = workers
            self.splitSize = splitSize
            self.memoryMB = memoryMB
            self.seeds = seeds
            self.sigma = sigma
            self.stragglerProbability = stragglerProbability
            self.stragglerFactor = stragglerFactor
            self.tailAlpha = tailAlpha
            self.speculateAfter = speculateAfter
            self.speculateSlowdown = speculateSlowdown
        }
    }

    /// `items`, `split_size`, `memory_mb`, `seeds` and one row per worker count and policy; then
    /// the noise and speculation settings simulated.
    public struct Result: OperationResult {
        public var items: Int
        public var splitSize: Int
        public var memoryMB: Int
        public var seeds: Int
        public var results: [Row]
        public var sigma: Double
        public var stragglerProbability: Double
        public var stragglerFactor: Double
        public var tailAlpha: Double
        public var speculateAfter: Double
        public var speculateSlowdown: Double

        enum CodingKeys: String, CodingKey {
            case items, splitSize = "split_size", memoryMB = "memory_mb", seeds, results, sigma
            case stragglerProbability = "straggler_probability", stragglerFactor = "straggler_factor", tailAlpha = "tail_alpha"
            case speculateAfter = "speculate_after", speculateSlowdown = "speculate_slowdown"
        }
    }

    public struct Row: Codable, Sendable, Equatable {
        public var workers: Int
        /// `static`, `dynamic` or `speculative`.
        public var policy: String
        public var makespanP50S: Double
        public var makespanP99S: Double
        public var meanCostUSD: Double
        /// Mean copies of a split run (above 1 with speculation).
        public var meanCopies: Double

        enum CodingKeys: String, CodingKey {
            case workers, policy, makespanP50S = "makespan_p50_s", makespanP99S = "makespan_p99_s", meanCostUSD = "mean_cost_usd"
            case meanCopies = "mean_copies"
        }
    }

    /// - Complexity: O(worker counts × 3 policies × seeds × splits · log workers).
    public static func run(_ request: Request) throws(TrimtabError) -> Result {
        let m = try request.model.load()
        let file = request.model.label
        let setup = try JobRequestChecks.setup(m, memoryMB: request.memoryMB, file: file)
        let s = try JobRequestChecks.splitSize(m, request.splitSize, file: file)
        let items = try JobRequestChecks.items(request.items ?? 20_000)
        let seeds = try JobRequestChecks.positive(request.seeds ?? 100, "--seeds")
        guard seeds <= maxSeeds else { throw TrimtabError(field: "--seeds", "\(seeds) is more than \(maxSeeds), the most seeds accepted") }
        var counts: [Int] = []
        for part in (request.workers ?? "50,100,300").split(separator: ",", omittingEmptySubsequences: false) {
            guard let w = Int(part.trimmingCharacters(in: .whitespaces)), w > 0 else {
                throw TrimtabError(field: "--workers", "'\(part)' is not a positive worker count")
            }
            counts.append(w)
        }
        guard !counts.isEmpty else { throw TrimtabError(field: "--workers", "needs at least one worker count") }
        // One run walks every split and every worker given items: bound seeds × that.
        let splits = JobShape(items: items, splitSize: s, workers: 1).splits
        for w in counts {
            let steps = splits + min(w, items)
            guard seeds <= maxSimulatedSteps / steps else {
                throw TrimtabError(field: "--seeds", "\(seeds) seeds × (\(splits) splits + \(min(w, items)) workers) is more than \(maxSimulatedSteps) simulated steps; give fewer seeds, items or workers, or larger splits")
            }
        }
        let sigma = request.sigma ?? 0.2, stragglerProbability = request.stragglerProbability ?? 0.01
        let stragglerFactor = request.stragglerFactor ?? 3, tailAlpha = request.tailAlpha ?? 1.5
        let speculateAfter = request.speculateAfter ?? 0.9, speculateSlowdown = request.speculateSlowdown ?? 2
        guard sigma.isFinite, sigma >= 0 else { throw TrimtabError(field: "--sigma", "\(sigma) must not be negative") }
        guard sigma <= maxSigma else { throw TrimtabError(field: "--sigma", "\(sigma) is more than \(JSONValue.format(maxSigma)), the largest σ accepted") }
        guard (0...1).contains(stragglerProbability) else { throw TrimtabError(field: "--straggler-probability", "\(stragglerProbability) is not in [0, 1]") }
        guard stragglerFactor.isFinite, stragglerFactor >= 1 else { throw TrimtabError(field: "--straggler-factor", "\(stragglerFactor) must be ≥ 1") }
        guard tailAlpha.isFinite, tailAlpha > 0 else { throw TrimtabError(field: "--tail-alpha", "\(tailAlpha) must be positive") }
        guard (0...1).contains(speculateAfter) else { throw TrimtabError(field: "--speculate-after", "\(speculateAfter) is not in [0, 1]") }
        guard speculateSlowdown.isFinite, speculateSlowdown >= 1 else { throw TrimtabError(field: "--speculate-slowdown", "\(speculateSlowdown) must be ≥ 1") }

        let noise = SplitNoise(sigma: sigma, stragglerProbability: stragglerProbability, stragglerMinFactor: stragglerFactor, stragglerAlpha: tailAlpha)
        let simulator = JobSimulator(model: m, setup: setup, noise: noise)
        let policies: [AllocationPolicy] = [.staticAllocation, .dynamic, .speculative(afterShare: speculateAfter, slowdown: speculateSlowdown)]
        var rows: [Row] = []
        for w in counts {
            for policy in policies {
                guard let summary = SimulationSummary.over(seeds: seeds, simulator: simulator,
                                                           shape: JobShape(items: items, splitSize: s, workers: w), policy: policy) else {
                    throw TrimtabError(file: file, field: "workers[\(setup.memoryMB)].split_s", "has no time for split size \(s)")
                }
                rows.append(Row(workers: summary.workers, policy: summary.policy, makespanP50S: summary.makespanP50S,
                                makespanP99S: summary.makespanP99S, meanCostUSD: summary.meanCostUSD, meanCopies: summary.meanCopies))
            }
        }
        return Result(items: items, splitSize: s, memoryMB: setup.memoryMB, seeds: seeds, results: rows, sigma: sigma,
                      stragglerProbability: stragglerProbability, stragglerFactor: stragglerFactor, tailAlpha: tailAlpha,
                      speculateAfter: speculateAfter, speculateSlowdown: speculateSlowdown)
    }
}
