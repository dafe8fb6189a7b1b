import ArgumentParser
import Foundation
import TrimtabAdapters
import TrimtabControl
import TrimtabKit
import TrimtabModel

/// `trimtab history --db FILE [--since T] [--format table|json|csv]`: the control loop's record.
struct HistoryCommand: ResultCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show the control loop's history: every iteration's load, forecast, plan, changes and errors.",
        discussion: """
        --since takes seconds since 1970, an ISO 8601 time (2026-11-22T16:00:00Z) or
        a duration back from now (90s, 15m, 2h, 1d).

        Example:
          trimtab history --db trimtab-history.sqlite --since 1h
        """)

    @Option(help: "The history database (SQLite) of `trimtab control`.")
    var db: String
    @Option(help: "Only iterations at or after this time.")
    var since: String?
    @Option(help: "Output: table, json or csv.")
    var format: String = "table"

    func execute() throws -> CommandResult {
        guard ["table", "json", "csv"].contains(format) else {
            throw TrimtabError(field: "--format", "'\(format)' is not a format (expected table, json or csv)")
        }
        let start = try since.map { s throws(TrimtabError) in try Self.parseTime(s, now: Date().timeIntervalSince1970) }
        let store = try HistoryStore(readingExisting: db)
        let records: [IterationRecord]
        do { records = try store.records(since: start) } catch {
            throw TrimtabError(code: .io, file: db, "cannot read the history: \(error)")
        }
        switch format {
        case "json":
            return CommandResult(stdout: JSONValue.array(records.map(Self.json)).render() + "\n")
        case "csv":
            var out = "id,time,load,forecast,outcome,configuration,changes,applied_stages,reason,errors,plan_ms\n"
            for r in records {
                let id: String = r.id.map { String($0) } ?? ""
                let load: String = r.load.map(Self.number) ?? ""
                let forecast: String = r.forecast.map(Self.number) ?? ""
                let planMs: String = r.planMilliseconds.map(Self.number) ?? ""
                let fields: [String] = [id, Self.iso(r.time), load, forecast, r.outcome.rawValue,
                                        Self.compact(r.configuration), Self.compact(r.changes),
                                        r.appliedStages.joined(separator: " "), r.reason, r.errors.map(FailureMessage.clean).joined(separator: " | "), planMs]
                out += fields.map(Self.csvField).joined(separator: ",") + "\n"
            }
            return CommandResult(stdout: out)
        default:
            let rows = records.map { r in
                [Self.iso(r.time), r.load.map { String(format: "%.2f", $0) } ?? "—", r.forecast.map { String(format: "%.2f", $0) } ?? "—",
                 r.outcome.rawValue, Self.compact(r.changes), r.reason + (r.errors.isEmpty ? "" : " [" + r.errors.map(FailureMessage.clean).joined(separator: " | ") + "]")]
            }
            if rows.isEmpty { return CommandResult(stdout: "no iterations recorded\n") }
            return CommandResult(stdout: Render.table(["time", "load/s", "forecast/s", "outcome", "changes", "reason"], rows))
        }
    }

    static func json(_ r: IterationRecord) -> JSONValue {
        .object([
            ("id", r.id.map { .integer(Int($0)) } ?? .null),
            ("time", .string(iso(r.time))),
            ("load", r.load.map { .number($0) } ?? .null),
            ("forecast", r.forecast.map { .number($0) } ?? .null),
            ("outcome", .string(r.outcome.rawValue)),
            ("applied", .bool(r.applied)),
            ("configuration", ControlCommand.settingsJSON(r.configuration)),
            ("changes", ControlCommand.settingsJSON(r.changes)),
            ("applied_stages", .array(r.appliedStages.map { .string($0) })),
            ("reason", .string(r.reason)),
            ("errors", .array(r.errors.map { .string(FailureMessage.clean($0)) })),
            ("plan_ms", r.planMilliseconds.map { .number($0) } ?? .null),
        ])
    }

    /// `stage: variant/memory ×replicas` for each setting, separated by "; ".
    static func compact(_ settings: [StageSetting]) -> String {
        settings.map { s in
            var parts: [String] = []
            if let v = s.variant { parts.append(v) }
            if let m = s.memoryMB { parts.append("\(m)MB") }
            if let b = s.batchSize { parts.append("batch \(b)") }
            if let r = s.replicas { parts.append("×\(r)") }
            if let c = s.concurrency { parts.append("conc \(c)") }
            return "\(s.stage): " + parts.joined(separator: " ")
        }.joined(separator: "; ")
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func number(_ x: Double) -> String { JSONValue.format(x) }

    static func iso(_ t: Double) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date(timeIntervalSince1970: t))
    }

    /// Seconds since 1970 from a number, an ISO 8601 time or a duration back from `now`.
    static func parseTime(_ text: String, now: Double) throws(TrimtabError) -> Double {
        if let seconds = Double(text), seconds.isFinite { return seconds }
        if let date = ISO8601DateFormatter().date(from: text) { return date.timeIntervalSince1970 }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last, let factor = units[unit], let amount = Double(text.dropLast()), amount.isFinite, amount >= 0 {
            return now - amount * factor
        }
        throw TrimtabError(field: "--since", "'\(text)' is not a time (seconds since 1970, ISO 8601, or a duration like 15m)")
    }
}
