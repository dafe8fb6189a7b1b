import Foundation

/// Reads v1 workflow files (YAML or JSON) into `Workflow` values, rejecting bad input with
/// an error that names the field.
public enum WorkflowParser {
    public static let reservedNames: Set<String> = ["start", "end"]

    /// The largest latency (ms) a file or flag may give: a latency table's value, a tail, an
    /// overhead, a cold start, an SLO. 1e9 ms is 11.6 days, far beyond any inference stage; the
    /// bound keeps every prediction (latencies summed and multiplied by loops) finite.
    public static let maxLatencyMs = 1e9
    /// The largest price (USD) per GB-second, per request or per core-hour: about 10⁸ times
    /// today's Lambda prices; the bound keeps every predicted cost finite.
    public static let maxPriceUSD = 1_000.0
    /// The coarsest billing granularity (ms) a file or flag may give: one hour (Lambda bills by
    /// 1 ms, formerly 100 ms).
    public static let maxBillingGranularityMs = 3_600_000.0

    /// Refuses a latency (ms) above `maxLatencyMs`; errors name `reader`'s field.
    public static func checkLatency(_ ms: Double, _ reader: FieldReader) throws(TrimtabError) {
        guard ms <= maxLatencyMs else { throw reader.error(latencyLimitMessage(ms)) }
    }

    /// The one message for a latency above `maxLatencyMs` (files and flags alike).
    public static func latencyLimitMessage(_ ms: Double) -> String {
        "\(format(ms)) ms is more than \(format(maxLatencyMs)) ms, the largest latency accepted"
    }

    /// Reads a price (USD): a number in [0, `maxPriceUSD`].
    static func price(_ reader: FieldReader) throws(TrimtabError) -> Double {
        let v = try reader.double()
        guard v >= 0 else { throw reader.error("\(format(v)) must not be negative") }
        guard v <= maxPriceUSD else { throw reader.error("\(format(v)) USD is more than \(format(maxPriceUSD)) USD, the largest price accepted") }
        return v
    }

    /// Reads and validates the file at `path` (fields and graph). Errors carry the file name.
    /// - Complexity: O(S + E) for S latency entries and E edges, plus graph validation.
    public static func load(path: String) throws(TrimtabError) -> Workflow {
        let value = try Value.load(path: path)
        do throws(TrimtabError) {
            let workflow = try parse(value, defaultName: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)
            _ = try WorkflowStructure(workflow)
            return workflow
        } catch {
            throw error.inFile(path)
        }
    }

    /// Parses text (YAML, or JSON) without a file; used by tests and the HTTP layer.
    public static func parse(text: String, name: String = "workflow") throws(TrimtabError) -> Workflow {
        let value = try Value.parseYAML(text)
        let workflow = try parse(value, defaultName: name)
        _ = try WorkflowStructure(workflow)
        return workflow
    }

    static let topLevelKeys: Set<String> = ["version", "name", "description", "platform", "stages", "edges", "accuracy", "goal", "simulation"]

    /// Field-level parsing (types, ranges, names). Graph rules are checked by `WorkflowStructure`.
    public static func parse(_ value: Value, defaultName: String) throws(TrimtabError) -> Workflow {
        let root = FieldReader(value)
        guard case .map = value else { throw root.error("a workflow file must be a mapping, found \(value.kindName)") }
        try root.rejectUnknownKeys(topLevelKeys)

        let versionReader = try root.required("version")
        let version = try versionReader.int()
        guard version == 1 else { throw versionReader.error("version \(version) is not supported (expected 1)") }

        let name = try root.optional("name")?.string() ?? defaultName
        let platform = try parsePlatform(try root.optional("platform"))

        let stagesReader = try root.required("stages")
        let stageItems = try stagesReader.items()
        guard !stageItems.isEmpty else { throw stagesReader.error("at least one stage is required") }
        var stages: [Stage] = []
        var names = Set<String>()
        for item in stageItems {
            let stage = try parseStage(item).withBatchTimeouts(from: item)
            let nameReader = try item.required("name")
            if reservedNames.contains(stage.name.lowercased()) {
                throw nameReader.error("'\(stage.name)' is a reserved name")
            }
            guard names.insert(stage.name).inserted else {
                throw nameReader.error("duplicate stage name '\(stage.name)'")
            }
            stages.append(stage)
        }

        let edgesReader = try root.required("edges")
        var edges: [Edge] = []
        var seenEdges = Set<String>()
        for item in try edgesReader.items() {
            try item.rejectUnknownKeys(["from", "to", "probability"])
            let fromReader = try item.required("from")
            let toReader = try item.required("to")
            let from = try fromReader.string()
            let to = try toReader.string()
            if from != "start" && !names.contains(from) {
                if from == "end" { throw fromReader.error("no edge may leave 'end'") }
                throw fromReader.error("unknown stage '\(from)'")
            }
            if to != "end" && !names.contains(to) {
                if to == "start" { throw toReader.error("no edge may enter 'start'") }
                throw toReader.error("unknown stage '\(to)'")
            }
            var probability = 1.0
            if let p = try item.optional("probability") {
                probability = try p.double()
                guard probability > 0 && probability <= 1 else {
                    throw p.error("\(format(probability)) is not in (0, 1]")
                }
            }
            guard seenEdges.insert("\(from)\u{1}\(to)").inserted else {
                throw item.error("duplicate edge \(from) → \(to)")
            }
            edges.append(Edge(from: from, to: to, probability: probability))
        }
        guard !edges.isEmpty else { throw edgesReader.error("at least one edge is required") }

        let accuracy = try parseAccuracy(try root.optional("accuracy"), stages: stages)
        let goal = try root.optional("goal").map { r throws(TrimtabError) in try parseGoal(r) }
        var workflow = Workflow(version: version, name: name, platform: platform, stages: stages, edges: edges,
                                accuracy: accuracy, goal: goal)
        workflow.simulation = try parseSimulationProfile(root, stageNames: names)
        return workflow
    }

    static func parsePlatform(_ reader: FieldReader?) throws(TrimtabError) -> Platform {
        var platform = Platform()
        guard let reader else { return platform }
        try reader.rejectUnknownKeys(["kind", "price_per_gb_second", "price_per_request", "billing_granularity_ms", "price_per_core_hour",
                                      "overhead_spread_ms"])
        if let k = try reader.optional("kind") {
            let text = try k.string()
            guard let kind = Platform.Kind(rawValue: text) else {
                throw k.error("'\(text)' is not a platform (expected aws-lambda or kubernetes)")
            }
            platform.kind = kind
        }
        if let r = try reader.optional("price_per_gb_second") { platform.pricePerGBSecond = try price(r) }
        if let r = try reader.optional("price_per_request") { platform.pricePerRequest = try price(r) }
        if let r = try reader.optional("billing_granularity_ms") {
            platform.billingGranularityMs = try r.double()
            guard platform.billingGranularityMs > 0 else { throw r.error("\(format(platform.billingGranularityMs)) must be positive") }
            guard platform.billingGranularityMs <= maxBillingGranularityMs else {
                throw r.error("\(format(platform.billingGranularityMs)) ms is more than \(format(maxBillingGranularityMs)) ms, the coarsest billing granularity accepted")
            }
        }
        if let r = try reader.optional("overhead_spread_ms") { platform.overheadSpreadMs = try quantileFunction(r) }
        try parseKubernetesPlatform(reader, into: &platform)
        return platform
    }

    static func parseStage(_ reader: FieldReader) throws(TrimtabError) -> Stage {
        try reader.rejectUnknownKeys(Set(["name", "latency_ms", "latency_ms_by_batch", "variants", "description",
                                          "batch_timeouts_ms", "overhead_ms"]).union(tailKeys))
        var stage = try parseStageCore(reader)
        try parseStageExtensions(reader, into: &stage)
        return stage
    }

    static func parseStageCore(_ reader: FieldReader) throws(TrimtabError) -> Stage {
        let nameReader = try reader.required("name")
        let name = try nameReader.string()
        guard !name.isEmpty else { throw nameReader.error("a stage name must not be empty") }
        let table = try reader.optional("latency_ms")
        let batchTable = try reader.optional("latency_ms_by_batch")
        let variantsReader = try reader.optional("variants")
        if batchTable != nil, variantsReader != nil {
            throw reader.error("latency_ms_by_batch belongs inside each variant when a stage has variants")
        }
        switch (table, variantsReader) {
        case (nil, nil) where batchTable != nil, (.some, nil):
            let (latency, batches) = try parseLatencyTables(table, batchTable, at: reader)
            return Stage(name: name, latency: latency, batchLatency: batches)
        case (nil, let variantsReader?):
            let items = try variantsReader.items()
            guard !items.isEmpty else { throw variantsReader.error("at least one variant is required") }
            var variants: [Variant] = []
            var seen = Set<String>()
            for item in items {
                try item.rejectUnknownKeys(Set(["name", "accuracy", "latency_ms", "latency_ms_by_batch", "throughput_rps_by_batch",
                                                "description"]).union(tailKeys))
                let vn = try item.required("name")
                let variantName = try vn.string()
                guard !variantName.isEmpty else { throw vn.error("a variant name must not be empty") }
                guard seen.insert(variantName).inserted else { throw vn.error("duplicate variant name '\(variantName)'") }
                let accReader = try item.required("accuracy")
                let accuracy = try accReader.double()
                guard accuracy >= 0 && accuracy <= 1 else { throw accReader.error("\(format(accuracy)) is not in [0, 1]") }
                let (latency, batches) = try parseLatencyTables(
                    try item.optional("latency_ms"), try item.optional("latency_ms_by_batch"), at: item)
                var variant = Variant(name: variantName, accuracy: accuracy, latency: latency, batchLatency: batches)
                try parseTailTables(item, into: &variant)
                if let r = try item.optional("throughput_rps_by_batch") {
                    variant.batchThroughput = try parseThroughputTable(r, of: variant)
                }
                variants.append(variant)
            }
            return Stage(name: name, variants: variants)
        case (.some, .some):
            throw reader.error("a stage has either latency_ms or variants, not both")
        case (nil, nil):
            throw TrimtabError(field: "\(reader.path).latency_ms", "is required (or variants)")
        }
    }

    static func parseLatencyTable(_ reader: FieldReader, quantity: String = "latency") throws(TrimtabError) -> [LatencyPoint] {
        let entries = try reader.entries()
        guard !entries.isEmpty else { throw reader.error("a latency table must not be empty") }
        var points: [LatencyPoint] = []
        for (key, valueReader) in entries {
            guard let memory = Int(key.trimmingCharacters(in: .whitespaces)), memory > 0 else {
                throw TrimtabError(field: valueReader.path, "memory size '\(key)' is not a positive integer (MB)")
            }
            let latency = try valueReader.double()
            guard latency > 0 else { throw valueReader.error("\(quantity) \(format(latency)) must be positive") }
            if quantity == "latency" { try checkLatency(latency, valueReader) }
            else if latency > maxLatencyMs { throw valueReader.error("\(quantity) \(format(latency)) is more than \(format(maxLatencyMs))") }
            points.append(LatencyPoint(memoryMB: memory, latencyMs: latency))
        }
        return points
    }

    static func parseAccuracy(_ reader: FieldReader?, stages: [Stage]) throws(TrimtabError) -> AccuracyRule {
        guard let reader else { return .product }
        try reader.rejectUnknownKeys(["combine", "weights"])
        var combine = "product"
        if let c = try reader.optional("combine") { combine = try c.string() }
        let weightsReader = try reader.optional("weights")
        switch combine {
        case "product", "mean", "min":
            if let weightsReader { throw weightsReader.error("weights are only used with combine: weighted") }
            return combine == "product" ? .product : combine == "mean" ? .mean : .min
        case "weighted":
            guard let weightsReader else { throw TrimtabError(field: "accuracy.weights", "is required with combine: weighted") }
            var weights: [String: Double] = [:]
            for (name, r) in try weightsReader.entries() {
                guard let stage = stages.first(where: { $0.name == name }) else {
                    throw r.error("unknown stage '\(name)'")
                }
                guard stage.hasVariants else {
                    throw r.error("stage '\(name)' has no variants, so it has no accuracy to weigh")
                }
                let w = try r.double()
                guard w >= 0 else { throw r.error("weight \(format(w)) must not be negative") }
                weights[name] = w
            }
            guard weights.values.reduce(0, +) > 0 else { throw weightsReader.error("weights must not all be zero") }
            return .weighted(weights)
        default:
            throw TrimtabError(field: "accuracy.combine", "'\(combine)' is not a combine rule (expected product, mean, min or weighted)")
        }
    }

    public static func parseGoal(_ reader: FieldReader) throws(TrimtabError) -> Goal {
        try reader.rejectUnknownKeys(["minimize", "maximize", "subject_to", "load_rps"])
        let minimize = try reader.optional("minimize")
        let maximize = try reader.optional("maximize")
        let objective: Goal.Objective
        switch (minimize, maximize) {
        case (let m?, nil):
            let text = try m.string()
            switch text {
            case "cost": objective = .minimizeCost
            case "latency": objective = .minimizeLatency
            default: throw m.error("'\(text)' cannot be minimized (expected cost or latency)")
            }
        case (nil, let m?):
            let text = try m.string()
            guard text == "accuracy" else { throw m.error("'\(text)' cannot be maximized (expected accuracy)") }
            objective = .maximizeAccuracy
        case (.some, .some):
            throw reader.error("a goal names one objective: minimize or maximize, not both")
        case (nil, nil):
            throw reader.error("the goal names no objective (expected minimize: cost|latency or maximize: accuracy)")
        }
        var bounds = Bounds()
        if let s = try reader.optional("subject_to") {
            try s.rejectUnknownKeys(["latency_ms", "cost_per_million_usd", "accuracy"])
            if let r = try s.optional("latency_ms") {
                let v = try r.double()
                guard v > 0 else { throw r.error("\(format(v)) must be positive") }
                bounds.maxLatencyMs = v
            }
            if let r = try s.optional("cost_per_million_usd") {
                let v = try r.double()
                guard v > 0 else { throw r.error("\(format(v)) must be positive") }
                bounds.maxCostPerMillion = v
            }
            if let r = try s.optional("accuracy") {
                let v = try r.double()
                guard v >= 0 && v <= 1 else { throw r.error("\(format(v)) is not in [0, 1]") }
                bounds.minAccuracy = v
            }
        }
        var loadRps: Double?
        if let r = try reader.optional("load_rps") {
            let v = try r.double()
            guard v > 0 else { throw r.error("\(format(v)) must be a positive arrival rate (requests per second)") }
            loadRps = v
        }
        return Goal(objective: objective, bounds: bounds, loadRps: loadRps)
    }

    static func format(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        return String(x)
    }
}
