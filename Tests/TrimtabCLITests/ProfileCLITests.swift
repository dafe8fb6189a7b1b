import Foundation
import Testing
@testable import TrimtabCLI

/// `trimtab profile` as a user runs it, through the application layer: the CSV on stdout (or in
/// -o) with the summary on stderr, `--format json` for the summary, and flags checked on one line.
@Suite struct ProfileCLITests {
    @Test func aCommandIsProfiledToCSVOrJSON() throws {
        // `true` succeeds at every setting; two sizes × two batch sizes, at most 3 invocations each.
        let args = ["profile", "--command", "true", "--stage", "noop", "--memory", "128,256", "--batch-sizes", "1,2",
                    "--min-repeats", "2", "--max-repeats", "3"]
        let table = CLI.run(args)
        #expect(table.status == 0, "\(table.stderr)")
        let rows = table.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.first == ["stage", "memory_mb", "batch_size", "concurrency", "latency_ms", "status"])
        for (m, b) in [("128", "1"), ("128", "2"), ("256", "1"), ("256", "2")] {
            let n = rows.dropFirst().filter { $0[0] == "noop" && $0[1] == m && $0[2] == b && $0[5] == "ok" }.count
            #expect((2...3).contains(n), "\(m) MB batch \(b): \(n) rows")
        }
        #expect(table.stderr.contains("measured 2 of 2 memory sizes (order: 128, 256)"), "\(table.stderr)")

        let json = CLI.run(args + ["--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let doc = try TrimtabCLITests.json(json.stdout)
        #expect(doc["stage"] as? String == "noop" && doc["target"] as? String == "command")
        let settings = try #require(doc["settings"] as? [[String: Any]])
        #expect(settings.count == 4 && settings.allSatisfy { $0["status"] as? String == "ok" && ($0["mean_ms"] as? Double ?? 0) > 0 })
        #expect((doc["csv"] as? String)?.hasPrefix("stage,memory_mb,") == true)

        // With -o the CSV goes to the file and the JSON says where, without the CSV.
        let out = try temporaryFile("profile.csv", "")
        let written = CLI.run(args + ["--format", "json", "-o", out])
        #expect(written.status == 0, "\(written.stderr)")
        let back = try TrimtabCLITests.json(written.stdout)
        #expect(back["output"] as? String == out && back["csv"] == nil)
        #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("stage,memory_mb,batch_size"))
    }

    @Test func badFlagsAreOneLineAndExit2() {
        for (args, flag) in [
            (["profile", "--command", "true", "--batch-sizes", "1,x"], "--batch-sizes"),
            (["profile", "--command", "true", "--cpus", "2"], "--ray-serve"),
            (["profile", "--ray-serve", "http://127.0.0.1:1", "--application", "a", "--url", "http://127.0.0.1:2/",
              "--payload", "/nonexistent", "--variants", "a,,b"], "--variants"),
            (["profile", "--command", "true", "--cv", "0"], "--cv"),
        ] {
            let r = CLI.run(args)
            #expect(r.status == 2 && r.stderr.hasPrefix("trimtab: \(flag)") && r.stderr.split(separator: "\n").count == 1,
                    "\(args): \(r.stderr)")
        }
    }
}
