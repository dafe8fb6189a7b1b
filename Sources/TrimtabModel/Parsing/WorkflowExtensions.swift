/// Documented extensions of the v1 format (see docs/fit.md): per memory size, the 95th and
/// 99th percentile latency and the mean billed duration of one invocation.
public struct TailTables: Sendable, Equatable {
    /// `latency_p95_ms`: 95th percentile latency (ms) by memory size (MB).
    public var p95: [Int: Double] = [:]
    /// `latency_p99_ms`: 99th percentile latency (ms) by memory size (MB).
    public var p99: [Int: Double] = [:]
    /// `billed_ms`: mean billed duration (ms) of one invocation by memory size; when present
    /// it replaces the rounded-up mean latency in the cost model (the mean of rounded-up
    /// durations is not the rounded-up mean).
    public var billed: [Int: Double] = [:]
    /// `latency_spread`: one invocation's latency relative to its setting's mean, as a quantile
    /// function (the same at every memory size). Used to compose end-to-end tails.
    public var spread: QuantileFunction? = nil
    public init(p95: [Int: Double] = [:], p99: [Int: Double] = [:], billed: [Int: Double] = [:]) {
        self.p95 = p95
        self.p99 = p99
        self.billed = billed
    }
}

extension Variant {
    /// Cost in USD of one invocation at `point`: from the mean billed duration when the
    /// variant has one for that size, else from the latency rounded up to the granularity.
    public func invocationCost(_ point: LatencyPoint, platform: Platform) -> Double {
        guard let billed = tails.billed[point.memoryMB] else {
            return platform.invocationCost(memoryMB: point.memoryMB, latencyMs: point.latencyMs)
        }
        return platform.pricePerGBSecond * Double(point.memoryMB) / 1024 * billed / 1000 + platform.pricePerRequest
    }

    /// The tail latency (ms) at `memoryMB` for quantile 0.95 or 0.99, if the file gives it.
    public func tailLatency(memoryMB: Int, quantile: Double) -> Double? {
        quantile >= 0.99 ? tails.p99[memoryMB] : tails.p95[memoryMB]
    }
}

extension WorkflowParser {
    static let tailKeys: Set<String> = ["latency_p95_ms", "latency_p99_ms", "billed_ms", "latency_spread"]

    /// Stage-level extensions: tail tables of a plain stage, and `overhead_ms`.
    static func parseStageExtensions(_ reader: FieldReader, into stage: inout Stage) throws(TrimtabError) {
        if let r = try reader.optional("overhead_ms") {
            let v = try r.double()
            guard v >= 0 else { throw r.error("\(format(v)) must not be negative") }
            try checkLatency(v, r)
            stage.overheadMs = v
        }
        if stage.hasVariants {
            for key in tailKeys.sorted() {
                if let r = try reader.optional(key) {
                    throw r.error("a stage with variants gives \(key) in each variant")
                }
            }
            return
        }
        try parseTailTables(reader, into: &stage.variants[0])
    }

    /// Reads `latency_p95_ms`, `latency_p99_ms` and `billed_ms` of a stage or variant. Each is
    /// validated like `latency_ms`; its memory sizes must be sizes of the latency table;
    /// percentiles must cover every size and satisfy mean ≤ p95 ≤ p99.
    static func parseTailTables(_ reader: FieldReader, into variant: inout Variant) throws(TrimtabError) {
        let sizes = Set(variant.latency.map(\.memoryMB))
        let mean = Dictionary(variant.latency.map { ($0.memoryMB, $0.latencyMs) }, uniquingKeysWith: { a, _ in a })
        func table(_ key: String, complete: Bool) throws(TrimtabError) -> [Int: Double] {
            guard let r = try reader.optional(key) else { return [:] }
            var result: [Int: Double] = [:]
            for point in try parseLatencyTable(r) {
                guard sizes.contains(point.memoryMB) else {
                    throw TrimtabError(field: "\(r.path).\(point.memoryMB)", "memory size \(point.memoryMB) is not in latency_ms")
                }
                result[point.memoryMB] = point.latencyMs
            }
            if complete, let missing = sizes.sorted().first(where: { result[$0] == nil }) {
                throw r.error("has no entry for memory size \(missing) of latency_ms")
            }
            return result
        }
        variant.tails.p95 = try table("latency_p95_ms", complete: true)
        variant.tails.p99 = try table("latency_p99_ms", complete: true)
        variant.tails.billed = try table("billed_ms", complete: false)
        if let r = try reader.optional("latency_spread") {
            let spread = try quantileFunction(r)
            guard spread.values[0] > 0 else { throw TrimtabError(field: "\(r.path).values[0]", "\(format(spread.values[0])) must be positive (values are latency / mean)") }
            variant.tails.spread = spread
        }
        for (m, v) in variant.tails.p95 where v < (mean[m] ?? 0) * (1 - 1e-9) {
            throw TrimtabError(field: "\(reader.path).latency_p95_ms.\(m)", "\(format(v)) is below the mean latency \(format(mean[m] ?? 0))")
        }
        for (m, v) in variant.tails.p99 {
            let floor = variant.tails.p95[m] ?? mean[m] ?? 0
            if v < floor * (1 - 1e-9) {
                throw TrimtabError(field: "\(reader.path).latency_p99_ms.\(m)", "\(format(v)) is below the 95th percentile \(format(floor))")
            }
        }
    }
}

extension WorkflowParser {
    /// Reads `{quantiles: [...], values: [...]}`: probabilities strictly increasing from 0 to
    /// 1, values non-decreasing, as many values as probabilities.
    public static func quantileFunction(_ reader: FieldReader) throws(TrimtabError) -> QuantileFunction {
        try reader.rejectUnknownKeys(["quantiles", "values"])
        let qr = try reader.required("quantiles"), vr = try reader.required("values")
        var qs: [Double] = [], vs: [Double] = []
        for item in try qr.items() {
            let q = try item.double()
            guard q >= 0, q <= 1 else { throw item.error("\(format(q)) is not in [0, 1]") }
            if let last = qs.last, q <= last { throw item.error("\(format(q)) does not increase on \(format(last))") }
            qs.append(q)
        }
        for item in try vr.items() {
            let v = try item.double()
            guard v <= maxLatencyMs else { throw item.error("\(format(v)) is more than \(format(maxLatencyMs)), the largest value accepted") }
            if let last = vs.last, v < last { throw item.error("\(format(v)) is below the value before it (\(format(last))): values must not decrease") }
            vs.append(v)
        }
        guard qs.count >= 2 else { throw qr.error("needs at least 2 probabilities") }
        guard qs.first == 0, qs.last == 1 else { throw qr.error("must start at 0 and end at 1") }
        guard vs.count == qs.count else { throw vr.error("has \(vs.count) values for \(qs.count) quantiles") }
        guard let f = QuantileFunction(quantiles: qs, values: vs) else { throw reader.error("is not a quantile function") }
        return f
    }
}
