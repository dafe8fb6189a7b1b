import Foundation
import TrimtabModel
import Yams

/// Writes each applied configuration to a file (JSON or YAML), for GitOps users: a pipeline
/// that commits the file does the rollout. Stages not in the current call keep their last value.
public actor FileSink: ConfigurationSink {
    public enum Format: String, Sendable { case json, yaml }
    public nonisolated let kind = "file"
    public let path: String
    public let format: Format
    private var state: [String: StageSetting] = [:]

    public init(path: String, format: Format? = nil) {
        self.path = path
        self.format = format ?? (path.hasSuffix(".yaml") || path.hasSuffix(".yml") ? .yaml : .json)
    }

    public func apply(_ settings: [StageSetting]) async -> SinkReport {
        for s in settings { state[s.stage] = merged(state[s.stage], s) }
        do {
            try write()
            return SinkReport(applied: settings.map(\.stage))
        } catch {
            return SinkReport(failed: settings.map { StageFailure(stage: $0.stage, message: "file \(path): \(error)") })
        }
    }

    private func merged(_ old: StageSetting?, _ new: StageSetting) -> StageSetting {
        old.map { $0.applying(new) } ?? new
    }

    /// The document written: `{stages: {name: {variant, memory_mb, …}}}`, stages sorted by name.
    func document() -> [String: Any] {
        var stages: [String: Any] = [:]
        for (name, s) in state {
            var fields: [String: Any] = [:]
            if let v = s.variant { fields["variant"] = v }
            if let v = s.memoryMB { fields["memory_mb"] = v }
            if let v = s.batchSize { fields["batch_size"] = v }
            if let v = s.cpuCores { fields["cpu_cores"] = v }
            if let v = s.replicas { fields["replicas"] = v }
            if let v = s.concurrency { fields["concurrency"] = v }
            stages[name] = fields
        }
        return ["stages": stages]
    }

    private func write() throws {
        let text: String
        switch format {
        case .json:
            let data = try JSONSerialization.data(withJSONObject: document(), options: [.prettyPrinted, .sortedKeys])
            text = String(decoding: data, as: UTF8.self) + "\n"
        case .yaml:
            text = try Yams.dump(object: document(), sortKeys: true)
        }
        // Write then rename, so a reader never sees half a file.
        let temporary = path + ".tmp"
        try text.write(toFile: temporary, atomically: false, encoding: .utf8)
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }
}
