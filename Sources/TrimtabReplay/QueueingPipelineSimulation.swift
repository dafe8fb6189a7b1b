import TrimtabModel
import TrimtabSolve

/// A small queueing model of the pipeline: the replay's first simulator, written before TrimtabSim
/// was merged and kept as an independent cross-check (`trimtab adapt --simulator queueing`). Every
/// stage is a FIFO queue served by its replicas, each taking one batch at a time.
///
/// It differs from TrimtabSim in when a batch forms: here a batch starts when a replica is free and
/// takes whatever has arrived (up to `b`), so under load batches fill while they wait; TrimtabSim
/// forms a batch when `b` requests are buffered or the time-out passes, then queues it.
///
/// A stage starts a batch when a replica is free and either `b` requests wait or the oldest has
/// waited the batch timeout; it then takes up to `b` requests that have arrived, and the replica is
/// busy for the measured latency of that batch size (interpolated between measured sizes). A replica
/// added by a reconfiguration serves after the start-up delay; a removed one finishes its batch. A
/// change of variant or millicores replaces the stage's replicas: the old ones serve until the new
/// ones have started (both are billed meanwhile). Replicas are billed per second of existence at
/// millicores / 1000 × price per core-hour.
public struct QueueingPipelineSimulation: PipelineSimulation {
    struct Request {
        var time: Double
        var origin: Double
        var term: Double
    }

    struct StageState {
        var setting: PipelineStageSetting
        var timeoutMs: Double
        /// When each replica can take its next batch.
        var freeAt: [Double]
        var pending: (setting: PipelineStageSetting, timeoutMs: Double, readyAt: Double)?
        var queue: [Request] = []
        var head = 0
    }

    public let pipeline: KubernetesPipeline
    public let startupDelaySeconds: Double
    var stages: [StageState] = []
    var completed: [CompletedRequest] = []
    public private(set) var costUSD = 0.0
    var billedUntil = 0.0
    var now = 0.0

    public init(pipeline: KubernetesPipeline, startupDelaySeconds: Double) {
        self.pipeline = pipeline
        self.startupDelaySeconds = startupDelaySeconds
    }

    public var inFlight: Int { stages.reduce(0) { $0 + $1.queue.count - $1.head } }

    /// The first configuration is taken as already running (warm start).
    public mutating func reconfigure(_ settings: [PipelineStageSetting], batchTimeoutMs: [Double], at time: Double) throws(TrimtabError) {
        bill(to: time)
        if stages.isEmpty {
            stages = settings.enumerated().map { k, s in
                StageState(setting: s, timeoutMs: batchTimeoutMs[k], freeAt: Array(repeating: time, count: s.replicas))
            }
            return
        }
        for k in stages.indices {
            let target = settings[k]
            var stage = stages[k]
            let sameKind = { (a: PipelineStageSetting, b: PipelineStageSetting) in a.variant == b.variant && a.millicores == b.millicores }
            if sameKind(target, stage.setting) {
                stage.pending = nil
                Self.resize(&stage.freeAt, to: target.replicas, startingAt: time + startupDelaySeconds)
                stage.setting = target
                stage.timeoutMs = batchTimeoutMs[k]
            } else if let p = stage.pending, sameKind(target, p.setting) {
                stage.pending = (target, batchTimeoutMs[k], p.readyAt)
            } else {
                stage.pending = (target, batchTimeoutMs[k], time + startupDelaySeconds)
            }
            stages[k] = stage
        }
    }

    /// Keeps the replicas free soonest; new ones are free from `startingAt`.
    static func resize(_ freeAt: inout [Double], to count: Int, startingAt: Double) {
        if count < freeAt.count {
            freeAt.sort()
            freeAt.removeLast(freeAt.count - count)
        } else {
            freeAt += Array(repeating: startingAt, count: count - freeAt.count)
        }
    }

    /// Bills every replica (and every starting replacement) from the last billed time to `time`.
    mutating func bill(to time: Double) {
        guard time > billedUntil else { return }
        for s in stages {
            var cost = pipeline.costPerHour(replicas: s.freeAt.count, millicores: s.setting.millicores) * (time - billedUntil)
            if let p = s.pending {
                let start = max(billedUntil, p.readyAt - startupDelaySeconds)
                if time > start { cost += pipeline.costPerHour(replicas: p.setting.replicas, millicores: p.setting.millicores) * (time - start) }
            }
            costUSD += cost / 3600
        }
        billedUntil = time
    }

    /// Runs the stages in pipeline order up to `time`; a stage's outputs join the next stage's queue.
    /// - Complexity: O(R log R) for the R requests inside the pipeline, plus O(replicas) per batch.
    public mutating func advance(arrivals: [Double], to time: Double) {
        guard !stages.isEmpty else { return }
        stages[0].queue += arrivals.map { Request(time: $0, origin: $0, term: pipeline.accuracy.identity) }
        for k in stages.indices {
            var outputs: [Request] = []
            if let p = stages[k].pending, p.readyAt < time {
                run(stage: k, until: p.readyAt, into: &outputs)
                bill(to: p.readyAt)
                stages[k].setting = p.setting
                stages[k].timeoutMs = p.timeoutMs
                stages[k].freeAt = Array(repeating: p.readyAt, count: p.setting.replicas)
                stages[k].pending = nil
            }
            run(stage: k, until: time, into: &outputs)
            if k + 1 < stages.count {
                var next = Array(stages[k + 1].queue[stages[k + 1].head...]) + outputs
                next.sort { $0.time < $1.time }
                stages[k + 1].queue = next
                stages[k + 1].head = 0
            } else {
                for r in outputs {
                    completed.append(CompletedRequest(arrival: r.origin, latencyMs: (r.time - r.origin) * 1000,
                                                      accuracy: pipeline.accuracy.finish(r.term)))
                }
            }
            if stages[k].head > 4096 {
                stages[k].queue.removeFirst(stages[k].head)
                stages[k].head = 0
            }
        }
        bill(to: time)
        now = time
    }

    /// Starts every batch of stage `k` that can start before `until`.
    mutating func run(stage k: Int, until: Double, into outputs: inout [Request]) {
        var s = stages[k]
        defer { stages[k] = s }
        let variant = pipeline.stage(k).variants[s.setting.variant]
        let term = pipeline.accuracy.term(stage: pipeline.order[k], accuracy: variant.accuracy)
        let b = max(1, s.setting.batchSize)
        while s.head < s.queue.count, !s.freeAt.isEmpty {
            let first = s.queue[s.head]
            let fullAt = s.head + b - 1 < s.queue.count ? s.queue[s.head + b - 1].time : Double.infinity
            let ready = min(fullAt, first.time + s.timeoutMs / 1000)
            var replica = 0
            for r in s.freeAt.indices where s.freeAt[r] < s.freeAt[replica] { replica = r }
            let start = max(ready, s.freeAt[replica])
            guard start < until else { break }
            var taken = 0
            while taken < b, s.head + taken < s.queue.count, s.queue[s.head + taken].time <= start { taken += 1 }
            let service = (variant.latencyMs(memoryMB: s.setting.millicores, batchSize: taken) ?? 0) / 1000
            s.freeAt[replica] = start + service
            for i in s.head..<(s.head + taken) {
                let r = s.queue[i]
                outputs.append(Request(time: start + service, origin: r.origin, term: pipeline.accuracy.combine(r.term, term)))
            }
            s.head += taken
        }
    }

    public mutating func drainCompleted() -> [CompletedRequest] {
        defer { completed = [] }
        return completed
    }
}
