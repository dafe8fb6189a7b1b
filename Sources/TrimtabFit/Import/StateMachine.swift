import Foundation
import TrimtabModel

/// An Amazon States Language definition: the states the importer understands.
public struct StateMachine: Sendable {
    public enum Kind: Sendable {
        /// A Lambda invocation of `function`.
        case task(function: String)
        case parallel(branches: [StateMachine])
        /// `choices` are the Next of each rule; `defaultNext` the Default.
        case choice(choices: [String], defaultNext: String?)
        case pass
        /// A fixed delay (ms); nil when given by a path.
        case wait(ms: Double?)
        /// Runs `iterator` once per item; `concurrency` 1 means one after the other.
        case map(iterator: StateMachine, concurrency: Int)
        /// Succeed or Fail: the machine ends.
        case terminal
    }

    public struct State: Sendable {
        public var name: String
        public var kind: Kind
        /// The next state; nil when the state ends its machine.
        public var next: String?
    }

    public var startAt: String
    /// States in file order.
    public var states: [State]

    public func state(_ name: String) -> State? { states.first { $0.name == name } }

    /// Reads a definition file.
    public static func load(path: String) throws(TrimtabError) -> StateMachine {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrimtabError(code: .io, file: path, "cannot read the file")
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            var field: String? = nil
            if let text = String(data: data, encoding: .utf8) { do { _ = try Value.parseYAML(text) } catch { field = error.field } }
            throw TrimtabError(file: path, field: field, "malformed JSON")
        }
        do { return try parse(object, path: "") } catch { throw error.inFile(path) }
    }

    static func parse(_ object: Any, path: String) throws(TrimtabError) -> StateMachine {
        func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
        guard let dict = object as? [String: Any] else { throw TrimtabError(field: path.isEmpty ? nil : path, "a state machine must be an object") }
        guard let start = dict["StartAt"] as? String else { throw TrimtabError(field: field("StartAt"), "is required (a state name)") }
        guard let statesObject = dict["States"] as? [String: Any], !statesObject.isEmpty else {
            throw TrimtabError(field: field("States"), "is required (an object of states)")
        }
        var states: [State] = []
        for name in statesObject.keys.sorted() {
            let p = field("States.\(name)")
            guard let s = statesObject[name] as? [String: Any] else { throw TrimtabError(field: p, "a state must be an object") }
            guard let type = s["Type"] as? String else { throw TrimtabError(field: "\(p).Type", "is required") }
            let next = s["Next"] as? String
            if next == nil && (s["End"] as? Bool) != true && !["Choice", "Succeed", "Fail"].contains(type) {
                throw TrimtabError(field: p, "has neither Next nor End: true")
            }
            let kind: Kind
            switch type {
            case "Task": kind = .task(function: try functionName(s, path: p))
            case "Parallel":
                guard let branches = s["Branches"] as? [Any], !branches.isEmpty else { throw TrimtabError(field: "\(p).Branches", "is required (a list of state machines)") }
                var parsed: [StateMachine] = []
                for (i, b) in branches.enumerated() { parsed.append(try parse(b, path: "\(p).Branches[\(i)]")) }
                kind = .parallel(branches: parsed)
            case "Choice":
                guard let rules = s["Choices"] as? [Any], !rules.isEmpty else { throw TrimtabError(field: "\(p).Choices", "is required (a list of rules)") }
                var nexts: [String] = []
                for (i, r) in rules.enumerated() {
                    guard let n = (r as? [String: Any])?["Next"] as? String else { throw TrimtabError(field: "\(p).Choices[\(i)].Next", "is required") }
                    nexts.append(n)
                }
                kind = .choice(choices: nexts, defaultNext: s["Default"] as? String)
            case "Pass": kind = .pass
            case "Wait": kind = .wait(ms: (s["Seconds"] as? Double).map { $0 * 1000 })
            case "Map":
                guard let iterator = s["Iterator"] ?? s["ItemProcessor"] else { throw TrimtabError(field: "\(p).Iterator", "is required") }
                kind = .map(iterator: try parse(iterator, path: "\(p).Iterator"), concurrency: s["MaxConcurrency"] as? Int ?? 0)
            case "Succeed", "Fail": kind = .terminal
            default: throw TrimtabError(field: "\(p).Type", "'\(type)' is not a state type the importer knows (Task, Parallel, Choice, Pass, Wait, Map, Succeed, Fail)")
            }
            states.append(State(name: name, kind: kind, next: type == "Choice" ? nil : next))
        }
        let names = Set(states.map(\.name))
        guard names.contains(start) else { throw TrimtabError(field: field("StartAt"), "'\(start)' is not a state") }
        for s in states {
            var targets: [String] = s.next.map { [$0] } ?? []
            if case .choice(let c, let d) = s.kind { targets += c + (d.map { [$0] } ?? []) }
            for t in targets where !names.contains(t) {
                throw TrimtabError(field: field("States.\(s.name)"), "goes to '\(t)', which is not a state of its machine")
            }
        }
        return StateMachine(startAt: start, states: states)
    }

    /// The Lambda function a Task invokes: from a Lambda ARN, or from
    /// `arn:aws:states:::lambda:invoke` with `Parameters.FunctionName`.
    static func functionName(_ s: [String: Any], path: String) throws(TrimtabError) -> String {
        guard let resource = s["Resource"] as? String else { throw TrimtabError(field: "\(path).Resource", "is required") }
        var arn = resource
        if resource.contains(":states:::lambda:invoke") {
            guard let fn = (s["Parameters"] as? [String: Any])?["FunctionName"] as? String else {
                throw TrimtabError(field: "\(path).Parameters.FunctionName", "is required for lambda:invoke (a literal name or ARN)")
            }
            arn = fn
        }
        let parts = arn.split(separator: ":").map(String.init)
        if let i = parts.firstIndex(of: "function"), i + 1 < parts.count { return parts[i + 1] }
        if parts.count == 1 { return arn }
        throw TrimtabError(field: "\(path).Resource", "'\(resource)' is not a Lambda function ARN")
    }
}
