import Foundation

/// Reads a configuration file: `{"configuration": {stage: {variant?, memory_mb, …}}}` (JSON or YAML).
///
/// Besides the spec's `variant` and `memory_mb`, a stage may carry the extensions `batch_size`,
/// `batch_timeout_ms` (batching), `replicas` and `cores` (Kubernetes).
public enum ConfigurationParser {
    public static func load(path: String) throws(TrimtabError) -> Configuration {
        let value = try Value.load(path: path)
        do {
            return try parse(FieldReader(value).required("configuration"))
        } catch {
            throw error.inFile(path)
        }
    }

    /// Parses the object that maps stage names to their choices.
    public static func parse(_ body: FieldReader) throws(TrimtabError) -> Configuration {
        var result: Configuration = [:]
        for (name, reader) in try body.entries() {
            try reader.rejectUnknownKeys(["variant", "memory_mb", "batch_size", "batch_timeout_ms", "replicas", "cores"])
            let memoryReader = try reader.required("memory_mb")
            let memory = try memoryReader.int()
            guard memory > 0 else { throw memoryReader.error("\(memory) must be a positive number of MB") }
            var choice = StageChoice(variant: try reader.optional("variant")?.string(), memoryMB: memory)
            if let r = try reader.optional("batch_size") {
                let b = try r.int()
                guard b >= 1 else { throw r.error("\(b) must be at least 1") }
                choice.batchSize = b
            }
            if let r = try reader.optional("batch_timeout_ms") {
                let t = try r.double()
                guard t >= 0 else { throw r.error("\(t) must not be negative") }
                choice.batchTimeoutMs = t
            }
            if let r = try reader.optional("replicas") {
                let n = try r.int()
                guard n >= 1 else { throw r.error("\(n) must be at least 1") }
                choice.replicas = n
            }
            if let r = try reader.optional("cores") {
                let c = try r.double()
                guard c > 0 else { throw r.error("\(c) must be positive") }
                choice.cores = c
            }
            result[name] = choice
        }
        return result
    }
}
