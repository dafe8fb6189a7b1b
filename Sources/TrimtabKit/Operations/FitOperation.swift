import TrimtabFit
import TrimtabModel

/// `fit`: latency curves fitted to measured invocations, per stage (and variant) the family with
/// the lowest cross-validated MAPE, and the tables of a v1 workflow's `stages:` block.
public enum FitOperation {
    public struct Request: Codable, Sendable, Equatable {
        /// One row per invocation (stage, memory_mb, latency_ms, …) or an AWS Lambda log export.
        public var measurements: CSVSource
        /// Memory sizes of the tables: `FROM:TO:STEP` and/or a comma list (default: the measured sizes).
        public var memory: String?
        /// The batch size the tables are for (default: the smallest measured).
        public var batchSize: Int?

        enum CodingKeys: String, CodingKey, CaseIterable { case measurements, memory, batchSize = "batch_size" }
        public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

        public init(measurements: CSVSource, memory: String? = nil, batchSize: Int? = nil) {
            self.measurements = measurements
            self.memory = memory
            self.batchSize = batchSize
        }
    }

    /// `{"stages": [...]}`, one report per fitted stage.
    public struct Result: OperationResult {
        public var stages: [Stage]
        /// The `stages:` block of a v1 workflow (YAML, with the tail and billing extensions);
        /// not encoded (`fit --format yaml` prints it).
        public var stagesYAML: String = ""

        enum CodingKeys: String, CodingKey { case stages }
    }

    /// One stage's fit: the chosen family and curve, each family's cross-validated MAPE, what was
    /// measured, the tables by memory size, then the measured p95 and p99 over the mean.
    public struct Stage: Codable, Sendable {
        public var name: String
        public var variant: String?
        public var family: String
        public var curve: String
        @ExplicitNull public var cvMAPEPercent: Double?
        public var validation: String
        /// Each family's cross-validated MAPE (%), `null` where it could not be scored.
        public var families: StageMap<ExplicitNull<Double>>
        public var invocations: Int
        public var memorySizes: [Int]
        public var coldStarts: Int
        @ExplicitNull public var meanInitMs: Double?
        public var latencyMs: StageMap<Double>
        public var latencyP95Ms: StageMap<Double>
        public var latencyP99Ms: StageMap<Double>
        public var billedMs: StageMap<Double>?
        public var p95OverMean: Double
        public var p99OverMean: Double

        enum CodingKeys: String, CodingKey {
            case name, variant, family, curve, cvMAPEPercent = "cv_mape_percent", validation, families, invocations
            case memorySizes = "memory_sizes", coldStarts = "cold_starts", meanInitMs = "mean_init_ms", latencyMs = "latency_ms"
            case latencyP95Ms = "latency_p95_ms", latencyP99Ms = "latency_p99_ms", billedMs = "billed_ms"
            case p95OverMean = "p95_over_mean", p99OverMean = "p99_over_mean"
        }
    }

    /// - Complexity: O(n log n) in the invocations, plus each family's cross-validated least
    ///   squares per stage.
    public static func run(_ request: Request) throws(TrimtabError) -> Result {
        let grid = try request.memory.map { text throws(TrimtabError) in try MemoryGrid.parse(text) }
        if let b = request.batchSize, b < 1 { throw TrimtabError(field: "--batch-size", "\(b) must be at least 1") }
        let fits = LatencyFitter.fit(try MeasurementReader.read(try request.measurements.load()))
        func table(_ entries: [(Int, Double)]) -> StageMap<Double> { StageMap(entries.map { (String($0.0), $0.1) }) }
        let stages = fits.map { f in
            let t = FitTables.tables(f, grid: grid, batchSize: request.batchSize)
            return Stage(name: f.stage, variant: f.variant, family: f.curve.family.rawValue, curve: f.curve.summary, cvMAPEPercent: f.cvMAPE,
                         validation: f.validation.rawValue,
                         families: StageMap(f.scores.map { ($0.family.rawValue, ExplicitNull(wrappedValue: $0.cvMAPE)) }),
                         invocations: f.invocations, memorySizes: f.memorySizes, coldStarts: f.coldStarts, meanInitMs: f.meanInitMs,
                         latencyMs: table(t.latency), latencyP95Ms: table(t.p95), latencyP99Ms: table(t.p99),
                         billedMs: t.billed.isEmpty ? nil : table(t.billed),
                         p95OverMean: Quantile.of(sorted: f.ratios, 0.95), p99OverMean: Quantile.of(sorted: f.ratios, 0.99))
        }
        return Result(stages: stages, stagesYAML: FitTables.yaml(fits, grid: grid, batchSize: request.batchSize))
    }
}
