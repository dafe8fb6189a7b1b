import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrimtabAdapters
@testable import TrimtabCLI
import TrimtabControl
import TrimtabKit
import TrimtabModel
import TrimtabServer

/// `trimtab serve --history DB`: `GET /v1/history` answers what `trimtab history --format json`
/// prints for the same database and `since`, and the document lists the route.
struct ServeHistoryTests {
    @Test func historyOverHTTPEqualsTheHistoryCommand() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trimtab-serve-history-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("history.sqlite").path
        do {
            let store = try HistoryStore(path: db)
            for (i, load) in [12.0, 30.5, 18.25].enumerated() {
                let setting = StageSetting(stage: "detect", variant: i == 1 ? "yolov5s" : "yolov5n", replicas: i + 1)
                _ = try store.append(IterationRecord(time: 1_800_000_000 + Double(i) * 30, load: load, forecast: load * 1.1,
                                                     configuration: [setting], changes: i == 0 ? [] : [setting], appliedStages: i == 0 ? [] : ["detect"],
                                                     outcome: i == 0 ? .unchanged : .applied, reason: "test \(i)", errors: [], planMilliseconds: 1.5))
            }
        }
        var server = TrimtabServer(maxConcurrentSolves: 4)
        server.history = { since throws(TrimtabError) in try ServeCommand.readHistory(db, since: since) }
        let app = Application(router: server.router())
        try await app.test(.router) { client in
            for since in [nil, "1800000030"] as [String?] {
                let cli = CLI.run(["history", "--db", db, "--format", "json"] + (since.map { ["--since", $0] } ?? []))
                #expect(cli.status == 0, "\(cli.stderr)")
                let r = try await client.execute(uri: "/v1/history" + (since.map { "?since=\($0)" } ?? ""), method: .get)
                #expect(r.status == .ok)
                #expect(String(buffer: r.body ?? ByteBuffer()) == cli.stdout)
            }
            let all = try JSONSerialization.jsonObject(with: Data(String(buffer: try await client.execute(uri: "/v1/history", method: .get).body ?? ByteBuffer()).utf8)) as? [[String: Any]]
            #expect(all?.count == 3)
            #expect(all?.map { $0["load"] as? Double } == [12.0, 30.5, 18.25])
            let bad = try await client.execute(uri: "/v1/history?since=yesterday", method: .get)
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body ?? ByteBuffer()).contains("since: 'yesterday' is not a time"))
            let unknown = try await client.execute(uri: "/v1/history?limit=3", method: .get)
            #expect(unknown.status == .badRequest)
            let document = String(buffer: try await client.execute(uri: "/openapi.json", method: .get).body ?? ByteBuffer())
            #expect(document.contains("\"/v1/history\""))
        }
        // A file that is not a history database is bad input, named.
        let notADatabase = folder.appendingPathComponent("x.sqlite").path
        FileManager.default.createFile(atPath: notADatabase, contents: Data("hello".utf8))
        #expect(throws: TrimtabError.self) { try ServeCommand.readHistory(notADatabase, since: nil) }
    }
}
