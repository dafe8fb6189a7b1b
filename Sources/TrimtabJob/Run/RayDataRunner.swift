import Foundation
import TrimtabModel
#if canImport(Glibc)
import Glibc
#endif

/// Runs a job on Ray Data: `map_batches` of the user's worker class on an actor pool with the
/// plan's actors, batch (split) size and CPUs per actor (or, `engineDefault`, Ray Data's own
/// defaults: autoscaling pool, default batches), through the Python driver `RayDataDriver`.
///
/// Results: each actor writes every finished batch to `OUTPUT.parts/` atomically ("index TAB
/// answer" lines); when every item has exactly one answer they are written to `OUTPUT` in item
/// order and the folder is removed. A run that stops (interrupted, killed, a failure) keeps the
/// folder; `resume` runs only the items no part holds, so nothing done is redone and nothing is
/// lost or written twice. `OUTPUT.parts/job.json` names the items (count and hash): a folder of
/// another job is refused.
public final class RayDataRunner: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// Ray's address (`ray://…`, `HOST:PORT`, or `auto`).
        public var address: String
        /// The worker: `FILE.py:CLASS`, a class constructed once per actor with `workerArguments`
        /// and called with a list of item lines, returning one answer line per item.
        public var worker: String
        /// Keyword arguments of the worker's constructor, as a JSON object.
        public var workerArguments: String
        public var itemsPath: String
        public var outputPath: String
        public var actors: Int
        public var cpusPerActor: Double
        public var batchSize: Int
        /// Ray Data's defaults instead of the plan (the baseline a user gets by default).
        public var engineDefault: Bool
        public var resume: Bool
        /// The Python that runs the driver (needs `ray[data]`).
        public var python: String

        public init(address: String, worker: String, workerArguments: String = "{}", itemsPath: String, outputPath: String,
                    actors: Int, cpusPerActor: Double, batchSize: Int, engineDefault: Bool = false, resume: Bool = false,
                    python: String = "python3") {
            self.address = address
            self.worker = worker
            self.workerArguments = workerArguments
            self.itemsPath = itemsPath
            self.outputPath = outputPath
            self.actors = actors
            self.cpusPerActor = cpusPerActor
            self.batchSize = batchSize
            self.engineDefault = engineDefault
            self.resume = resume
            self.python = python
        }

        public var partsPath: String { outputPath + ".parts" }
        public var logPath: String { outputPath + ".log" }
    }

    /// What a completed run did.
    public struct Report: Sendable, Equatable {
        public var items: Int
        /// Items answered by a previous run (resume).
        public var itemsResumed: Int
        /// Items answered twice with the same answer (a batch retried after its part was written); kept once.
        public var duplicatesDropped: Int
        /// nil when every item was done before this run.
        public var measurement: RayRunMeasurement?
        public var clusterCPUs: Double?
    }

    let configuration: Configuration
    private let progress: (@Sendable (Int, Int) -> Void)?

    /// `progress(done, total)` (items) after each finished batch.
    public init(configuration: Configuration, progress: (@Sendable (Int, Int) -> Void)? = nil) {
        self.configuration = configuration
        self.progress = progress
    }

    /// Runs the job to completion.
    /// - Throws: `TrimtabError`: bad input (exit 2) for the items, a parts folder of another job,
    ///   the worker, more CPUs than the cluster has; runtime (`unavailable`, exit 1) for an
    ///   unreachable cluster, a worker failing on Ray, or an interrupted run (its parts are kept).
    /// - Complexity: O(N) besides the job itself, for N items.
    public func run() throws(TrimtabError) -> Report {
        let c = configuration
        guard c.engineDefault || (c.actors > 0 && c.batchSize > 0) else { throw TrimtabError(field: "workers", "must be positive") }
        guard c.cpusPerActor > 0, c.cpusPerActor.isFinite else { throw TrimtabError(field: "--cpus-per-worker", "\(c.cpusPerActor) must be positive") }
        let items = try JobItemsFile.read(c.itemsPath)
        let header = "{\"trimtab_ray_job\":1,\"items\":\(items.count),\"items_hash\":\"\(RunState.hash(items))\"}\n"
        try openParts(header: header)
        let answered = try Self.readParts(c.partsPath, items: items.count)
        let resumed = answered.answers.count
        var measurement: RayRunMeasurement?
        var clusterCPUs: Double?
        if resumed < items.count {
            let pending = (0..<items.count).filter { answered.answers[$0] == nil }
            do {
                (measurement, clusterCPUs) = try drive(pending: pending, resumed: resumed, total: items.count)
            } catch {
                let kept = (try? Self.readParts(c.partsPath, items: items.count).answers.count) ?? 0
                // A run that answered nothing leaves nothing behind (no folder a rerun would need).
                if resumed == 0, kept == 0 { try? FileManager.default.removeItem(atPath: c.partsPath) }
                guard kept > 0, error.code == .unavailable, !error.message.contains("--resume") else { throw error }
                var message = error
                message.message += "; \(kept) of \(items.count) items done are kept in \(c.partsPath): fix the cause and rerun with --resume"
                throw message
            }
        }
        let final = try Self.readParts(c.partsPath, items: items.count)
        guard final.answers.count == items.count else {
            throw TrimtabError(code: .unavailable, file: c.itemsPath,
                               "the Ray job ended with \(final.answers.count) of \(items.count) items answered (kept in \(c.partsPath)); rerun with --resume (log: \(c.logPath))")
        }
        var text = ""
        text.reserveCapacity(items.count * 8)
        for i in 0..<items.count { text += (final.answers[i] ?? "") + "\n" }
        do {
            try text.write(toFile: c.outputPath, atomically: true, encoding: .utf8)
        } catch {
            throw TrimtabError(code: .io, file: c.outputPath, "cannot write the results: \(error.localizedDescription)")
        }
        try? FileManager.default.removeItem(atPath: c.partsPath)
        return Report(items: items.count, itemsResumed: resumed, duplicatesDropped: final.duplicates, measurement: measurement,
                      clusterCPUs: clusterCPUs)
    }

    /// Creates the parts folder, or checks a previous run's when resuming.
    private func openParts(header: String) throws(TrimtabError) {
        let c = configuration
        let headerPath = c.partsPath + "/job.json"
        let fm = FileManager.default
        if fm.fileExists(atPath: c.partsPath) {
            guard c.resume else {
                throw TrimtabError(file: c.partsPath, "a previous run's results are here; pass --resume to continue it, or remove the folder to start over")
            }
            guard let data = fm.contents(atPath: headerPath), String(decoding: data, as: UTF8.self) == header else {
                throw TrimtabError(file: headerPath, "the results folder is for another job (other items); remove \(c.partsPath) to start over")
            }
            return
        }
        do {
            try fm.createDirectory(atPath: c.partsPath, withIntermediateDirectories: true)
            try header.write(toFile: headerPath, atomically: true, encoding: .utf8)
        } catch {
            throw TrimtabError(code: .io, file: c.partsPath, "cannot create the results folder: \(error.localizedDescription)")
        }
    }

    /// The answers in the parts folder (`part-*.tsv`; unfinished `.tmp` files are ignored).
    /// - Throws: when two parts answer an item differently, or a part names an item out of range.
    static func readParts(_ folder: String, items: Int) throws(TrimtabError) -> (answers: [Int: String], duplicates: Int) {
        var answers: [Int: String] = [:]
        var duplicates = 0
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix("part-") && $0.hasSuffix(".tsv") }.sorted()
        for name in names {
            let path = folder + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { throw TrimtabError(code: .io, file: path, "cannot read") }
            for (n, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
                guard let tab = line.firstIndex(of: "\t"), let i = Int(line[..<tab]), i >= 0, i < items else {
                    throw TrimtabError(file: path, field: "line \(n + 1)", "not 'INDEX<TAB>ANSWER' for an item of this job")
                }
                let answer = String(line[line.index(after: tab)...])
                if let previous = answers[i] {
                    guard previous == answer else {
                        throw TrimtabError(code: .unavailable, file: path, field: "line \(n + 1)", "item \(i) has two different answers in \(folder)")
                    }
                    duplicates += 1
                } else {
                    answers[i] = answer
                }
            }
        }
        return (answers, duplicates)
    }

    /// Starts the driver on the pending items and follows its events.
    private func drive(pending: [Int], resumed: Int, total: Int) throws(TrimtabError) -> (RayRunMeasurement?, Double?) {
        let c = configuration
        let driverPath = c.partsPath + "/driver.py"
        let configPath = c.partsPath + "/config.json"
        var config: [String: Any] = [
            "address": c.address, "worker": c.worker, "items": c.itemsPath, "results_dir": c.partsPath,
        ]
        guard let args = try? JSONSerialization.jsonObject(with: Data(c.workerArguments.utf8)) as? [String: Any] else {
            throw TrimtabError(field: "--worker-args", "is not a JSON object")
        }
        config["worker_args"] = args
        if c.engineDefault {
            config["engine_default"] = true
        } else {
            config["actors"] = c.actors
            config["cpus"] = c.cpusPerActor
            config["batch_size"] = c.batchSize
        }
        if resumed > 0 { config["pending"] = pending }
        do {
            try RayDataDriver.script.write(toFile: driverPath, atomically: true, encoding: .utf8)
            try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: configPath))
        } catch {
            throw TrimtabError(code: .io, file: c.partsPath, "cannot write the driver: \(error.localizedDescription)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [c.python, driverPath, configPath]
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        process.standardInput = stdinPipe   // held open: its end tells the driver that trimtab is gone
        process.standardOutput = stdoutPipe
        let fd = open(c.logPath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        process.standardError = fd >= 0 ? FileHandle(fileDescriptor: fd, closeOnDealloc: true) : FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw TrimtabError(field: "--python", "cannot start \(c.python): \(error.localizedDescription)")
        }
        var batches: [RayRunMeasurement.Batch] = []
        var start: Double?
        var end: Double?
        var cpus = c.cpusPerActor
        var clusterCPUs: Double?
        var failure: TrimtabError?
        var interrupted = false
        var doneItems = resumed
        var buffer = Data()
        let handle = stdoutPipe.fileHandleForReading
        func handleLine(_ line: Data) {
            guard let e = try? JSONSerialization.jsonObject(with: line) as? [String: Any], let kind = e["event"] as? String else { return }
            switch kind {
            case "connected": clusterCPUs = e["cluster_cpus"] as? Double
            case "start":
                start = e["time"] as? Double
                cpus = e["cpus_per_actor"] as? Double ?? cpus
            case "batch":
                guard let n = e["items"] as? Int, let actor = e["actor"] as? String, let t0 = e["t0"] as? Double, let t1 = e["t1"] as? Double,
                      let i0 = e["init0"] as? Double, let i1 = e["init1"] as? Double else { return }
                batches.append(.init(items: n, actor: actor, start: t0, end: t1, initStart: i0, initEnd: i1))
                doneItems += n
                progress?(min(doneItems, total), total)
            case "end": end = e["time"] as? Double
            case "interrupted": interrupted = true
            case "error":
                let message = e["message"] as? String ?? "the driver failed"
                let field = e["field"] as? String
                let code: TrimtabError.Code = e["code"] as? String == "bad_input" ? .invalidInput : .unavailable
                failure = TrimtabError(code: code, field: field, message)
            default: break
            }
        }
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let nl = buffer.firstIndex(of: 0x0A) {
                handleLine(buffer.subdata(in: buffer.startIndex..<nl))
                buffer.removeSubrange(buffer.startIndex...nl)
            }
        }
        process.waitUntilExit()
        try? stdinPipe.fileHandleForWriting.close()
        if let failure { throw failure }
        if interrupted || process.terminationStatus != 0 {
            let why = interrupted ? "was interrupted" : "exited with status \(process.terminationStatus)"
            throw TrimtabError(code: .unavailable, file: c.itemsPath,
                               "the Ray driver \(why); the items done are kept in \(c.partsPath): rerun with --resume (log: \(c.logPath))")
        }
        guard let start, let end else { return (nil, clusterCPUs) }
        return (RayRunMeasurement(batches: batches, start: start, end: end, cpusPerActor: cpus), clusterCPUs)
    }
}
