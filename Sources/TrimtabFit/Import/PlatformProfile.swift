import Foundation
import TrimtabModel

/// What an orchestration platform adds to a workflow run beyond its functions' durations,
/// learned once from workflows that ran (`trimtab calibrate step-functions`) and applied to
/// workflows that have not (`trimtab import step-functions --platform`). docs/fit.md
/// describes the file.
///
/// Model: a run's orchestration time is `per_run_ms + per_task_ms × k + ε`, where k is the
/// number of Task invocations on the run's critical path and ε the per-run residual, whose
/// distribution (mean ≈ 0) is `spread_ms`.
public struct PlatformProfile: Sendable, Equatable {
    public static let kindName = "trimtab-platform-profile"
    public static let version = 1
    /// The platforms a profile can describe; an import applies only a profile of its own platform.
    public static let stepFunctions = "aws-step-functions"

    public var platform: String
    /// Fixed time per run (ms): start and end of the execution.
    public var perRunMs: Double
    /// Time per Task invocation on the critical path (ms): the state transition around it.
    public var perTaskMs: Double
    /// The per-run residual (ms).
    public var spreadMs: QuantileFunction?
    /// Where it was learned: runs used and the workflows they came from.
    public var runs: Int
    public var workflows: [String]
    /// Standard deviation of the residual (ms).
    public var residualSdMs: Double

    public init(platform: String = PlatformProfile.stepFunctions, perRunMs: Double, perTaskMs: Double, spreadMs: QuantileFunction?,
                runs: Int, workflows: [String], residualSdMs: Double) {
        self.platform = platform
        self.perRunMs = perRunMs
        self.perTaskMs = perTaskMs
        self.spreadMs = spreadMs
        self.runs = runs
        self.workflows = workflows
        self.residualSdMs = residualSdMs
    }

    /// Reads a profile file (YAML or JSON); every error names the file and field.
    public static func load(path: String) throws(TrimtabError) -> PlatformProfile {
        do throws(TrimtabError) {
            return try parse(try Value.load(path: path))
        } catch {
            throw error.inFile(path)
        }
    }

    /// Field-level parsing.
    public static func parse(_ value: Value) throws(TrimtabError) -> PlatformProfile {
        let root = FieldReader(value)
        guard case .map = value else { throw root.error("a platform profile must be a mapping, found \(value.kindName)") }
        let kind = try root.required("kind")
        let kindText = try kind.string()
        guard kindText == kindName else {
            throw kind.error("'\(kindText)' is not a platform profile (expected \(kindName); trimtab calibrate writes one)")
        }
        let v = try root.required("version")
        let version = try v.int()
        guard version == PlatformProfile.version else {
            throw v.error("version \(version) is not supported (this trimtab reads version \(PlatformProfile.version))")
        }
        try root.rejectUnknownKeys(["kind", "version", "platform", "overhead", "calibration"])
        let p = try root.required("platform")
        let platform = try p.string()
        guard platform == stepFunctions else {
            throw p.error("'\(platform)' is not a platform trimtab can calibrate (expected \(stepFunctions))")
        }
        let overhead = try root.required("overhead")
        try overhead.rejectUnknownKeys(["per_run_ms", "per_task_ms", "spread_ms"])
        func nonNegative(_ key: String) throws(TrimtabError) -> Double {
            let r = try overhead.required(key)
            let x = try r.double()
            guard x.isFinite, x >= 0 else { throw r.error("\(x) must be a non-negative number") }
            return x
        }
        let perRun = try nonNegative("per_run_ms")
        let perTask = try nonNegative("per_task_ms")
        let spread = try overhead.optional("spread_ms").map { r throws(TrimtabError) in try WorkflowParser.quantileFunction(r) }
        var runs = 0, workflows: [String] = [], sd = 0.0
        if let c = try root.optional("calibration") {
            try c.rejectUnknownKeys(["runs", "workflows", "residual_sd_ms"])
            if let r = try c.optional("runs") { runs = try r.int() }
            if let w = try c.optional("workflows") { workflows = try w.items().map { r throws(TrimtabError) in try r.string() } }
            if let r = try c.optional("residual_sd_ms") { sd = try r.double() }
        }
        return PlatformProfile(platform: platform, perRunMs: perRun, perTaskMs: perTask, spreadMs: spread, runs: runs,
                               workflows: workflows, residualSdMs: sd)
    }

    /// The profile as YAML.
    public func yaml() -> String {
        var out = "# Written by trimtab calibrate step-functions: orchestration time per run =\n"
        out += "# per_run_ms + per_task_ms x (Task invocations on the critical path) + a residual drawn from spread_ms.\n"
        out += "kind: \(Self.kindName)\nversion: \(Self.version)\nplatform: \(platform)\n"
        out += "overhead:\n  per_run_ms: \(YAMLWriter.number(perRunMs))\n  per_task_ms: \(YAMLWriter.number(perTaskMs))\n"
        if let s = spreadMs { out += "  spread_ms: \(YAMLWriter.quantileFunction(s))\n" }
        out += "calibration:\n  runs: \(runs)\n  workflows: [\(workflows.map { YAMLWriter.scalar($0) }.joined(separator: ", "))]\n"
        out += "  residual_sd_ms: \(YAMLWriter.number(residualSdMs))\n"
        return out
    }
}
