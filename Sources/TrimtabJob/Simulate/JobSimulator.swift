import Foundation
import TrimtabModel

/// One simulated job.
public struct SimulatedJob: Sendable, Equatable {
    public var makespanS: Double
    public var costUSD: Double
    public var billedS: Double
    /// Speculative copies started.
    public var copies: Int
}

/// Discrete-event simulation of a job: a pool of workers, each paying init once, processing
/// splits whose times come from the worker setup times a random factor.
///
/// Same inputs and seed, same result. With `SplitNoise.deterministic` the dynamic policy
/// reproduces `JobPredictor`'s closed form and the static policy the closed form
/// init + ⌈q/s⌉ × per_split + q × per_item for q = ⌈N/w⌉.
public struct JobSimulator: Sendable {
    public var model: WorkerModel
    public var setup: WorkerSetup
    public var noise: SplitNoise

    public init(model: WorkerModel, setup: WorkerSetup, noise: SplitNoise) {
        self.model = model
        self.setup = setup
        self.noise = noise
    }

    /// Simulates one job.
    /// - Complexity: O((S + c) log(S + w)) for S splits, w workers and c speculative copies.
    public func run(_ shape: JobShape, policy: AllocationPolicy, seed: UInt64) -> SimulatedJob? {
        guard shape.items > 0, shape.splitSize > 0, shape.workers > 0,
              setup.splitTime.seconds(items: shape.splitSize, splitSize: shape.splitSize) != nil else { return nil }
        var rng = SeededGenerator(seed: seed)
        switch policy {
        case .staticAllocation: return runStatic(shape, &rng)
        case .dynamic: return runDynamic(shape, afterShare: nil, slowdown: 0, &rng)
        case .speculative(let share, let slowdown): return runDynamic(shape, afterShare: share, slowdown: slowdown, &rng)
        }
    }

    func splitSeconds(items: Int, _ shape: JobShape, _ rng: inout SeededGenerator) -> Double {
        (setup.splitTime.seconds(items: items, splitSize: shape.splitSize) ?? 0) * setup.contention(activeWorkers: shape.activeWorkers)
            * noise.factor(&rng)
    }

    func launch(_ worker: Int) -> Double { model.launchSPerWorker * Double(worker) }

    func price(_ workerSeconds: [Double], makespan: Double, copies: Int) -> SimulatedJob {
        let billed = workerSeconds.reduce(0) { $0 + model.platform.billedMilliseconds(($1 + setup.workerOverheadS) * 1000) / 1000 }
        let cost = billed * Double(setup.memoryMB) / 1024 * model.platform.pricePerGBSecond
            + Double(workerSeconds.count) * model.requestsPerWorker * model.platform.pricePerRequest
        return SimulatedJob(makespanS: model.startupS + makespan, costUSD: cost, billedS: billed, copies: copies)
    }

    func runStatic(_ shape: JobShape, _ rng: inout SeededGenerator) -> SimulatedJob {
        let w = min(shape.workers, shape.items)
        var seconds: [Double] = []
        var makespan = 0.0
        for i in 0..<w {
            var remaining = shape.items / w + (i < shape.items % w ? 1 : 0)
            var t = setup.initS
            while remaining > 0 {
                let n = min(shape.splitSize, remaining)
                t += splitSeconds(items: n, shape, &rng)
                remaining -= n
            }
            seconds.append(t)
            makespan = max(makespan, launch(i) + t)
        }
        return price(seconds, makespan: makespan, copies: 0)
    }

    enum Event { case finish(worker: Int, attempt: Int), wake(worker: Int, token: Int) }

    struct Attempt {
        var split: Int
        var worker: Int
        var start: Double
        var live: Bool
    }

    func runDynamic(_ shape: JobShape, afterShare: Double?, slowdown: Double, _ rng: inout SeededGenerator) -> SimulatedJob {
        let splits = shape.splits
        let w = shape.activeWorkers
        var next = 0
        var done = Array(repeating: false, count: splits)
        var doneCount = 0
        var durations: [Double] = []   // sorted
        var lone = Set<Int>()            // running splits with a single attempt
        var attempts: [Attempt] = []
        var attemptsOfSplit = Array(repeating: [Int](), count: splits)
        let workerStart = (0..<w).map { launch($0) }
        var workerEnd = workerStart
        var current = Array(repeating: -1, count: w)   // live attempt per worker, -1 when none
        var waiting = Array(repeating: false, count: w)
        var waitingCount = 0
        func setWaiting(_ worker: Int, _ value: Bool) {
            if waiting[worker] != value { waitingCount += value ? 1 : -1 }
            waiting[worker] = value
        }
        var token = Array(repeating: 0, count: w)
        var events = EventQueue<Event>()
        var makespan = 0.0
        var copies = 0

        func items(_ split: Int) -> Int { split == splits - 1 ? shape.lastSplitItems : shape.splitSize }

        func start(_ split: Int, on worker: Int, at t: Double) {
            let id = attempts.count
            attempts.append(Attempt(split: split, worker: worker, start: t, live: true))
            attemptsOfSplit[split].append(id)
            if attemptsOfSplit[split].count == 1 { lone.insert(split) } else { lone.remove(split) }
            current[worker] = id
            setWaiting(worker, false)
            events.push(t + splitSeconds(items: items(split), shape, &rng), .finish(worker: worker, attempt: id))
        }

        func median() -> Double? {
            guard !durations.isEmpty else { return nil }
            let m = durations.count / 2
            return durations.count % 2 == 1 ? durations[m] : (durations[m - 1] + durations[m]) / 2
        }

        func dispatch(_ worker: Int, at t: Double) {
            current[worker] = -1
            if next < splits {
                start(next, on: worker, at: t)
                next += 1
                return
            }
            workerEnd[worker] = t
            guard let share = afterShare, doneCount < splits else { setWaiting(worker, false); return }
            // Originals still running alone are candidates for a copy; one waiting worker per
            // candidate is enough, the others leave (and stop being billed).
            let othersWaiting = waitingCount - (waiting[worker] ? 1 : 0)
            guard othersWaiting < lone.count else { setWaiting(worker, false); return }
            setWaiting(worker, true)
            guard Double(doneCount) >= share * Double(splits), let m = median() else { return }   // woken at the next finish
            let due = lone.map { (split: $0, time: attempts[attemptsOfSplit[$0][0]].start + slowdown * m) }
            guard let first = due.min(by: { $0.time < $1.time || ($0.time == $1.time && $0.split < $1.split) }) else { return }
            if first.time <= t {
                copies += 1
                start(first.split, on: worker, at: t)
            } else {
                token[worker] += 1
                events.push(first.time, .wake(worker: worker, token: token[worker]))
            }
        }

        for worker in 0..<w { dispatch(worker, at: workerStart[worker] + setup.initS) }
        while let (t, event) = events.pop() {
            switch event {
            case .wake(let worker, let tok):
                if waiting[worker] && tok == token[worker] && doneCount < splits { dispatch(worker, at: t) }
            case .finish(let worker, let id):
                guard attempts[id].live else { continue }
                attempts[id].live = false
                let split = attempts[id].split
                guard !done[split] else { continue }
                done[split] = true
                doneCount += 1
                lone.remove(split)
                let d = t - attempts[id].start
                var lo = 0, hi = durations.count
                while lo < hi { let mid = (lo + hi) / 2; if durations[mid] < d { lo = mid + 1 } else { hi = mid } }
                durations.insert(d, at: lo)
                makespan = max(makespan, t)
                // First result wins: cancel the other attempts; their workers are billed up to now.
                var freed = [worker]
                for other in attemptsOfSplit[split] where other != id && attempts[other].live {
                    attempts[other].live = false
                    freed.append(attempts[other].worker)
                }
                for f in freed { dispatch(f, at: t) }
                if doneCount == splits {
                    for i in 0..<w where waiting[i] { workerEnd[i] = t; setWaiting(i, false) }
                } else {
                    for i in 0..<w where waiting[i] && current[i] == -1 { dispatch(i, at: t) }
                }
            }
        }
        let seconds = (0..<w).map { workerEnd[$0] - workerStart[$0] }
        return price(seconds, makespan: makespan, copies: copies)
    }
}
