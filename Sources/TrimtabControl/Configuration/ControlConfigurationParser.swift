import Foundation
import TrimtabAdaptation
import TrimtabAdapters
import TrimtabForecast
import TrimtabModel
import TrimtabSolve

extension ControlConfiguration {
    static let topLevelKeys: Set<String> = [
        "workflow", "prometheus", "interval_seconds", "predictor", "headroom", "sink", "guardrails", "database", "metrics_port", "metrics_address",
        "objective", "weights", "slo_ms", "slo_percentile",
    ]

    /// Reads a controller configuration file (YAML or JSON). Relative paths in it (workflow,
    /// database, token and CA files, file sink) are resolved against the file's folder.
    /// Errors name the file and the field.
    public static func load(path: String) throws(TrimtabError) -> ControlConfiguration {
        let value = try Value.load(path: path)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do throws(TrimtabError) {
            return try parse(FieldReader(value), folder: folder)
        } catch {
            throw error.inFile(path)
        }
    }

    /// Parses a configuration; `folder` resolves relative paths.
    public static func parse(_ root: FieldReader, folder: String) throws(TrimtabError) -> ControlConfiguration {
        guard case .map = root.value else { throw root.error("a control configuration must be a mapping") }
        try root.rejectUnknownKeys(topLevelKeys)
        func resolve(_ p: String) -> String { p.hasPrefix("/") || p == ":memory:" ? p : folder + "/" + p }

        let workflow = resolve(try root.required("workflow").string())

        let prom = try root.required("prometheus")
        try prom.rejectUnknownKeys(["url", "query", "history_seconds"])
        let urlReader = try prom.required("url")
        let url = try urlReader.string()
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw urlReader.error("'\(url)' is not an http(s) URL") }
        let query = try prom.required("query").string()
        let history = try positive(prom.optional("history_seconds"))
        let prometheus = PrometheusSettings(url: url, query: query, historySeconds: history)

        let interval = try positive(root.optional("interval_seconds")) ?? 30
        let predictorReader = try root.optional("predictor")
        let predictor = try predictorReader?.string() ?? "reactive"
        guard ForecasterCatalog.names.contains(predictor) else {
            throw TrimtabError(field: predictorReader?.path ?? "predictor",
                               "unknown predictor '\(predictor)' (expected one of \(ForecasterCatalog.names.joined(separator: ", ")))")
        }
        let headroomReader = try root.optional("headroom")
        let headroom = try Headroom.check(try headroomReader?.double() ?? 1.2, field: headroomReader?.path ?? "headroom")

        let sink = try parseSink(try root.required("sink"), resolve: resolve)
        let guardrails = try parseGuardrails(try root.optional("guardrails"))
        let database = resolve(try root.optional("database")?.string() ?? "trimtab-history.sqlite")
        var metricsPort: Int?
        if let portReader = try root.optional("metrics_port") {
            let port = try portReader.int()
            guard (0...65535).contains(port) else { throw portReader.error("\(port) is not a port number") }
            metricsPort = port
        }
        var metricsAddress = "127.0.0.1"
        if let r = try root.optional("metrics_address") {
            metricsAddress = try r.string()
            guard !metricsAddress.isEmpty, metricsAddress.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) else {
                throw r.error("'\(metricsAddress)' is not an IP address (e.g. 127.0.0.1, or 0.0.0.0 for every interface)")
            }
        }
        let objective = try parseObjective(try root.optional("objective"), weights: try root.optional("weights"))
        let slo = try positive(root.optional("slo_ms"))
        var configuration = ControlConfiguration(workflowPath: workflow, prometheus: prometheus, intervalSeconds: interval,
                                                 predictor: predictor, headroom: headroom, sink: sink, guardrails: guardrails,
                                                 databasePath: database, metricsPort: metricsPort, pipelineObjective: objective, sloMs: slo)
        configuration.metricsAddress = metricsAddress
        if let r = try root.optional("slo_percentile") {
            let v = try r.double()
            guard v >= 50, v < 100 else { throw r.error("\(v) is not a percentile in [50, 100) (e.g. 99 for p99)") }
            configuration.sloPercentile = v
        }
        return configuration
    }

    static func parseSink(_ reader: FieldReader, resolve: (String) -> String) throws(TrimtabError) -> SinkSettings {
        try reader.rejectUnknownKeys(["kubernetes", "lambda", "ray_serve", "file"])
        let entries = try reader.entries()
        guard entries.count == 1, let (kind, r) = entries.first else {
            throw reader.error("give exactly one sink: kubernetes, lambda, ray_serve or file")
        }
        switch kind {
        case "kubernetes":
            try r.rejectUnknownKeys(["server", "namespace", "token", "token_file", "ca_file", "deployments", "container",
                                     "variant_env", "batch_size_env"])
            let server = try r.required("server").string()
            var token = try r.optional("token")?.string()
            if let tokenFile = try r.optional("token_file") {
                guard token == nil else { throw tokenFile.error("give token or token_file, not both") }
                let path = resolve(try tokenFile.string())
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw tokenFile.error("cannot read '\(path)'")
                }
                token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let ca = (try r.optional("ca_file")?.string()).map(resolve)
            let deployments = try stringMap(try r.required("deployments"))
            return .kubernetes(KubernetesSettings(
                server: server, namespace: try r.optional("namespace")?.string() ?? "default", token: token, caFile: ca,
                deployments: deployments, container: try r.optional("container")?.string(),
                variantEnv: try r.optional("variant_env")?.string() ?? "MODEL_VARIANT",
                batchSizeEnv: try r.optional("batch_size_env")?.string() ?? "MAX_BATCH_SIZE"))
        case "lambda":
            try r.rejectUnknownKeys(["endpoint", "region", "functions", "variant_env"])
            return .lambda(LambdaSettings(
                endpoint: try r.optional("endpoint")?.string(), region: try r.required("region").string(),
                functions: try stringMap(try r.required("functions")),
                variantEnv: try r.optional("variant_env")?.string() ?? "MODEL_VARIANT"))
        case "ray_serve":
            try r.rejectUnknownKeys(["address", "application", "deployments", "variant_key", "batch_size_key", "wait_seconds"])
            let addressReader = try r.required("address")
            let address = try addressReader.string()
            guard address.hasPrefix("http://") || address.hasPrefix("https://") else {
                throw addressReader.error("'\(address)' is not an http(s) URL (the Ray dashboard, e.g. http://127.0.0.1:8265)")
            }
            let wait = try positive(r.optional("wait_seconds")) ?? 120
            return .rayServe(RayServeSettings(
                address: address, application: try r.required("application").string(),
                deployments: try stringMap(try r.required("deployments")),
                variantKey: try r.optional("variant_key")?.string() ?? "variant",
                batchSizeKey: try r.optional("batch_size_key")?.string() ?? "max_batch_size",
                waitTimeout: .milliseconds(Int64((wait * 1000).rounded()))))
        default:
            try r.rejectUnknownKeys(["path", "format"])
            let formatReader = try r.optional("format")
            var format: FileSink.Format?
            if let formatReader {
                let text = try formatReader.string()
                guard let f = FileSink.Format(rawValue: text) else { throw formatReader.error("'\(text)' is not json or yaml") }
                format = f
            }
            return .file(path: resolve(try r.required("path").string()), format: format)
        }
    }

    static func parseGuardrails(_ reader: FieldReader?) throws(TrimtabError) -> Guardrails {
        var g = Guardrails()
        guard let reader else { return g }
        try reader.rejectUnknownKeys(["min_seconds_between_changes", "max_scale_down_step", "min_gain", "min_replicas", "max_replicas"])
        if let r = try reader.optional("min_seconds_between_changes") {
            g.minSecondsBetweenChanges = try r.double()
            guard g.minSecondsBetweenChanges >= 0 else { throw r.error("must not be negative") }
        }
        if let r = try reader.optional("max_scale_down_step") {
            g.maxScaleDownStep = try r.int()
            guard g.maxScaleDownStep >= 1 else { throw r.error("must be at least 1") }
        }
        if let r = try reader.optional("min_gain") {
            g.minGain = try r.double()
            guard g.minGain >= 0 else { throw r.error("must not be negative") }
        }
        if let r = try reader.optional("min_replicas") {
            g.minReplicas = try r.int()
            guard g.minReplicas >= 1 else { throw r.error("must be at least 1 (the controller never scales to zero)") }
        }
        if let r = try reader.optional("max_replicas") {
            g.maxReplicas = try r.int()
            guard g.maxReplicas >= g.minReplicas else { throw r.error("must be at least min_replicas (\(g.minReplicas))") }
        }
        return g
    }

    /// `objective: weighted | accuracy | cost` (the names of `trimtab adapt --objective`;
    /// `accuracy-then-cost` and `cost-then-accuracy` are accepted too) and, for weighted,
    /// `weights: {alpha, beta, gamma}` (defaults 3, 1, 0.0001 as `trimtab adapt`).
    static func parseObjective(_ reader: FieldReader?, weights: FieldReader?) throws(TrimtabError) -> PipelineObjective? {
        guard reader != nil || weights != nil else { return nil }
        let name = try reader?.string() ?? "weighted"
        switch name {
        case "weighted":
            var alpha = 3.0, beta = 1.0, gamma = 0.0001
            if let weights {
                guard case .map = weights.value else { throw weights.error("must be a mapping {alpha, beta, gamma}") }
                try weights.rejectUnknownKeys(["alpha", "beta", "gamma"])
                for (key, target) in [("alpha", 0), ("beta", 1), ("gamma", 2)] {
                    guard let r = try weights.optional(key) else { continue }
                    let v = try r.double()
                    guard v.isFinite, v >= 0 else { throw r.error("\(v) must be a non-negative number") }
                    switch target {
                    case 0: alpha = v
                    case 1: beta = v
                    default: gamma = v
                    }
                }
            }
            return .weighted(alpha: alpha, beta: beta, gamma: gamma)
        case "accuracy", "accuracy-then-cost", "cost", "cost-then-accuracy":
            if let weights { throw weights.error("weights apply only to objective weighted (objective is \(name))") }
            return name.hasPrefix("accuracy") ? .accuracyThenCost : .costThenAccuracy
        default:
            throw TrimtabError(field: reader?.path ?? "objective",
                               "'\(name)' is not an objective (expected weighted, accuracy or cost)")
        }
    }

    static func stringMap(_ reader: FieldReader) throws(TrimtabError) -> [String: String] {
        var map: [String: String] = [:]
        for (key, r) in try reader.entries() { map[key] = try r.string() }
        guard !map.isEmpty else { throw reader.error("at least one stage is required") }
        return map
    }

    static func positive(_ reader: FieldReader?) throws(TrimtabError) -> Double? {
        guard let reader else { return nil }
        let v = try reader.double()
        guard v > 0 else { throw reader.error("\(v) must be positive") }
        return v
    }
}
