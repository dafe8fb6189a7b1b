import Foundation
import Histogram
import TrimtabModel

/// A discrete-event simulation of a workflow under a stream of requests.
///
/// Every request is one workflow run that walks the graph (see `WorkflowGraph`): parallel
/// fan-outs wait for all branches at the join, branches are drawn with their probabilities,
/// loops repeat by drawing. At each stage a run asks for service:
/// - **serverless**: the most recently idle warm instance serves it, or a new instance starts and
///   pays the cold start; instances idle longer than the keep-alive are reclaimed; beyond the
///   stage's concurrency limit invocations queue (FIFO) or are throttled (the run fails). Every
///   invocation is billed at the platform's price and granularity, cold start included.
/// - **kubernetes**: a fixed number of replicas per stage serve one invocation each at a time from
///   a FIFO queue; billed per core-hour of the replicas.
/// With `batch_size` B > 1 a stage buffers requests until B are there or `batch_timeout_ms` has
/// passed since the first, then one invocation serves the batch with that batch size's latency.
///
/// The simulation can be advanced in steps (`run(until:)`, which reports the interval) and
/// reconfigured between them (`reconfigure(_:)`), or run to the end (`runToCompletion()`).
/// Same seed, same result; arrivals depend on the seed only, not on the configuration.
///
/// Memory is O(stages + runs in flight + pending events), independent of the number of requests:
/// runs and invocations live in reused slots of flat arrays, events are values in a binary heap and
/// latencies go into a streaming histogram.
public struct Simulator {
    public let workflow: Workflow
    public let options: SimulationOptions
    public let mode: SimulationOptions.Mode
    public private(set) var configuration: Configuration
    /// The current simulated time (s).
    public private(set) var now = 0.0
    /// Events processed so far.
    public private(set) var eventCount = 0
    /// Runs that have arrived and not completed.
    public private(set) var runsInFlight = 0

    let graph: WorkflowGraph
    var arrivals: any ArrivalProcess
    /// Branch draws and service times.
    var rng: SeededGenerator
    /// Arrivals have their own stream, so that with the same seed every configuration sees the
    /// same requests (common random numbers when configurations are compared).
    var arrivalRNG: SeededGenerator
    var events = EventQueue()
    var stages: [StageRuntime] = []
    var arrivalsExhausted = false
    /// Time of the next arrival (infinity when there is none).
    var pendingArrival = Double.infinity
    /// The second normal of the last polar-method pair (NaN when used).
    var spareNormal = Double.nan
    let pricePerCoreHour: Double
    let platform: Platform

    // Runs in flight, by slot.
    var runArrival: [Double] = []
    var runFailed: [Bool] = []
    /// Per (run slot, join): inputs resolved so far (low 16 bits) and whether one was live (bit 16).
    var joinState: [UInt32] = []
    var freeRuns: [Int32] = []

    // Invocations (one request, or a batch), by slot.
    var invocationSize: [Int32] = []
    var invocationQueuedAt: [Double] = []
    var invocationThrottled: [Bool] = []
    var invocationMembers: [Int32] = []
    var memberStride: Int
    var freeInvocations: [Int32] = []
    /// The replica epoch of the stage when each invocation started (see `StageRuntime.epoch`).
    var invocationEpoch: [Int32] = []

    // Completed runs (only with `recordCompletedRuns`).
    /// Per (run slot, stage): index of the variant that served the run there last, or −1.
    var runVariants: [Int16] = []
    var completedRuns: [CompletedRun] = []

    // Metrics.
    /// Latencies of the closed intervals; `interval` holds the current one.
    var total: LatencyRecorder
    var interval: LatencyRecorder
    var arrived = 0
    var failed = 0
    var serverlessCost = 0.0
    var intervalStart = 0.0
    var intervalArrived = 0
    var intervalFailed = 0
    var intervalCostStart = 0.0
    var intervalColdStartsStart = 0
    var replicaAccountedAt = 0.0

    // Timeline (only with `recordTimeline`).
    public private(set) var timeline: [TimelineRow] = []
    var timelineSecond = 0
    var timelineArrivals = 0
    var timelineCompletions = 0
    var timelineHistogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000,
                                              numberOfSignificantValueDigits: .two)

    /// Prepares a simulation of `workflow` in `configuration` under `arrivals`.
    ///
    /// Throws when the configuration does not fit the workflow (unknown stage, variant or memory
    /// size) or a sample file cannot be read.
    public init(workflow: Workflow, configuration: Configuration, arrivals: any ArrivalProcess,
                options: SimulationOptions = SimulationOptions()) throws(TrimtabError) {
        try Self.check(configuration, fits: WorkflowModel(workflow))
        self.workflow = workflow
        self.options = options
        self.configuration = configuration
        self.mode = options.mode ?? (workflow.platform.kind == .kubernetes ? .kubernetes : .serverless)
        self.graph = WorkflowGraph(workflow)
        self.platform = workflow.platform
        self.arrivals = arrivals
        self.rng = SeededGenerator(seed: options.seed ^ 0x5DEE_CE66_D1CE_5EED)
        self.arrivalRNG = SeededGenerator(seed: options.seed)
        self.pricePerCoreHour = workflow.simulation.pricePerCoreHour ?? SimulationOptions.defaultPricePerCoreHour(workflow.platform)
        let slo = options.sloMs ?? workflow.goal?.bounds.maxLatencyMs
        self.total = LatencyRecorder(sloMs: slo)
        self.interval = LatencyRecorder(sloMs: slo)
        self.memberStride = 1

        for stage in workflow.stages {
            let settings = workflow.simulation.settings(for: stage.name)
            let spec = options.serviceTime ?? settings.serviceTime ?? .deterministic
            let distribution: ServiceDistribution
            switch spec {
            case .deterministic: distribution = .deterministic
            case .exponential: distribution = .exponential
            case .lognormal(let cv): distribution = .lognormal(cv: cv)
            case .empirical(let file, let column, let filter):
                let samples = try EmpiricalSamples.load(path: file, column: column, filter: filter, baseDirectory: options.baseDirectory)
                guard let d = ServiceDistribution.empirical(samples: samples) else {
                    throw TrimtabError(file: file, field: column, "no positive samples")
                }
                distribution = d
            }
            let coldMs = mode == .kubernetes ? 0
                : (options.coldStartMs ?? settings.coldStartMs ?? SimulationOptions.defaultColdStartMs(workflow.platform.kind))
            // `configuration` was validated above, so the choice and its variant exist.
            let choice = configuration[stage.name] ?? StageChoice(memoryMB: stage.variants[0].latency[0].memoryMB)
            let variant = stage.variants.first { $0.name == (choice.variant ?? "") } ?? stage.variants[0]
            var runtime = StageRuntime(name: stage.name, variant: variant, memoryMB: choice.memoryMB, distribution: distribution,
                                       coldStart: coldMs / 1000,
                                       keepAlive: settings.keepAliveS ?? SimulationOptions.defaultKeepAliveS,
                                       limit: settings.concurrencyLimit ?? Int.max, onLimit: settings.onLimit ?? .queue)
            Self.apply(choice, to: &runtime)
            runtime.variantIndex = stage.variants.firstIndex { $0.name == variant.name } ?? 0
            stages.append(runtime)
        }
        memberStride = max(1, stages.map(\.batchSize).max() ?? 1)
        for s in stages.indices where mode == .kubernetes { stages[s].peakInstances = stages[s].replicas }
        if options.recordTimeline { timelineHistogram.autoResize = true }
        scheduleNextArrival()
    }

    /// Checks stages, variants and memory sizes against the workflow. Batching is simulated as
    /// given (any batch size, with or without a time-out), so it is not matched against the
    /// planner's batched options, which exist only for `load_rps` goals and candidate time-outs.
    public static func check(_ configuration: Configuration, fits model: WorkflowModel) throws(TrimtabError) {
        var unbatched = configuration
        for name in configuration.keys {
            unbatched[name]?.batchSize = nil
            unbatched[name]?.batchTimeoutMs = nil
        }
        _ = try model.optionIndices(for: unbatched)
    }

    static func apply(_ choice: StageChoice, to stage: inout StageRuntime) {
        stage.memoryMB = choice.memoryMB
        stage.batchSize = max(1, choice.batchSize ?? 1)
        stage.batchTimeout = choice.batchTimeoutMs.map { $0 / 1000 } ?? .infinity
        stage.replicas = max(1, choice.replicas ?? 1)
        stage.cores = choice.cores ?? 1
        stage.refreshMeans()
        if stage.batchSizes.count <= stage.batchSize { stage.batchSizes += Array(repeating: 0, count: stage.batchSize + 1 - stage.batchSizes.count) }
    }

    // MARK: Advancing

    /// Processes every event up to time `horizon` (s) and reports what happened since the previous
    /// step. Between steps the configuration may be changed with `reconfigure(_:)`.
    /// - Complexity: O(E log P) for E events and P pending events (P ≤ runs and invocations in flight + 1).
    @discardableResult
    public mutating func run(until horizon: Double) -> IntervalReport {
        while true {
            // The next arrival waits outside the heap (one push and pop fewer per request); on a
            // tie in time the heap's event goes first.
            let heapTime = events.nextTime ?? .infinity
            let isArrival = pendingArrival < heapTime
            let t = isArrival ? pendingArrival : heapTime
            guard t <= horizon, t.isFinite else { break }
            if options.recordTimeline { advanceTimeline(to: t) }
            now = t
            eventCount += 1
            if isArrival {
                handleArrival()
                continue
            }
            guard let event = events.pop() else { break }
            switch event.kind {
            case .completion: handleCompletion(invocation: Int(event.id), stage: Int(event.stage))
            case .batchTimeout:
                let s = Int(event.stage)
                if stages[s].bufferGeneration == event.id, !stages[s].buffer.isEmpty { flush(stage: s) }
            case .replicasReady: activateStartedReplicas(stage: Int(event.stage))
            }
        }
        if horizon.isFinite, horizon > now {
            if options.recordTimeline { advanceTimeline(to: horizon) }
            now = horizon
        }
        return closeInterval()
    }

    /// Runs until the arrivals end and every run has completed (batch buffers still waiting for a
    /// batch without a time-out are served when nothing else is left), then reports.
    /// - Complexity: O(E log P), as `run(until:)`.
    public mutating func runToCompletion() -> SimulationReport {
        while true {
            run(until: .infinity)
            var flushed = false
            for s in stages.indices where !stages[s].buffer.isEmpty {
                flush(stage: s)
                flushed = true
            }
            if !flushed { break }
        }
        if options.recordTimeline {
            advanceTimeline(to: now)
            if timelineArrivals > 0 || timelineCompletions > 0 || timeline.isEmpty { closeTimelineSecond() }
        }
        return report()
    }

    /// Whether arrivals have ended and no run is in flight.
    public var isFinished: Bool { arrivalsExhausted && runsInFlight == 0 && events.isEmpty }

    // MARK: Reconfiguration

    /// Changes the choice (variant, memory, batch size and time-out, replicas, cores) of the
    /// stages named in `changes`, from now on. Invocations already running keep their service time;
    /// queued ones get the new latency when they start. Fewer replicas take effect as replicas finish.
    /// On serverless platforms a new variant or memory size is a new function version: the stage's
    /// idle instances are reclaimed, so the next requests start cold.
    /// On Kubernetes with `replicaStartupSeconds` > 0, added replicas serve after that delay, and a new
    /// variant, memory or core count replaces the stage's replicas after it (the old ones serve
    /// meanwhile and finish their invocations; starting replicas are billed). Batch settings of an
    /// unchanged variant and fewer replicas take effect at once.
    public mutating func reconfigure(_ changes: Configuration) throws(TrimtabError) {
        var merged = configuration
        for (name, choice) in changes { merged[name] = choice }
        try Self.check(merged, fits: WorkflowModel(workflow))
        accountReplicas()
        for (s, stage) in workflow.stages.enumerated() {
            guard let choice = changes[stage.name] else { continue }
            let variantIndex = stage.variants.firstIndex { $0.name == (choice.variant ?? "") } ?? stages[s].variantIndex
            let variant = stage.variants.indices.contains(variantIndex) ? stage.variants[variantIndex] : stages[s].variant
            if mode == .kubernetes, options.replicaStartupSeconds > 0 {
                reconfigureWithStartup(stage: s, choice: choice, variant: variant, variantIndex: variantIndex)
                continue
            }
            if mode == .serverless, variant != stages[s].variant || choice.memoryMB != stages[s].memoryMB {
                // A new function version: its warm instances are of the old one, so they go.
                stages[s].reclaimIdle(at: now)
            }
            stages[s].variant = variant
            stages[s].variantIndex = variantIndex
            Self.apply(choice, to: &stages[s])
            if stages[s].batchSize > memberStride { restride(stages[s].batchSize) }
            if mode == .kubernetes {
                stages[s].peakInstances = max(stages[s].peakInstances, stages[s].replicas)
                while stages[s].busy < stages[s].replicas, let next = stages[s].waiting.popFirst() {
                    start(invocation: Int(next), stage: s, cold: false)
                }
            }
            while stages[s].buffer.count >= stages[s].batchSize { flush(stage: s) }
        }
        configuration = merged
    }

    /// Kubernetes with a start-up delay: resize at once when only the count (or batching) changes,
    /// starting the added replicas; otherwise schedule the replacement of the stage's replicas.
    mutating func reconfigureWithStartup(stage s: Int, choice: StageChoice, variant: Variant, variantIndex: Int) {
        let delay = options.replicaStartupSeconds
        let cores = choice.cores ?? 1
        let target = max(1, choice.replicas ?? 1)
        if variant == stages[s].variant, choice.memoryMB == stages[s].memoryMB, cores == stages[s].cores {
            stages[s].pendingReplacement = nil
            let serving = stages[s].replicas
            Self.apply(choice, to: &stages[s])
            if target > serving {
                stages[s].replicas = serving
                // Keep the replicas already starting (soonest first); start the rest now.
                var needed = target - serving
                var kept: [(readyAt: Double, count: Int)] = []
                for entry in stages[s].startingReplicas where needed > 0 {
                    kept.append((entry.readyAt, min(entry.count, needed)))
                    needed -= min(entry.count, needed)
                }
                if needed > 0 {
                    kept.append((now + delay, needed))
                    events.schedule(.replicasReady, at: now + delay, stage: Int32(s))
                }
                stages[s].startingReplicas = kept
            } else {
                stages[s].startingReplicas = []
            }
            if stages[s].batchSize > memberStride { restride(stages[s].batchSize) }
            while stages[s].busy < stages[s].replicas, let next = stages[s].waiting.popFirst() {
                start(invocation: Int(next), stage: s, cold: false)
            }
            while stages[s].buffer.count >= stages[s].batchSize { flush(stage: s) }
        } else if let p = stages[s].pendingReplacement, p.variant == variant, p.choice.memoryMB == choice.memoryMB,
                  (p.choice.cores ?? 1) == cores {
            // The replacement already starting is of this kind: only its settings change.
            stages[s].pendingReplacement = (choice, variant, variantIndex, p.readyAt)
        } else {
            stages[s].startingReplicas = []
            stages[s].pendingReplacement = (choice, variant, variantIndex, now + delay)
            events.schedule(.replicasReady, at: now + delay, stage: Int32(s))
        }
    }

    /// Starting replicas of stage `s` whose delay is over begin to serve (or the replacement takes over).
    mutating func activateStartedReplicas(stage s: Int) {
        accountReplicas()
        if let p = stages[s].pendingReplacement {
            guard p.readyAt <= now else { return }
            stages[s].pendingReplacement = nil
            stages[s].variant = p.variant
            stages[s].variantIndex = p.variantIndex
            Self.apply(p.choice, to: &stages[s])
            // The old replicas finish what they run, then go; the new ones are all free.
            stages[s].retiringBusy += stages[s].busy
            stages[s].busy = 0
            stages[s].epoch &+= 1
            stages[s].startingReplicas = []
        } else {
            var ready = 0
            stages[s].startingReplicas.removeAll { entry in
                guard entry.readyAt <= now else { return false }
                ready += entry.count
                return true
            }
            guard ready > 0 else { return }
            stages[s].replicas += ready
        }
        if stages[s].batchSize > memberStride { restride(stages[s].batchSize) }
        stages[s].peakInstances = max(stages[s].peakInstances, stages[s].replicas)
        while stages[s].busy < stages[s].replicas, let next = stages[s].waiting.popFirst() {
            start(invocation: Int(next), stage: s, cold: false)
        }
        while stages[s].buffer.count >= stages[s].batchSize { flush(stage: s) }
    }

    /// Replaces the arrivals still to come with `process` (its times at or after now), for a caller
    /// that learns the arrivals step by step. Arrivals of the old process not yet arrived are dropped.
    public mutating func continueArrivals(with process: any ArrivalProcess) {
        arrivals = process
        arrivalsExhausted = false
        scheduleNextArrival()
    }

    /// The runs completed since the last call (only with `SimulationOptions.recordCompletedRuns`).
    public mutating func drainCompletedRuns() -> [CompletedRun] {
        defer { completedRuns = [] }
        return completedRuns
    }

    // MARK: Events

    mutating func scheduleNextArrival() {
        guard let t = arrivals.next(using: &arrivalRNG), t.isFinite, t < (options.duration ?? .infinity) else {
            arrivalsExhausted = true
            pendingArrival = .infinity
            return
        }
        pendingArrival = max(t, now)
    }

    mutating func handleArrival() {
        arrived += 1
        timelineArrivals += 1
        let run = allocateRun()
        runArrival[run] = now
        runFailed[run] = false
        leave(run: run, node: graph.start)
        scheduleNextArrival()
    }

    mutating func handleCompletion(invocation inv: Int, stage s: Int) {
        if !invocationThrottled[inv] {
            // The freed instance or replica takes the next queued invocation, if any.
            if mode == .kubernetes, invocationEpoch[inv] != stages[s].epoch {
                // A replaced replica finished its last invocation and goes.
                stages[s].retiringBusy -= 1
            } else if let next = stages[s].release(at: now, serverless: mode == .serverless) {
                start(invocation: Int(next), stage: s, cold: false)
                if mode == .kubernetes {
                    while stages[s].busy < stages[s].replicas, let more = stages[s].waiting.popFirst() {
                        start(invocation: Int(more), stage: s, cold: false)
                    }
                }
            }
        }
        let base = inv * memberStride
        for k in 0..<Int(invocationSize[inv]) {
            leave(run: Int(invocationMembers[base + k]), node: s)
        }
        freeInvocations.append(Int32(inv))
    }

    // MARK: Walking the graph

    /// A run has finished `node`: send tokens along its parallel edges and its drawn branch.
    mutating func leave(run: Int, node: Int) {
        let p0 = Int(graph.parallelOffsets[node]), p1 = Int(graph.parallelOffsets[node + 1])
        for k in p0..<p1 { arrive(run: run, node: Int(graph.parallelTargets[k]), live: true) }
        let b0 = Int(graph.branchOffsets[node]), b1 = Int(graph.branchOffsets[node + 1])
        guard b0 < b1 else { return }
        let u = rng.uniform()
        var chosen = b1 - 1
        for k in b0..<b1 where u < graph.branchCumulative[k] { chosen = k; break }
        if graph.branchIsBack[chosen] {
            // Loop again: the head runs at once; the exits send nothing (the run comes back here).
            fire(run: run, node: Int(graph.branchTargets[chosen]))
            return
        }
        for k in b0..<b1 where k != chosen && !graph.branchIsBack[k] {
            arrive(run: run, node: Int(graph.branchTargets[k]), live: false)
        }
        arrive(run: run, node: Int(graph.branchTargets[chosen]), live: true)
    }

    /// A token (live or dead) reaches `node`; a join waits for all its forward inputs.
    mutating func arrive(run: Int, node: Int, live: Bool) {
        var live = live
        let j = Int(graph.joinIndex[node])
        if j >= 0 {
            let index = run * graph.joinCount + j
            var state = joinState[index] + 1
            if live { state |= 1 << 16 }
            if Int32(state & 0xFFFF) < graph.inDegree[node] {
                joinState[index] = state
                return
            }
            joinState[index] = 0
            live = state & (1 << 16) != 0
        }
        if live {
            fire(run: run, node: node)
        } else {
            // Skipped: pass dead tokens on along every forward edge.
            let p0 = Int(graph.parallelOffsets[node]), p1 = Int(graph.parallelOffsets[node + 1])
            for k in p0..<p1 { arrive(run: run, node: Int(graph.parallelTargets[k]), live: false) }
            let b0 = Int(graph.branchOffsets[node]), b1 = Int(graph.branchOffsets[node + 1])
            for k in b0..<b1 where !graph.branchIsBack[k] { arrive(run: run, node: Int(graph.branchTargets[k]), live: false) }
        }
    }

    /// `node` runs for this run now.
    mutating func fire(run: Int, node: Int) {
        if node == graph.end {
            complete(run: run)
            return
        }
        if runFailed[run] {
            // A throttled run goes on without service, so that its slot is released.
            leave(run: run, node: node)
            return
        }
        if stages[node].batchSize <= 1 {
            let inv = allocateInvocation()
            invocationSize[inv] = 1
            invocationMembers[inv * memberStride] = Int32(run)
            dispatch(invocation: inv, stage: node)
        } else {
            stages[node].buffer.append(Int32(run))
            if stages[node].buffer.count == 1, stages[node].batchTimeout.isFinite {
                events.schedule(.batchTimeout, at: now + stages[node].batchTimeout, stage: Int32(node), id: stages[node].bufferGeneration)
            }
            if stages[node].buffer.count >= stages[node].batchSize { flush(stage: node) }
        }
    }

    mutating func flush(stage s: Int) {
        let inv = allocateInvocation()
        let count = min(stages[s].buffer.count, stages[s].batchSize, memberStride)
        invocationSize[inv] = Int32(count)
        for k in 0..<count { invocationMembers[inv * memberStride + k] = stages[s].buffer[k] }
        stages[s].buffer.removeFirst(count)
        stages[s].bufferGeneration &+= 1
        if !stages[s].buffer.isEmpty, stages[s].batchTimeout.isFinite {
            events.schedule(.batchTimeout, at: now + stages[s].batchTimeout, stage: Int32(s), id: stages[s].bufferGeneration)
        }
        dispatch(invocation: inv, stage: s)
    }

    mutating func dispatch(invocation inv: Int, stage s: Int) {
        invocationQueuedAt[inv] = now
        invocationThrottled[inv] = false
        switch stages[s].admit(Int32(inv), at: now, serverless: mode == .serverless) {
        case .warm:
            start(invocation: inv, stage: s, cold: false)
        case .cold:
            start(invocation: inv, stage: s, cold: stages[s].coldStart > 0)
        case .queued:
            break
        case .throttled:
            let size = Int(invocationSize[inv])
            stages[s].throttled += size
            for k in 0..<size { runFailed[Int(invocationMembers[inv * memberStride + k])] = true }
            invocationThrottled[inv] = true
            events.schedule(.completion, at: now, stage: Int32(s), id: Int32(inv))
        }
    }

    mutating func start(invocation inv: Int, stage s: Int, cold: Bool) {
        let size = Int(invocationSize[inv])
        let duration = stages[s].begin(batch: size, cold: cold, waited: now - invocationQueuedAt[inv], rng: &rng, spareNormal: &spareNormal)
        invocationEpoch[inv] = stages[s].epoch
        if options.recordCompletedRuns {
            let stride = stages.count
            for k in 0..<size { runVariants[Int(invocationMembers[inv * memberStride + k]) * stride + s] = Int16(stages[s].variantIndex) }
        }
        if mode == .serverless {
            serverlessCost += platform.invocationCost(memoryMB: stages[s].memoryMB, latencyMs: duration * 1000)
        }
        events.schedule(.completion, at: now + duration, stage: Int32(s), id: Int32(inv))
    }

    mutating func complete(run: Int) {
        if runFailed[run] {
            failed += 1
        } else {
            let ms = (now - runArrival[run]) * 1000
            // Into the interval's recorder only; it is merged into the total when the interval closes.
            interval.record(milliseconds: ms)
            if options.recordCompletedRuns {
                let stride = stages.count
                completedRuns.append(CompletedRun(arrival: runArrival[run], latencyMs: ms,
                                                  variants: runVariants[(run * stride)..<((run + 1) * stride)].map(Int.init)))
            }
            if options.recordTimeline {
                timelineCompletions += 1
                let clamped = max(ms, 1)
                _ = timelineHistogram.record(clamped < 1.8e19 ? UInt64(clamped.rounded()) : UInt64(1.8e19))
            }
        }
        runsInFlight -= 1
        freeRuns.append(Int32(run))
    }

    // MARK: Slots

    mutating func allocateRun() -> Int {
        runsInFlight += 1
        if let slot = freeRuns.popLast() {
            if options.recordCompletedRuns {
                for k in 0..<stages.count { runVariants[Int(slot) * stages.count + k] = -1 }
            }
            return Int(slot)
        }
        let slot = runArrival.count
        runArrival.append(0)
        runFailed.append(false)
        joinState.append(contentsOf: repeatElement(0, count: graph.joinCount))
        if options.recordCompletedRuns { runVariants.append(contentsOf: repeatElement(-1, count: stages.count)) }
        return slot
    }

    mutating func allocateInvocation() -> Int {
        if let slot = freeInvocations.popLast() { return Int(slot) }
        let slot = invocationSize.count
        invocationSize.append(0)
        invocationQueuedAt.append(0)
        invocationThrottled.append(false)
        invocationEpoch.append(0)
        invocationMembers.append(contentsOf: repeatElement(-1, count: memberStride))
        return slot
    }

    /// Widens every invocation's member block to `stride` (a batch size above all earlier ones).
    mutating func restride(_ stride: Int) {
        var wider = [Int32](repeating: -1, count: invocationSize.count * stride)
        for inv in 0..<invocationSize.count {
            for k in 0..<memberStride { wider[inv * stride + k] = invocationMembers[inv * memberStride + k] }
        }
        invocationMembers = wider
        memberStride = stride
    }

    // MARK: Reports

    mutating func accountReplicas() {
        guard mode == .kubernetes, now > replicaAccountedAt else { return }
        let dt = now - replicaAccountedAt
        for s in stages.indices {
            stages[s].replicaSeconds += Double(stages[s].replicas) * stages[s].cores * dt
            let starting = stages[s].startingReplicas.reduce(0) { $0 + $1.count }
            var startingCores = Double(starting) * stages[s].cores
            if let p = stages[s].pendingReplacement { startingCores += Double(max(1, p.choice.replicas ?? 1)) * (p.choice.cores ?? 1) }
            stages[s].startupCoreSeconds += startingCores * dt
        }
        replicaAccountedAt = now
    }

    var costSoFar: Double {
        switch mode {
        case .serverless: return serverlessCost
        case .kubernetes: return stages.reduce(0) { $0 + $1.replicaSeconds + $1.startupCoreSeconds } / 3600 * pricePerCoreHour
        }
    }

    mutating func closeInterval() -> IntervalReport {
        accountReplicas()
        let cost = costSoFar
        let colds = stages.reduce(0) { $0 + $1.coldStarts }
        var stageFigures: [IntervalStage] = []
        for s in stages.indices {
            if mode == .serverless { stages[s].expireIdle(at: now) }
            let st = stages[s]
            let capacity = st.capacitySeconds(at: now, serverless: mode == .serverless)
            let started = st.invocations - st.mark.invocations
            let busy = st.busySeconds - st.mark.busySeconds
            let available = capacity - st.mark.capacitySeconds
            stageFigures.append(IntervalStage(
                name: st.name, invocations: started,
                meanWaitMs: started > 0 ? (st.waitSeconds - st.mark.waitSeconds) / Double(started) * 1000 : 0,
                utilisation: available > 0 ? min(1, busy / available) : 0, queued: st.waiting.count,
                instances: mode == .serverless ? st.instances : st.replicas))
            stages[s].mark = (st.invocations, st.busySeconds, st.waitSeconds, capacity)
        }
        let report = IntervalReport(start: intervalStart, end: now, arrived: arrived - intervalArrived,
                                    completed: interval.count, failed: failed - intervalFailed, latency: interval.summary,
                                    costUSD: cost - intervalCostStart, coldStarts: colds - intervalColdStartsStart,
                                    stages: stageFigures)
        total.merge(interval)
        interval.reset()
        intervalStart = now
        intervalArrived = arrived
        intervalFailed = failed
        intervalCostStart = cost
        intervalColdStartsStart = colds
        return report
    }

    /// The figures of the whole simulation so far.
    public mutating func report() -> SimulationReport {
        accountReplicas()
        var stageReports: [StageReport] = []
        for s in stages.indices {
            if mode == .serverless { stages[s].expireIdle(at: now) }
            let st = stages[s]
            let capacity = st.capacitySeconds(at: now, serverless: mode == .serverless)
            stageReports.append(StageReport(name: st.name, invocations: st.invocations, coldStarts: st.coldStarts,
                                            throttled: st.throttled, peakInstances: st.peakInstances,
                                            utilisation: capacity > 0 ? min(1, st.busySeconds / capacity) : 0,
                                            meanWaitMs: st.invocations > 0 ? st.waitSeconds / Double(st.invocations) * 1000 : 0,
                                            batchSizes: st.batchSizes))
        }
        var all = total
        all.merge(interval)
        return SimulationReport(mode: mode, simulatedSeconds: now, arrived: arrived, completed: all.count, failed: failed,
                                latency: all.summary, sloMs: all.sloMs, costUSD: costSoFar, stages: stageReports,
                                events: eventCount)
    }

    // MARK: Timeline

    mutating func advanceTimeline(to t: Double) {
        while t >= Double(timelineSecond + 1) { closeTimelineSecond() }
    }

    mutating func closeTimelineSecond() {
        let boundary = Double(timelineSecond + 1)
        var instances = 0
        for s in stages.indices {
            switch mode {
            case .serverless:
                stages[s].expireIdle(at: min(boundary, max(now, boundary)))
                instances += stages[s].instances
            case .kubernetes:
                instances += stages[s].replicas
            }
        }
        let p95 = timelineCompletions > 0 ? Double(timelineHistogram.valueAtPercentile(95)) : .nan
        timeline.append(TimelineRow(second: timelineSecond, arrivals: timelineArrivals, completions: timelineCompletions,
                                    latencyP95Ms: p95, instances: instances))
        if timelineCompletions > 0 { timelineHistogram.reset() }
        timelineArrivals = 0
        timelineCompletions = 0
        timelineSecond += 1
    }
}
