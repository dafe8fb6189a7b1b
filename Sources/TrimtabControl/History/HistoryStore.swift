import Foundation
import GRDB
import TrimtabAdapters
import TrimtabModel

/// Every iteration of the loop, in an embedded SQLite database (GRDB).
public final class HistoryStore: Sendable {
    private let queue: DatabaseQueue
    public let path: String
    /// Held while this store writes a file database: one loop per history.
    private let lock: HistoryLock?

    /// Opens (creating if needed) the database at `path`; `:memory:` for an in-memory one.
    /// Throws `unavailable` when another control loop holds the history (`HistoryLock`).
    public init(path: String) throws {
        self.path = path
        lock = path == ":memory:" ? nil : try HistoryLock(database: path)
        do {
            queue = path == ":memory:" ? try DatabaseQueue() : try DatabaseQueue(path: path)
            try Self.migrator.migrate(queue)
        } catch {
            throw TrimtabError(code: .io, file: path, field: "database", "cannot open the history database: \(Self.describe(error))")
        }
    }

    /// Opens an existing database read-only (for `trimtab history`); fails if there is none.
    public init(readingExisting path: String) throws {
        self.path = path
        lock = nil
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrimtabError(code: .io, file: path, "no such history database")
        }
        do {
            var configuration = GRDB.Configuration()
            configuration.readonly = true
            queue = try DatabaseQueue(path: path, configuration: configuration)
            _ = try queue.read { db in try db.tableExists("iterations") }
        } catch {
            throw TrimtabError(code: .io, file: path, "not a history database: \(Self.describe(error))")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "iterations") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("time", .double).notNull().indexed()
                t.column("load", .double)
                t.column("forecast", .double)
                t.column("configuration", .text).notNull()
                t.column("changes", .text).notNull()
                t.column("applied_stages", .text).notNull()
                t.column("outcome", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("errors", .text).notNull()
                t.column("plan_ms", .double)
            }
        }
        return migrator
    }

    /// Appends `record`; returns its id.
    @discardableResult
    public func append(_ record: IterationRecord) throws -> Int64 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let configuration = String(decoding: try encoder.encode(record.configuration), as: UTF8.self)
        let changes = String(decoding: try encoder.encode(record.changes), as: UTF8.self)
        let stages = String(decoding: try encoder.encode(record.appliedStages), as: UTF8.self)
        let errors = String(decoding: try encoder.encode(record.errors), as: UTF8.self)
        return try queue.write { db in
            try db.execute(sql: """
                INSERT INTO iterations (time, load, forecast, configuration, changes, applied_stages, outcome, reason, errors, plan_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [record.time, record.load, record.forecast, configuration, changes, stages,
                                 record.outcome.rawValue, record.reason, errors, record.planMilliseconds])
            return db.lastInsertedRowID
        }
    }

    /// The iterations at or after `since` (seconds since 1970), oldest first.
    public func records(since: Double? = nil) throws -> [IterationRecord] {
        let decoder = JSONDecoder()
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM iterations WHERE time >= ? ORDER BY time, id",
                             arguments: [since ?? -Double.greatestFiniteMagnitude])
        }
        return try rows.map { row in
            func decode<T: Decodable>(_ column: String, as: T.Type) throws -> T {
                let text: String = row[column] ?? "[]"
                return try decoder.decode(T.self, from: Data(text.utf8))
            }
            let outcomeText: String = row["outcome"] ?? ""
            return IterationRecord(
                id: row["id"], time: row["time"] ?? 0, load: row["load"], forecast: row["forecast"],
                configuration: try decode("configuration", as: [StageSetting].self),
                changes: try decode("changes", as: [StageSetting].self),
                appliedStages: try decode("applied_stages", as: [String].self),
                outcome: IterationRecord.Outcome(rawValue: outcomeText) ?? .failed,
                reason: row["reason"] ?? "", errors: try decode("errors", as: [String].self),
                planMilliseconds: row["plan_ms"])
        }
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        return "\(error)"
    }
}
