import Foundation
import TrimtabModel
#if canImport(Glibc)
import Glibc
#endif

/// Runs a job on this machine: a pool of long-lived worker processes pulling splits
/// (dynamic allocation), with retries, speculation, a resumable progress file and results in
/// item order. Protocol: see `WorkerProcess`.
public final class JobRunner: @unchecked Sendable {
    let configuration: JobRunConfiguration
    let items: [String]
    let splits: Int
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var done: [Bool]
    private var results: [Int: [String]] = [:]
    private var doneCount = 0
    private var resumed = 0
    private var nextSplit = 0
    private var retryQueue: [Int] = []
    private var failures: [Int: Int] = [:]
    private var running: [Int: [(attempt: Int, slot: Int, start: Date)]] = [:]
    private var cancelled = Set<Int>()
    /// Splits that got a speculative copy (at most one each).
    private var copied = Set<Int>()
    private var attemptCounter = 0
    private var warmDurations: [Double] = []
    private var firstDurations: [Double] = []
    private var failure: JobRunFailure?
    private var retries = 0
    private var copies = 0
    private var workersStarted = 0
    private var workerSeconds = 0.0
    private var lastResult = Date()
    private var workersBySlot: [Int: WorkerProcess] = [:]
    private var state: RunState?
    private let progress: (@Sendable (Int, Int) -> Void)?

    /// `progress(done, total)` is called after each finished split.
    public init(configuration: JobRunConfiguration, items: [String], progress: (@Sendable (Int, Int) -> Void)? = nil) {
        self.configuration = configuration
        self.items = items
        self.splits = configuration.splitSize > 0 ? (items.count + configuration.splitSize - 1) / configuration.splitSize : 0
        self.done = Array(repeating: false, count: splits)
        self.progress = progress
    }

    /// Runs the job to completion.
    /// - Throws: `TrimtabError` for bad configuration or files, `JobRunFailure` when a split keeps failing.
    public func run() throws -> JobRunReport {
        guard configuration.splitSize > 0 else { throw TrimtabError(field: "split_size", "must be positive") }
        guard configuration.workers > 0 else { throw TrimtabError(field: "workers", "must be positive") }
        guard !items.isEmpty else { throw TrimtabError(field: "--items", "the job has no items") }
        signal(SIGPIPE, SIG_IGN)   // a worker that dies mid-split must not take us down
        let header = RunState.Header(items: items.count, splitSize: configuration.splitSize, itemsHash: RunState.hash(items))
        let (state, previous) = try RunState.open(path: configuration.statePath, header: header, resume: configuration.resume)
        self.state = state
        defer { state.close() }
        for (split, lines) in previous where split >= 0 && split < splits && lines.count == itemCount(split) {
            done[split] = true
            results[split] = lines
            doneCount += 1
            resumed += 1
        }
        let start = Date()
        lastResult = start
        let slots = min(configuration.workers, splits - doneCount)
        let group = DispatchGroup()
        for slot in 0..<slots {
            group.enter()
            let thread = Thread { [self] in
                self.work(slot: slot)
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        if var failure {
            failure.splitsDone = doneCount   // splits that finished while the others stopped count too
            throw failure
        }
        try writeOutput()
        try? FileManager.default.removeItem(atPath: configuration.statePath)
        let warm = warmDurations.sorted()
        let first = firstDurations.sorted()
        let warmMedian = Self.median(warm)
        var initS: Double?
        if let w = warmMedian, let f = Self.median(first) { initS = max(0, f - w) }
        return JobRunReport(items: items.count, splits: splits, splitsResumed: resumed, retries: retries, copies: copies,
                            workersStarted: workersStarted, makespanS: doneCount > resumed ? lastResult.timeIntervalSince(start) : 0,
                            workerSeconds: workerSeconds, medianSplitS: warmMedian, medianInitS: initS)
    }

    static func median(_ sorted: [Double]) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let m = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2
    }

    func itemCount(_ split: Int) -> Int { min(configuration.splitSize, items.count - split * configuration.splitSize) }

    func writeOutput() throws(TrimtabError) {
        var text = ""
        for split in 0..<splits {
            for line in results[split] ?? [] { text += line + "\n" }
        }
        do {
            try text.write(toFile: configuration.outputPath, atomically: true, encoding: .utf8)
        } catch {
            throw TrimtabError(code: .io, file: configuration.outputPath, "cannot write the results: \(error.localizedDescription)")
        }
    }

    struct Task {
        var split: Int
        var attempt: Int
    }

    /// One slot: keeps a worker process alive and feeds it splits.
    func work(slot: Int) {
        var worker: WorkerProcess?
        func retire() {
            guard let w = worker else { return }
            w.stop(grace: 1)
            let lifetime = Date().timeIntervalSince(w.startedAt)
            condition.lock()
            workerSeconds += lifetime
            workersBySlot[slot] = nil
            condition.unlock()
            worker = nil
        }
        while let task = nextTask(slot: slot) {
            if worker == nil {
                do {
                    let w = try WorkerProcess(command: configuration.command, logPath: configuration.logPath)
                    worker = w
                    condition.lock()
                    workersStarted += 1
                    workersBySlot[slot] = w
                    let killed = cancelled.contains(task.attempt)
                    condition.unlock()
                    if killed { w.kill() }
                } catch {
                    finish(task, slot: slot, lines: nil, seconds: 0, fresh: true, reason: "cannot start the worker: \(error)")
                    continue
                }
            }
            guard let w = worker else { continue }
            let lo = task.split * configuration.splitSize
            let slice = items[lo..<(lo + itemCount(task.split))]
            let fresh = w.splitsDone == 0
            let t0 = Date()
            var lines: [String]?
            let sent = w.send(slice)
            if sent { lines = w.receive(slice.count, timeout: configuration.splitTimeoutS) }
            let seconds = Date().timeIntervalSince(t0)
            var reason = ""
            if lines == nil {
                reason = !sent || w.closedOutput ? "the worker exited before answering every item"
                    : "no answer within \(configuration.splitTimeoutS ?? 0) s"
            }
            if lines != nil { w.splitsDone += 1 }
            let keep = finish(task, slot: slot, lines: lines, seconds: seconds, fresh: fresh, reason: reason)
            if !keep { retire() }
        }
        retire()
    }

    /// The next split for `slot`: a retry, the next pending split, or a speculative copy; nil
    /// when the job is done or has failed. Waits while every remaining split is running.
    func nextTask(slot: Int) -> Task? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if failure != nil || doneCount == splits { return nil }
            if let split = retryQueue.first {
                retryQueue.removeFirst()
                return start(split, slot: slot)
            }
            while nextSplit < splits && done[nextSplit] { nextSplit += 1 }
            if nextSplit < splits {
                nextSplit += 1
                return start(nextSplit - 1, slot: slot)
            }
            if let share = configuration.speculateAfter, Double(doneCount) >= share * Double(splits),
               let m = Self.median(warmDurations.sorted()) {
                let now = Date()
                let threshold = configuration.speculateSlowdown * m
                var overdue: (split: Int, elapsed: Double)?
                for (split, attempts) in running where attempts.count == 1 && !copied.contains(split) && failures[split] == nil {
                    let elapsed = now.timeIntervalSince(attempts[0].start)
                    guard elapsed > threshold else { continue }
                    if let o = overdue, o.elapsed > elapsed || (o.elapsed == elapsed && o.split < split) { continue }
                    overdue = (split, elapsed)
                }
                if let o = overdue {
                    copies += 1
                    copied.insert(o.split)
                    return start(o.split, slot: slot)
                }
            }
            condition.wait(until: Date().addingTimeInterval(0.05))
        }
    }

    private func start(_ split: Int, slot: Int) -> Task {
        attemptCounter += 1
        running[split, default: []].append((attemptCounter, slot, Date()))
        return Task(split: split, attempt: attemptCounter)
    }

    /// Records the end of an attempt. Returns whether the slot may keep its worker process.
    @discardableResult
    func finish(_ task: Task, slot: Int, lines: [String]?, seconds: Double, fresh: Bool, reason: String) -> Bool {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        running[task.split]?.removeAll { $0.attempt == task.attempt }
        let others = running[task.split] ?? []
        if others.isEmpty { running[task.split] = nil }
        let wasCancelled = cancelled.remove(task.attempt) != nil
        if let lines {
            guard !done[task.split] else { return !wasCancelled }   // a late loser of a speculative race
            done[task.split] = true
            doneCount += 1
            results[task.split] = lines
            lastResult = Date()
            state?.record(split: task.split, results: lines)
            if fresh { firstDurations.append(seconds) } else { warmDurations.append(seconds) }
            // First result wins: stop the other attempts (their time stays billed).
            for other in others {
                cancelled.insert(other.attempt)
                workersBySlot[other.slot]?.kill()
            }
            progress?(doneCount, splits)
            return !wasCancelled
        }
        if wasCancelled || done[task.split] { return false }
        failures[task.split, default: 0] += 1
        let attempts = failures[task.split] ?? 0
        guard others.isEmpty else { return false }   // a copy is still running: let it decide
        if attempts > configuration.maxRetries {
            if failure == nil {
                failure = JobRunFailure(split: task.split, attempts: attempts, reason: reason, splitsDone: doneCount, splits: splits,
                                        statePath: configuration.statePath)
            }
        } else {
            retries += 1
            retryQueue.append(task.split)
        }
        return false
    }
}
