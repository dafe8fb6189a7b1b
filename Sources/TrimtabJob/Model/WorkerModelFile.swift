import Foundation
import TrimtabModel

/// Reads and writes worker-model files (YAML or JSON); see docs/job.md for the format.
///
/// The output of `trimtab job fit -o MODEL` is a worker-model file too, so a fitted model
/// can be handed to `trimtab job plan` directly.
public enum WorkerModelFile {
    static let topLevelKeys: Set<String> = [
        "kind", "version", "name", "source", "description", "platform", "split_sizes", "max_workers", "startup_s",
        "launch_s_per_worker", "requests_per_worker", "workers", "makespan", "fit",
    ]

    /// Loads and validates a worker-model file; errors name the file and field.
    public static func load(path: String) throws(TrimtabError) -> WorkerModel {
        let value = try Value.load(path: path)
        do throws(TrimtabError) {
            return try parse(FieldReader(value))
        } catch {
            throw error.inFile(path)
        }
    }

    /// Parses a worker model from YAML or JSON text.
    public static func parse(text: String) throws(TrimtabError) -> WorkerModel {
        try parse(FieldReader(try Value.parseYAML(text)))
    }

    static func parse(_ root: FieldReader) throws(TrimtabError) -> WorkerModel {
        try root.rejectUnknownKeys(topLevelKeys)
        if let k = try root.optional("kind") {
            guard try k.string() == "trimtab-job-model" else { throw k.error("expected trimtab-job-model") }
        }
        if let v = try root.optional("version") {
            guard try v.int() == 1 else { throw v.error("only version 1 is supported") }
        }
        let name = try root.optional("name")?.string() ?? "job"
        let source = try root.optional("source")?.string()
        let platform = try parsePlatform(try root.optional("platform"))
        let workersReader = try root.required("workers")
        var setups: [WorkerSetup] = []
        for item in try workersReader.items() {
            let setup = try parseSetup(item)
            if setups.contains(where: { $0.memoryMB == setup.memoryMB }) {
                throw try item.required("memory_mb").error("memory \(setup.memoryMB) MB appears twice")
            }
            setups.append(setup)
        }
        guard !setups.isEmpty else { throw workersReader.error("needs at least one worker setup") }

        var splitSizes: [Int] = []
        if let r = try root.optional("split_sizes") {
            for item in try r.items() {
                let size = try item.int()
                guard size > 0 else { throw item.error("\(size) must be a positive split size") }
                splitSizes.append(size)
            }
        } else {
            // A table's sizes; the linear law needs explicit candidates.
            var sizes = Set<Int>()
            for setup in setups { for s in setup.splitTime.sizes ?? [] { sizes.insert(s) } }
            guard !sizes.isEmpty else {
                throw TrimtabError(field: "split_sizes", "is required when the split time is per_split/per_item")
            }
            splitSizes = sizes.sorted()
        }
        splitSizes = Array(Set(splitSizes)).sorted()
        guard !splitSizes.isEmpty else { throw TrimtabError(field: "split_sizes", "needs at least one size") }

        var model = WorkerModel(name: name, source: source, platform: platform, setups: setups, splitSizes: splitSizes)
        if let r = try root.optional("max_workers") {
            model.maxWorkers = try r.int()
            guard model.maxWorkers > 0 else { throw r.error("\(model.maxWorkers) must be positive") }
        }
        model.startupS = try nonNegative(root, "startup_s") ?? 0
        model.launchSPerWorker = try nonNegative(root, "launch_s_per_worker") ?? 0
        model.requestsPerWorker = try nonNegative(root, "requests_per_worker") ?? 1
        if let m = try root.optional("makespan") {
            try m.rejectUnknownKeys(["constant_s", "per_worker_s", "per_wave_s", "per_critical_item_s"])
            model.makespanLaw = MakespanLaw(
                constantS: try m.optional("constant_s")?.double() ?? 0, perWorkerS: try m.optional("per_worker_s")?.double() ?? 0,
                perWaveS: try m.optional("per_wave_s")?.double() ?? 0, perCriticalItemS: try m.optional("per_critical_item_s")?.double() ?? 0)
        }
        return model
    }

    static func nonNegative(_ reader: FieldReader, _ key: String) throws(TrimtabError) -> Double? {
        guard let r = try reader.optional(key) else { return nil }
        let v = try r.double()
        guard v >= 0 else { throw r.error("\(v) must not be negative") }
        return v
    }

    /// Reads a `platform` block (the workflow-v1 keys); defaults to AWS Lambda x86 prices when absent.
    public static func parsePlatform(_ reader: FieldReader?) throws(TrimtabError) -> Platform {
        var platform = Platform()
        guard let reader else { return platform }
        try reader.rejectUnknownKeys(["kind", "price_per_gb_second", "price_per_request", "billing_granularity_ms"])
        if let k = try reader.optional("kind") {
            let text = try k.string()
            guard let kind = Platform.Kind(rawValue: text) else {
                throw k.error("'\(text)' is not a platform (expected aws-lambda or kubernetes)")
            }
            platform.kind = kind
        }
        if let v = try nonNegative(reader, "price_per_gb_second") { platform.pricePerGBSecond = v }
        if let v = try nonNegative(reader, "price_per_request") { platform.pricePerRequest = v }
        if let r = try reader.optional("billing_granularity_ms") {
            let g = try r.double()
            guard g > 0 else { throw r.error("\(g) must be positive") }
            platform.billingGranularityMs = g
        }
        return platform
    }

    static func parseSetup(_ reader: FieldReader) throws(TrimtabError) -> WorkerSetup {
        try reader.rejectUnknownKeys(["memory_mb", "init_s", "overhead_s", "split_s", "slowdown_per_extra_worker"])
        let memoryReader = try reader.required("memory_mb")
        let memory = try memoryReader.int()
        guard memory > 0 else { throw memoryReader.error("\(memory) must be positive") }
        let initS = try nonNegative(reader, "init_s") ?? 0
        let overhead = try nonNegative(reader, "overhead_s") ?? 0
        let splitReader = try reader.required("split_s")
        let entries = try splitReader.entries()
        let time: SplitTime
        if entries.contains(where: { $0.key == "per_item" || $0.key == "per_split" }) {
            try splitReader.rejectUnknownKeys(["per_item", "per_split"])
            time = .linear(perSplitS: try nonNegative(splitReader, "per_split") ?? 0,
                           perItemS: try nonNegative(splitReader, "per_item") ?? 0)
        } else {
            var table: [Int: Double] = [:]
            for (key, r) in entries {
                guard let size = Int(key), size > 0 else {
                    throw r.error("expected a split size (positive integer) or per_item/per_split")
                }
                let seconds = try r.double()
                guard seconds > 0 else { throw r.error("\(seconds) must be positive") }
                table[size] = seconds
            }
            guard !table.isEmpty else { throw splitReader.error("needs per_item/per_split or a table of split sizes") }
            time = .table(table)
        }
        return WorkerSetup(memoryMB: memory, initS: initS, workerOverheadS: overhead, splitTime: time,
                           slowdownPerExtraWorker: try nonNegative(reader, "slowdown_per_extra_worker") ?? 0)
    }

    /// The model as YAML text, in the format `load` reads.
    public static func yaml(_ model: WorkerModel, fitReport: [String: Double] = [:]) -> String {
        func n(_ x: Double) -> String {
            if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
            return "\(x)"
        }
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var out = "kind: trimtab-job-model\nversion: 1\nname: \(q(model.name))\n"
        if let source = model.source { out += "source: \(q(source))\n" }
        out += "platform:\n  kind: \(model.platform.kind.rawValue)\n"
        out += "  price_per_gb_second: \(n(model.platform.pricePerGBSecond))\n"
        out += "  price_per_request: \(n(model.platform.pricePerRequest))\n"
        out += "  billing_granularity_ms: \(n(model.platform.billingGranularityMs))\n"
        out += "split_sizes: [\(model.splitSizes.map(String.init).joined(separator: ", "))]\n"
        out += "max_workers: \(model.maxWorkers)\n"
        out += "startup_s: \(n(model.startupS))\nlaunch_s_per_worker: \(n(model.launchSPerWorker))\n"
        out += "requests_per_worker: \(n(model.requestsPerWorker))\n"
        out += "workers:\n"
        for setup in model.setups {
            out += "  - memory_mb: \(setup.memoryMB)\n    init_s: \(n(setup.initS))\n    overhead_s: \(n(setup.workerOverheadS))\n"
            switch setup.splitTime {
            case .linear(let perSplit, let perItem):
                out += "    split_s: {per_split: \(n(perSplit)), per_item: \(n(perItem))}\n"
            case .table(let table):
                out += "    split_s: {" + table.keys.sorted().map { "\($0): \(n(table[$0] ?? 0))" }.joined(separator: ", ") + "}\n"
            }
            if setup.slowdownPerExtraWorker > 0 { out += "    slowdown_per_extra_worker: \(n(setup.slowdownPerExtraWorker))\n" }
        }
        if let law = model.makespanLaw {
            out += "makespan:\n  constant_s: \(n(law.constantS))\n  per_worker_s: \(n(law.perWorkerS))\n"
            out += "  per_wave_s: \(n(law.perWaveS))\n  per_critical_item_s: \(n(law.perCriticalItemS))\n"
        }
        if !fitReport.isEmpty {
            out += "fit:\n" + fitReport.keys.sorted().map { "  \($0): \(n(fitReport[$0] ?? 0))\n" }.joined()
        }
        return out
    }
}
