import Foundation

extension WorkflowParser {
    static let simulationKeys: Set<String> = ["cold_start_ms", "keep_alive_s", "concurrency_limit", "on_limit", "service_time", "stages"]
    static let stageSimulationKeys: Set<String> = ["cold_start_ms", "keep_alive_s", "concurrency_limit", "on_limit", "service_time"]

    /// Reads the extension block `simulation:` (workflow-wide settings and `stages: {NAME: {…}}`
    /// overrides) and `platform.price_per_core_hour`.
    static func parseSimulationProfile(_ root: FieldReader, stageNames: Set<String>) throws(TrimtabError) -> SimulationProfile {
        var profile = SimulationProfile()
        if let platform = try root.optional("platform"), let r = try platform.optional("price_per_core_hour") {
            profile.pricePerCoreHour = try price(r)
        }
        guard let reader = try root.optional("simulation") else { return profile }
        try reader.rejectUnknownKeys(simulationKeys)
        profile.defaults = try parseStageSimulation(reader)
        if let stages = try reader.optional("stages") {
            for (name, r) in try stages.entries() {
                guard stageNames.contains(name) else { throw r.error("unknown stage '\(name)'") }
                try r.rejectUnknownKeys(stageSimulationKeys)
                profile.stages[name] = try parseStageSimulation(r)
            }
        }
        return profile
    }

    static func parseStageSimulation(_ reader: FieldReader) throws(TrimtabError) -> StageSimulation {
        var s = StageSimulation()
        if let r = try reader.optional("cold_start_ms") {
            let v = try r.double()
            guard v >= 0 else { throw r.error("\(format(v)) must not be negative") }
            try checkLatency(v, r)
            s.coldStartMs = v
        }
        if let r = try reader.optional("keep_alive_s") {
            let v = try r.double()
            guard v >= 0 else { throw r.error("\(format(v)) must not be negative") }
            s.keepAliveS = v
        }
        if let r = try reader.optional("concurrency_limit") {
            let v = try r.int()
            guard v >= 1 else { throw r.error("\(v) must be at least 1") }
            s.concurrencyLimit = v
        }
        if let r = try reader.optional("on_limit") {
            let text = try r.string()
            guard let policy = LimitPolicy(rawValue: text) else { throw r.error("'\(text)' is not queue or throttle") }
            s.onLimit = policy
        }
        if let r = try reader.optional("service_time") { s.serviceTime = try parseServiceTime(r) }
        return s
    }

    /// `deterministic`, `exponential`, `lognormal:CV`, or `{distribution: lognormal, cv: X}` /
    /// `{distribution: empirical, file: F.csv, column: C, where: {COLUMN: VALUE}}`.
    static func parseServiceTime(_ reader: FieldReader) throws(TrimtabError) -> ServiceTimeSpec {
        if case .scalar = reader.value {
            let text = try reader.string()
            guard let spec = ServiceTimeSpec.parse(text) else {
                throw reader.error(ServiceTimeSpec.problem(text))
            }
            return spec
        }
        try reader.rejectUnknownKeys(["distribution", "cv", "file", "column", "where"])
        let kindReader = try reader.required("distribution")
        switch try kindReader.string() {
        case "deterministic": return .deterministic
        case "exponential": return .exponential
        case "lognormal":
            let r = try reader.required("cv")
            let cv = try r.double()
            guard cv > 0 else { throw r.error("\(format(cv)) must be positive") }
            guard cv <= ServiceTimeSpec.maxCV else { throw r.error(ServiceTimeSpec.cvLimitMessage(cv)) }
            return .lognormal(cv: cv)
        case "empirical":
            let file = try reader.required("file").string()
            let column = try reader.optional("column")?.string() ?? "Duration"
            var filter: [String: String] = [:]
            if let w = try reader.optional("where") {
                for (key, r) in try w.entries() { filter[key] = try r.string() }
            }
            return .empirical(file: file, column: column, filter: filter)
        case let other:
            throw kindReader.error("'\(other)' is not a distribution (expected deterministic, exponential, lognormal or empirical)")
        }
    }
}
