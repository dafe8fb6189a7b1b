import TrimtabModel

/// The kinds of file Trimtab reads, recognised by their top-level keys, so that a file given to
/// the wrong command is named for what it is ("this is a trimtab control configuration, not a
/// workflow; use trimtab control FILE --dry-run") instead of failing on its first unknown field.
public enum DocumentKind: Equatable, Sendable {
    case workflow
    case controlConfiguration
    case workerModel
    case jobPlan
    case measuredJobs
    case configuration
    case kubernetesManifest
    case stepFunctions

    /// What the file is, in a phrase.
    public var phrase: String {
        switch self {
        case .workflow: return "a v1 workflow"
        case .controlConfiguration: return "a trimtab control configuration"
        case .workerModel: return "a trimtab job worker model"
        case .jobPlan: return "a trimtab job plan"
        case .measuredJobs: return "a list of measured jobs"
        case .configuration: return "a configuration (a plan's output)"
        case .kubernetesManifest: return "a Kubernetes manifest"
        case .stepFunctions: return "an Amazon States Language definition"
        }
    }

    /// The command that reads such a file.
    public func usage(_ file: String) -> String {
        switch self {
        case .workflow: return "trimtab validate \(file)"
        case .controlConfiguration: return "trimtab control \(file) --dry-run"
        case .workerModel: return "trimtab job plan --model \(file)"
        case .jobPlan: return "trimtab job run --plan \(file) or trimtab job manifest --plan \(file)"
        case .measuredJobs: return "trimtab job fit \(file)"
        case .configuration: return "trimtab evaluate WORKFLOW --config \(file)"
        case .kubernetesManifest: return "kubectl apply -f \(file)"
        case .stepFunctions: return "trimtab import step-functions \(file) --logs LOGS.csv"
        }
    }

    /// Recognises a document by its top-level keys; nil when it looks like none of the kinds.
    public static func recognise(_ value: Value) -> DocumentKind? {
        if case .list(let items, _) = value {
            guard case .map(let pairs, _)? = items.first else { return nil }
            return pairs.contains { $0.key == "num_images" || $0.key == "num_task_managers" } ? .measuredJobs : nil
        }
        guard case .map(let pairs, _) = value else { return nil }
        let keys = Set(pairs.map(\.key))
        let kind = pairs.first { $0.key == "kind" }.flatMap { pair -> String? in
            if case .scalar(let text, _, _) = pair.value { return text }
            return nil
        }
        if kind == "trimtab-job-model" { return .workerModel }
        if keys.contains("stages") || keys.contains("edges") { return .workflow }
        if keys.contains("apiVersion") && kind != nil { return .kubernetesManifest }
        if keys.contains("States") && keys.contains("StartAt") { return .stepFunctions }
        if keys.contains("workflow") && (keys.contains("sink") || keys.contains("prometheus")) { return .controlConfiguration }
        if keys.contains("split_size") || keys.contains("closest") && keys.contains("relative_gap") { return .jobPlan }
        if keys.contains("workers") && (keys.contains("split_sizes") || keys.contains("makespan")) { return .workerModel }
        if keys.contains("configuration") { return .configuration }
        return nil
    }

    /// The error for `file` given where a file of kind `expected` belongs, when it is recognisably
    /// another kind of trimtab file; nil when it is not (the reader's own error then stands).
    public static func misplaced(_ file: String, expected: DocumentKind) -> TrimtabError? {
        guard let value = try? Value.load(path: file), let kind = recognise(value), kind != expected else { return nil }
        return TrimtabError(file: file, "this is \(kind.phrase), not \(expected.phrase); use \(kind.usage(file))")
    }
}
