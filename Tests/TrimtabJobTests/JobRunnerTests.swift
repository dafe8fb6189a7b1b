import Foundation
import Testing
import TrimtabModel
@testable import TrimtabJob

struct JobRunnerTests {
    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test func resultsComeBackInItemOrderWithRealWork() throws {
        let dir = try temporaryDirectory()
        let script = try writeHashWorker(in: dir)
        let items = (0..<120).map { "item-\($0)" }
        let out = dir.appendingPathComponent("out.txt").path
        let config = JobRunConfiguration(command: "ROUNDS=3000 python3 \(script)", splitSize: 7, workers: 3, outputPath: out)
        let report = try JobRunner(configuration: config, items: items).run()
        let result = try lines(out)
        #expect(result.count == 120)
        for (i, line) in result.enumerated() {
            let parts = line.split(separator: " ")
            #expect(parts.count == 2 && parts[0] == "item-\(i)" && parts[1].count == 64)
        }
        // Golden value computed independently with Python's hashlib.
        #expect(result[3] == "item-3 77a9edae7b24a4dfcb52e15443616b0302f4d032aef80b3cc70f70413ed55c2e")
        // Every line as a plain sequential pass computes it.
        #expect(result == (try expectedHashLines(items, rounds: 3000)))
        #expect(report.splits == 18)
        #expect(report.workersStarted == 3)
        #expect(report.retries == 0)
        #expect((report.medianSplitS ?? 0) > 0)
        #expect(report.workerSeconds >= report.makespanS)
        #expect(!FileManager.default.fileExists(atPath: config.statePath))   // removed on success
    }

    @Test func aSplitThatFailsTwiceIsRetriedAndSucceeds() throws {
        let dir = try temporaryDirectory()
        let script = try writeHashWorker(in: dir)
        let marker = dir.appendingPathComponent("marker").path
        var items = (0..<40).map { "item-\($0)" }
        items[17] = "FAIL-TWICE"
        let out = dir.appendingPathComponent("out.txt").path
        let config = JobRunConfiguration(command: "MARKER=\(marker) ROUNDS=1000 python3 \(script)", splitSize: 5, workers: 2,
                                         outputPath: out, maxRetries: 2)
        let report = try JobRunner(configuration: config, items: items).run()
        #expect(report.retries == 2)
        #expect(try String(contentsOfFile: marker, encoding: .utf8) == "2")
        #expect(report.workersStarted >= 3 && report.workersStarted <= 4)   // a failed worker is replaced (a new init)
        let result = try lines(out)
        #expect(result.count == 40)
        #expect(result[17].hasPrefix("FAIL-TWICE "))
        #expect(result[39].hasPrefix("item-39 "))
        #expect(result == (try expectedHashLines(items, rounds: 1000)))
    }

    @Test func aSplitThatKeepsFailingEndsTheJobAndResumeSkipsTheDoneSplits() throws {
        let dir = try temporaryDirectory()
        let script = try writeHashWorker(in: dir)
        let allow = dir.appendingPathComponent("allow").path
        let processed = dir.appendingPathComponent("processed").path
        var items = (0..<60).map { "item-\($0)" }
        items[12] = "FAIL-ALWAYS"   // split 2 of 10 (split size 6)
        let out = dir.appendingPathComponent("out.txt").path
        let command = "ALLOW=\(allow) PROCESSED=\(processed) ROUNDS=1000 python3 \(script)"
        let config = JobRunConfiguration(command: command, splitSize: 6, workers: 2, outputPath: out, maxRetries: 1)
        #expect {
            try JobRunner(configuration: config, items: items).run()
        } throws: { error in
            guard let f = error as? JobRunFailure else { return false }
            return f.split == 2 && f.attempts == 2 && f.description.contains("--resume")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
        let stateLines = try lines(config.statePath)
        let doneFirst = stateLines.count - 1
        #expect(doneFirst >= 1 && doneFirst < 10)
        let processedFirst = try lines(processed)

        // Without --resume the progress file is protected.
        #expect(throws: TrimtabError.self) { try JobRunner(configuration: config, items: items).run() }

        // Fix the cause, rerun with --resume: only the splits not done are run again.
        #expect(FileManager.default.createFile(atPath: allow, contents: nil))
        var again = config
        again.resume = true
        let report = try JobRunner(configuration: again, items: items).run()
        #expect(report.splitsResumed == doneFirst)
        let processedSecond = try lines(processed).dropFirst(processedFirst.count)
        #expect(processedSecond.count == 60 - doneFirst * 6)
        #expect(processedSecond.contains("FAIL-ALWAYS"))
        let result = try lines(out)
        #expect(result.count == 60)
        #expect(result.enumerated().allSatisfy { $0.element.hasPrefix(items[$0.offset] + " ") })
        #expect(result == (try expectedHashLines(items, rounds: 1000)))
    }

    @Test func resumeAfterAKillMidWriteRerunsOnlyTheCutSplit() throws {
        let dir = try temporaryDirectory()
        let script = try writeHashWorker(in: dir)
        let allow = dir.appendingPathComponent("allow").path
        let processed = dir.appendingPathComponent("processed").path
        var items = (0..<30).map { "item-\($0)" }
        items[29] = "FAIL-ALWAYS"
        let out = dir.appendingPathComponent("out.txt").path
        let config = JobRunConfiguration(command: "ALLOW=\(allow) PROCESSED=\(processed) ROUNDS=500 python3 \(script)",
                                         splitSize: 5, workers: 1, outputPath: out, maxRetries: 0)
        #expect(throws: JobRunFailure.self) { try JobRunner(configuration: config, items: items).run() }
        // One worker in order: splits 0–4 are done. Cut the last record in half, as a kill mid-write would.
        var text = try String(contentsOfFile: config.statePath, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 6)
        text.removeLast(30)
        try text.write(toFile: config.statePath, atomically: true, encoding: .utf8)
        #expect(FileManager.default.createFile(atPath: allow, contents: nil))
        try? FileManager.default.removeItem(atPath: processed)
        var again = config
        again.resume = true
        let report = try JobRunner(configuration: again, items: items).run()
        #expect(report.splitsResumed == 4)
        #expect(try lines(processed) == Array(items[20..<30]))
        #expect(try lines(out) == (try expectedHashLines(items, rounds: 500)))
    }

    @Test func aProgressFileOfAnotherJobIsRefused() throws {
        let dir = try temporaryDirectory()
        let script = try writeHashWorker(in: dir)
        let allow = dir.appendingPathComponent("allow").path
        var items = (0..<10).map { "item-\($0)" }
        items[9] = "FAIL-ALWAYS"
        let out = dir.appendingPathComponent("out.txt").path
        let config = JobRunConfiguration(command: "ALLOW=\(allow) python3 \(script)", splitSize: 5, workers: 1, outputPath: out, maxRetries: 0)
        #expect(throws: JobRunFailure.self) { try JobRunner(configuration: config, items: items).run() }
        var other = config
        other.resume = true
        other.splitSize = 4
        #expect(throws: TrimtabError.self) { try JobRunner(configuration: other, items: items).run() }
    }

    @Test func speculationRescuesAStragglingSplit() throws {
        let dir = try temporaryDirectory()
        let script = try writeHashWorker(in: dir)
        let slow = dir.appendingPathComponent("slow").path
        var items = (0..<40).map { "item-\($0)" }
        items[37] = "SLOW-ONCE"   // the first attempt sleeps 30 s; a copy answers at once
        let out = dir.appendingPathComponent("out.txt").path
        let config = JobRunConfiguration(command: "SLOW_MARKER=\(slow) ROUNDS=3000 python3 \(script)", splitSize: 4, workers: 2,
                                         outputPath: out, speculateAfter: 0.5, speculateSlowdown: 3)
        let report = try JobRunner(configuration: config, items: items).run()
        // The straggler was overtaken: the run ended before its first attempt woke from its 30 s
        // sleep (which would have left SLOW-ONCE's marker `.done`) — no clock read by the test.
        #expect(FileManager.default.fileExists(atPath: slow))
        #expect(!FileManager.default.fileExists(atPath: slow + ".done"))
        #expect(report.copies >= 1)
        #expect(try lines(out)[37].hasPrefix("SLOW-ONCE "))
        #expect(try lines(out) == (try expectedHashLines(items, rounds: 3000)))
    }
}
