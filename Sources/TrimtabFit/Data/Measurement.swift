import TrimtabModel

/// One measured invocation of a stage.
public struct MeasuredInvocation: Sendable, Equatable {
    public var stage: String
    /// Model variant, if the stage has variants.
    public var variant: String?
    public var memoryMB: Int
    /// Batch size, if the measurements vary it.
    public var batchSize: Int?
    public var latencyMs: Double
    /// Billed duration (ms), when the platform reported it.
    public var billedMs: Double?
    /// Cold-start (init) time (ms) of this invocation, when it had one.
    public var initMs: Double?
    /// Seconds since the epoch when the invocation was logged, if known.
    public var timestamp: Double?

    public init(stage: String, variant: String? = nil, memoryMB: Int, batchSize: Int? = nil, latencyMs: Double,
                billedMs: Double? = nil, initMs: Double? = nil, timestamp: Double? = nil) {
        self.stage = stage
        self.variant = variant
        self.memoryMB = memoryMB
        self.batchSize = batchSize
        self.latencyMs = latencyMs
        self.billedMs = billedMs
        self.initMs = initMs
        self.timestamp = timestamp
    }
}

/// Reads measurement CSVs: the native form (`stage, memory_mb, latency_ms` and optionally
/// `variant, batch_size, billed_ms, init_ms`) or an AWS Lambda log export
/// (`Function, Memory Size, Duration, Billed Duration`, optionally `Init Duration`, `UTCTimestamp`).
public enum MeasurementReader {
    public static func load(path: String) throws(TrimtabError) -> [MeasuredInvocation] {
        try read(try CSVTable.load(path: path))
    }

    public static func read(_ table: CSVTable) throws(TrimtabError) -> [MeasuredInvocation] {
        let isLambdaLog = table.column(["Function"]) != nil && table.column(["Duration"]) != nil
        let stageCol = table.column(isLambdaLog ? ["Function"] : ["stage"])
        let memoryCol = table.column(isLambdaLog ? ["Memory Size"] : ["memory_mb", "memory"])
        let latencyCol = table.column(isLambdaLog ? ["Duration"] : ["latency_ms", "latency"])
        let required: [(Int?, String)] = isLambdaLog
            ? [(stageCol, "Function"), (memoryCol, "Memory Size"), (latencyCol, "Duration")]
            : [(stageCol, "stage"), (memoryCol, "memory_mb"), (latencyCol, "latency_ms")]
        for (col, name) in required where col == nil {
            throw TrimtabError(file: table.file, field: "line 1: \(name)", "missing column (header: \(table.header.joined(separator: ", ")))")
        }
        guard let stageCol, let memoryCol, let latencyCol else { return [] }
        let variantCol = table.column(["variant"])
        let batchCol = table.column(["batch_size", "batch"])
        let billedCol = table.column(isLambdaLog ? ["Billed Duration"] : ["billed_ms"])
        let initCol = table.column(isLambdaLog ? ["Init Duration"] : ["init_ms"])
        let timeCol = table.column(["UTCTimestamp", "timestamp"])
        guard !table.rows.isEmpty else {
            throw TrimtabError(file: table.file, field: "line 2", "no measurements after the header")
        }
        let statusCol = table.column(["status"])
        var result: [MeasuredInvocation] = []
        result.reserveCapacity(table.rows.count)
        for row in table.rows {
            // Rows of `trimtab profile` whose setting was infeasible hold no latency.
            if let status = table.optionalString(row, statusCol), status != "ok" { continue }
            let stage = try table.string(row, stageCol)
            let memory = try table.number(row, memoryCol)
            guard memory > 0, let memoryMB = Int(exactly: memory) else {
                throw TrimtabError(file: table.file, field: "line \(row.line): \(table.header[memoryCol])", "\(memory) is not a positive whole number of MB")
            }
            let latency = try table.number(row, latencyCol)
            guard latency > 0 else {
                throw TrimtabError(file: table.file, field: "line \(row.line): \(table.header[latencyCol])", "latency \(latency) must be positive")
            }
            var m = MeasuredInvocation(stage: stage, memoryMB: memoryMB, latencyMs: latency)
            m.variant = table.optionalString(row, variantCol)
            if let c = batchCol, table.optionalString(row, c) != nil {
                let b = try table.number(row, c)
                guard b >= 1, let batchSize = Int(exactly: b) else {
                    throw TrimtabError(file: table.file, field: "line \(row.line): \(table.header[c])", "\(b) is not a positive whole batch size")
                }
                m.batchSize = batchSize
            }
            if let c = billedCol, table.optionalString(row, c) != nil { m.billedMs = try table.number(row, c) }
            if let c = initCol, table.optionalString(row, c) != nil {
                let v = try table.number(row, c)
                guard v >= 0 else { throw TrimtabError(file: table.file, field: "line \(row.line): \(table.header[c])", "must not be negative") }
                m.initMs = v
            }
            if let c = timeCol, table.optionalString(row, c) != nil { m.timestamp = try table.number(row, c) }
            result.append(m)
        }
        return result
    }
}
