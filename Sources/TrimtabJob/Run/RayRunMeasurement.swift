import Foundation

/// What a Ray Data run measured, from its driver's events: the makespan (dataset start to the
/// last batch), the actors that ran, their init and batch times, and the core-seconds the job
/// used and held.
public struct RayRunMeasurement: Sendable, Equatable {
    /// One finished batch as the actor that ran it reported it (times in seconds since the epoch).
    public struct Batch: Sendable, Equatable {
        public var items: Int
        public var actor: String
        public var start: Double
        public var end: Double
        public var initStart: Double
        public var initEnd: Double

        public init(items: Int, actor: String, start: Double, end: Double, initStart: Double, initEnd: Double) {
            self.items = items
            self.actor = actor
            self.start = start
            self.end = end
            self.initStart = initStart
            self.initEnd = initEnd
        }
    }

    public var items: Int
    public var batches: Int
    /// Items of the largest batch (Ray Data's batch size when it chose it).
    public var largestBatch: Int
    public var actors: Int
    public var cpusPerActor: Double
    /// From the dataset's creation to the driver's last result (s).
    public var makespanS: Double
    /// CPUs per actor × (every actor's init + every batch's time): the core-seconds the work used.
    public var busyCoreSeconds: Double
    /// CPUs per actor × every actor's time from its init to the job's end: the core-seconds the
    /// job held (Ray keeps an actor pool's CPUs until the dataset is done) — what a cluster bills.
    public var heldCoreSeconds: Double
    /// CPUs per actor × the actors' init times (s).
    public var initCoreSeconds: Double
    /// Median actor init (s) and median batch time (s).
    public var medianInitS: Double?
    public var medianBatchS: Double?
    /// From the dataset's creation to the first actor's init (s): the engine's startup.
    public var startupS: Double?

    /// Summarises the batches of a run that started at `start` and ended at `end`.
    /// - Complexity: O(B log B) for B batches.
    public init(batches: [Batch], start: Double, end: Double, cpusPerActor: Double) {
        var initByActor: [String: (start: Double, end: Double)] = [:]
        for b in batches where initByActor[b.actor] == nil { initByActor[b.actor] = (b.initStart, b.initEnd) }
        let inits = initByActor.values.map { $0.end - $0.start }
        let work = batches.reduce(0.0) { $0 + ($1.end - $1.start) }
        items = batches.reduce(0) { $0 + $1.items }
        self.batches = batches.count
        largestBatch = batches.map(\.items).max() ?? 0
        actors = initByActor.count
        self.cpusPerActor = cpusPerActor
        makespanS = end - start
        initCoreSeconds = cpusPerActor * inits.reduce(0, +)
        busyCoreSeconds = cpusPerActor * (inits.reduce(0, +) + work)
        heldCoreSeconds = cpusPerActor * initByActor.values.reduce(0.0) { $0 + (end - $1.start) }
        medianInitS = JobRunner.median(inits.sorted())
        medianBatchS = JobRunner.median(batches.map { $0.end - $0.start }.sorted())
        startupS = initByActor.values.map(\.start).min().map { $0 - start }
    }
}
