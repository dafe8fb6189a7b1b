import Foundation
import TrimtabModel

/// Turns what `trimtab profile --ray-serve` measured (one CSV per stage) into the pipeline
/// planner's workflow file: the base workflow (accuracies, edges, platform, goal — e.g. the one
/// `train.py` writes) with each profiled variant's tables replaced by the live measurements.
///
/// Per stage, variant, CPUs per replica c (millicores 1000·c) and batch size b:
/// - `latency_ms_by_batch[b][1000·c]`: the mean of the stage's times over the requests of the
///   latency rounds (b requests at once, so one batch): what a request costs in the stage under
///   Serve — routing, the replica's queue, the batch wait, the model, the way back;
/// - `throughput_rps_by_batch[b][1000·c]`: the requests per second one replica answered in the
///   throughput run (the mean if there were several);
/// - the first stage's `overhead_ms`: the mean, over the requests sent one at a time (the
///   latency rounds of batch size 1; every round when there are none), of the round trip minus
///   the stages' times (Serve's HTTP proxy and the ingress), which every request pays once. Rounds
///   of b > 1 simultaneous requests also queue at the proxy, which is load, not overhead.
///
/// A table needs every batch size at every CPU count: a CPU count with an infeasible or missing
/// setting at some batch size is left out of that variant (and said so in a comment); a variant
/// with none left is left out of the workflow. Stages and variants of the base that were not
/// profiled keep their tables.
public struct ServeProfileFit: Sendable {
    /// One setting's measurements.
    public struct Cell: Sendable, Equatable {
        public var latencies: [Double] = []
        public var throughputs: [Double] = []
        public var infeasible: String?
        public var latencyMs: Double? { latencies.isEmpty ? nil : latencies.reduce(0, +) / Double(latencies.count) }
        public var throughputRps: Double? { throughputs.isEmpty ? nil : throughputs.reduce(0, +) / Double(throughputs.count) }
    }

    struct Key: Hashable, Comparable {
        var stage: String
        var variant: String
        var millicores: Int
        var batchSize: Int
        static func < (a: Key, b: Key) -> Bool {
            (a.stage, a.variant, a.millicores, a.batchSize) < (b.stage, b.variant, b.millicores, b.batchSize)
        }
    }

    var cells: [Key: Cell] = [:]
    /// Round trip minus the stages' times (ms), per request of the latency rounds (batch size 1, and any).
    public private(set) var singleOverheads: [Double] = []
    public private(set) var allOverheads: [Double] = []
    /// The overheads `overheadMs` averages: those of batch size 1, else all.
    public var overheads: [Double] { singleOverheads.isEmpty ? allOverheads : singleOverheads }
    public private(set) var files: [String] = []

    public init() {}

    /// True when `table` has the columns `trimtab profile --ray-serve` writes.
    public static func recognises(_ table: CSVTable) -> Bool {
        table.column(["throughput_rps"]) != nil && table.column(["cpus"]) != nil
    }

    /// Adds one CSV of `trimtab profile --ray-serve`; bad input names the file, line and column.
    public mutating func add(_ table: CSVTable) throws(TrimtabError) {
        var columns: [String: Int] = [:]
        for name in ["stage", "variant", "cpus", "batch_size", "latency_ms", "overhead_ms", "throughput_rps", "status"] {
            guard let c = table.column([name]) else {
                throw TrimtabError(file: table.file, field: "line 1: \(name)", "missing column (header: \(table.header.joined(separator: ", ")))")
            }
            columns[name] = c
        }
        guard let stageCol = columns["stage"], let variantCol = columns["variant"], let cpusCol = columns["cpus"],
              let batchCol = columns["batch_size"], let latencyCol = columns["latency_ms"], let overheadCol = columns["overhead_ms"],
              let throughputCol = columns["throughput_rps"], let statusCol = columns["status"] else { return }
        guard !table.rows.isEmpty else { throw TrimtabError(file: table.file, field: "line 2", "no measurements after the header") }
        files.append(table.file)
        for row in table.rows {
            func field(_ c: Int) -> String { table.header[c] }
            let cpus = try table.number(row, cpusCol)
            guard cpus > 0 else { throw TrimtabError(file: table.file, field: "line \(row.line): \(field(cpusCol))", "\(cpus) is not a positive number of CPUs") }
            let b = try table.number(row, batchCol)
            guard b >= 1, b == b.rounded() else {
                throw TrimtabError(file: table.file, field: "line \(row.line): \(field(batchCol))", "\(b) is not a positive whole batch size")
            }
            let key = Key(stage: try table.string(row, stageCol), variant: try table.string(row, variantCol),
                          millicores: Int((cpus * 1000).rounded()), batchSize: Int(b))
            var cell = cells[key] ?? Cell()
            let status = table.optionalString(row, statusCol) ?? "ok"
            if status != "ok" {
                cell.infeasible = status
                cells[key] = cell
                continue
            }
            func positive(_ c: Int) throws(TrimtabError) -> Double? {
                guard table.optionalString(row, c) != nil else { return nil }
                let v = try table.number(row, c)
                guard v.isFinite, v >= 0, c == overheadCol || v > 0 else {
                    throw TrimtabError(file: table.file, field: "line \(row.line): \(field(c))", "\(v) must be positive")
                }
                return v
            }
            let latency = try positive(latencyCol), overhead = try positive(overheadCol), throughput = try positive(throughputCol)
            guard latency != nil || throughput != nil else {
                throw TrimtabError(file: table.file, field: "line \(row.line): \(field(latencyCol))", "an ok row needs latency_ms or throughput_rps")
            }
            if let latency { cell.latencies.append(latency) }
            if let overhead {
                allOverheads.append(overhead)
                if key.batchSize == 1 { singleOverheads.append(overhead) }
            }
            if let throughput { cell.throughputs.append(throughput) }
            cells[key] = cell
        }
    }

    /// The mean ingress overhead (ms), nil without measurements.
    public var overheadMs: Double? { overheads.isEmpty ? nil : overheads.reduce(0, +) / Double(overheads.count) }

    /// One variant's fitted tables: batch size → millicores → value, and what was left out.
    public struct VariantTables: Sendable, Equatable {
        public var latency: [Int: [Int: Double]]
        public var throughput: [Int: [Int: Double]]
        public var omitted: [String]
        /// Each request's stage time over its setting's mean, pooled over the settings kept: the
        /// variant's `latency_spread`, which a percentile SLO plans with. Nil without latencies.
        public var spread: QuantileFunction? = nil
    }

    /// The tables of every profiled (stage, variant).
    public func tables() -> [String: [String: VariantTables]] {
        var grouped: [String: [String: [Key: Cell]]] = [:]
        for (key, cell) in cells { grouped[key.stage, default: [:]][key.variant, default: [:]][key] = cell }
        var out: [String: [String: VariantTables]] = [:]
        for (stage, variants) in grouped {
            for (variant, cells) in variants {
                let batches = Set(cells.keys.map(\.batchSize)).sorted()
                let cores = Set(cells.keys.map(\.millicores)).sorted()
                var tables = VariantTables(latency: [:], throughput: [:], omitted: [])
                var ratios: [Double] = []
                for m in cores {
                    let column = batches.map { cells[Key(stage: stage, variant: variant, millicores: m, batchSize: $0)] }
                    let missing = zip(batches, column).filter { $0.1?.latencyMs == nil || $0.1?.throughputRps == nil }
                    if let (b, cell) = missing.first {
                        tables.omitted.append("\(Self.cpus(m)) CPUs left out: batch size \(b) " + (cell?.infeasible ?? "was not measured"))
                        continue
                    }
                    for (b, cell) in zip(batches, column) {
                        guard let cell, let l = cell.latencyMs, let t = cell.throughputRps else { continue }
                        tables.latency[b, default: [:]][m] = l
                        tables.throughput[b, default: [:]][m] = t
                        ratios += cell.latencies.map { $0 / l }
                    }
                }
                tables.spread = QuantileFunction.from(sorted: ratios.sorted())
                out[stage, default: [:]][variant] = tables
            }
        }
        return out
    }

    static func cpus(_ millicores: Int) -> String { YAMLWriter.number(Double(millicores) / 1000) }

    /// The workflow: `base` (its text, read from `baseFile`) with the `stages:` block written anew.
    /// Bad input: a profiled stage or variant the base lacks, or a variant with nothing left.
    public func workflowYAML(base text: String, baseFile: String, command: String) throws(TrimtabError) -> String {
        let base = try WorkflowParser.parse(text: text, name: baseFile)
        let fitted = tables()
        for (stage, variants) in fitted {
            guard let index = base.stageIndex(named: stage) else {
                throw TrimtabError(file: files.first ?? baseFile, field: "stage",
                                   "'\(stage)' is not a stage of \(baseFile) (it has \(base.stages.map(\.name).joined(separator: ", ")))")
            }
            for (variant, tables) in variants {
                guard base.stages[index].variants.contains(where: { $0.name == variant }) else {
                    throw TrimtabError(file: files.first ?? baseFile, field: "variant",
                                       "'\(variant)' is not a variant of stage '\(stage)' in \(baseFile)")
                }
                guard !tables.latency.isEmpty else {
                    throw TrimtabError(file: files.first ?? baseFile, field: "status",
                                       "stage '\(stage)' variant '\(variant)' has no feasible setting at every batch size (\(tables.omitted.joined(separator: "; ")))")
                }
            }
        }
        let order = Self.chainOrder(base)
        var stages = "stages:\n"
        for stage in base.stages {
            let profiled = fitted[stage.name]
            stages += "  - name: \(YAMLWriter.scalar(stage.name))\n"
            var overhead = stage.overheadMs
            if stage.name == order.first, let measured = overheadMs {
                overhead = measured
                stages += "    # Serve's HTTP proxy and the ingress: the round trip minus the stages' times, mean of \(overheads.count) requests sent one at a time\n"
            }
            if overhead > 0 { stages += "    overhead_ms: \(YAMLWriter.number(overhead))\n" }
            if let timeouts = stage.batchTimeoutsMs { stages += "    batch_timeouts_ms: [" + timeouts.map { YAMLWriter.number($0) }.joined(separator: ", ") + "]\n" }
            stages += "    variants:\n"
            for variant in stage.variants {
                if let profiled, profiled[variant.name] == nil, !profiled.isEmpty {
                    stages += "      # \(variant.name): not profiled, offline tables kept\n"
                }
                stages += "      - name: \(YAMLWriter.scalar(variant.name))\n"
                stages += "        accuracy: \(YAMLWriter.number(variant.accuracy))\n"
                if let t = profiled?[variant.name] {
                    for note in t.omitted { stages += "        # \(note)\n" }
                    stages += "        latency_ms_by_batch:\n" + Self.rows(t.latency)
                    stages += "        throughput_rps_by_batch:\n" + Self.rows(t.throughput)
                    if let spread = t.spread, spread.values[0] > 0 {
                        stages += "        # a request's stage time over its setting's mean, all settings above pooled (for percentile SLOs)\n"
                        stages += "        latency_spread: " + YAMLWriter.quantileFunction(spread) + "\n"
                    }
                } else if variant.batchLatency.isEmpty {
                    stages += "        latency_ms: " + YAMLWriter.table(variant.latency.map { ($0.memoryMB, $0.latencyMs) }) + "\n"
                } else {
                    stages += "        latency_ms_by_batch:\n" + Self.rows(Self.dictionary(variant.batchLatency))
                    if !variant.batchThroughput.isEmpty {
                        stages += "        throughput_rps_by_batch:\n" + Self.rows(Self.dictionary(variant.batchThroughput))
                    }
                }
            }
        }
        let header = "# \(command)\n"
            + "# Measured live on Ray Serve by `trimtab profile --ray-serve` (\(files.joined(separator: ", "))), on the base \(baseFile):\n"
            + "# latency_ms_by_batch {BATCH: {MILLICORES: ms}}: a request's mean time in the stage with a full batch (Serve's routing,\n"
            + "# the replica's queue, the batch wait, the model); throughput_rps_by_batch: requests/s one replica answered with\n"
            + "# enough requests in flight to keep it busy; MILLICORES = 1000 × ray_actor_options.num_cpus.\n"
        var body = Self.replacingStages(in: text, with: stages)
        if !body.hasSuffix("\n") { body += "\n" }
        let out = header + body
        do { _ = try WorkflowParser.parse(text: out, name: baseFile) } catch {
            throw TrimtabError(code: .internal, "the fitted workflow does not parse: \(error)")
        }
        return out
    }

    static func dictionary(_ rows: [BatchLatencyTable]) -> [Int: [Int: Double]] {
        Dictionary(uniqueKeysWithValues: rows.map { ($0.batchSize, Dictionary(uniqueKeysWithValues: $0.latency.map { ($0.memoryMB, $0.latencyMs) })) })
    }

    static func rows(_ table: [Int: [Int: Double]]) -> String {
        table.keys.sorted().map { b in
            "          \(b): " + YAMLWriter.table((table[b] ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }) + "\n"
        }.joined()
    }

    /// Stage names in chain order (start → … → end), when the edges form a chain.
    static func chainOrder(_ w: Workflow) -> [String] {
        var next: [String: String] = [:]
        for e in w.edges { next[e.from] = e.to }
        var order: [String] = []
        var at = "start"
        while let to = next[at], to != "end", !order.contains(to) { order.append(to); at = to }
        return order
    }

    /// `text` without its leading comment lines and with its top-level `stages:` block (from
    /// `stages:` at column 0 to the next top-level key) replaced by `stages`.
    static func replacingStages(in text: String, with stages: String) -> String {
        var lines = text.components(separatedBy: "\n")
        while let first = lines.first, first.hasPrefix("#") || first.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeFirst() }
        let isTopKey = { (l: String) in l.first.map { $0.isLetter || $0 == "_" } ?? false }
        guard let start = lines.firstIndex(where: { $0.hasPrefix("stages:") }) else { return lines.joined(separator: "\n") + "\n" + stages }
        let end = lines[(start + 1)...].firstIndex(where: isTopKey) ?? lines.count
        let before = lines[..<start].joined(separator: "\n")
        let after = lines[end...].joined(separator: "\n")
        return (before.isEmpty ? "" : before + "\n") + stages + after
    }
}
