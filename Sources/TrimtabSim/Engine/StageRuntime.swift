import TrimtabModel

/// The live state and counters of one stage in a simulation.
struct StageRuntime {
    let name: String
    // Configuration (changeable between steps).
    var variant: Variant
    var memoryMB: Int
    /// `meanSeconds[b]`: mean service time of a batch of b requests (index 0 unused).
    var meanSeconds: [Double]
    var batchSize: Int
    var batchTimeout: Double
    var replicas: Int
    var cores: Double
    let distribution: ServiceDistribution
    let coldStart: Double
    let keepAlive: Double
    let limit: Int
    let onLimit: LimitPolicy

    // State.
    var busy = 0
    /// Times at which the idle instances became idle, oldest first.
    var idleSince = RingBuffer<Double>()
    var waiting = RingBuffer<Int32>()
    var buffer: [Int32] = []
    var bufferGeneration: Int32 = 0
    /// Index of `variant` among the stage's variants.
    var variantIndex = 0
    /// Kubernetes start-up delay: replicas added but not yet serving, with when they will.
    var startingReplicas: [(readyAt: Double, count: Int)] = []
    /// Kubernetes start-up delay: a new variant/memory/cores whose replicas are starting.
    var pendingReplacement: (choice: StageChoice, variant: Variant, variantIndex: Int, readyAt: Double)?
    /// Incremented when the replicas are replaced; invocations of an older epoch run on retiring replicas.
    var epoch: Int32 = 0
    /// Invocations still running on replaced (retiring) replicas.
    var retiringBusy = 0
    /// Core-seconds of replicas that were starting (billed, not serving).
    var startupCoreSeconds = 0.0

    // Counters.
    var invocations = 0
    var coldStarts = 0
    var throttled = 0
    var peakInstances = 0
    var busySeconds = 0.0
    var created = 0
    var reclaimed = 0
    var createdTimeSum = 0.0
    var reclaimedTimeSum = 0.0
    var waitSeconds = 0.0
    var batchSizes: [Int] = [0, 0]
    var replicaSeconds = 0.0
    /// Counters at the start of the current interval: invocations, busy, wait and capacity seconds.
    var mark = (invocations: 0, busySeconds: 0.0, waitSeconds: 0.0, capacitySeconds: 0.0)

    var instances: Int { busy + idleSince.count }

    init(name: String, variant: Variant, memoryMB: Int, distribution: ServiceDistribution, coldStart: Double,
         keepAlive: Double, limit: Int, onLimit: LimitPolicy) {
        self.name = name
        self.variant = variant
        self.memoryMB = memoryMB
        self.meanSeconds = []
        self.batchSize = 1
        self.batchTimeout = .infinity
        self.replicas = 1
        self.cores = 1
        self.distribution = distribution
        self.coldStart = coldStart
        self.keepAlive = keepAlive
        self.limit = limit
        self.onLimit = onLimit
    }

    /// Mean service time (s) of a batch of `size`, from the table (interpolated between batch sizes).
    func mean(batch size: Int) -> Double {
        if size < meanSeconds.count { return meanSeconds[size] }
        return (variant.latencyMs(memoryMB: memoryMB, batchSize: size) ?? 0) / 1000
    }

    mutating func refreshMeans() {
        meanSeconds = [0] + (1...max(batchSize, 1)).map { (variant.latencyMs(memoryMB: memoryMB, batchSize: $0) ?? 0) / 1000 }
    }

    /// Starts an invocation of `size` requests that waited `waited` seconds: draws its service
    /// time, counts it, and returns how long it takes (s), cold start included.
    @inline(__always) mutating func begin(batch size: Int, cold: Bool, waited: Double, rng: inout SeededGenerator,
                                          spareNormal: inout Double) -> Double {
        let service = distribution.sample(mean: mean(batch: size), &rng, spareNormal: &spareNormal)
        let duration = cold ? service + coldStart : service
        busy += 1
        invocations += 1
        if cold { coldStarts += 1 }
        busySeconds += duration
        waitSeconds += waited
        if size < batchSizes.count { batchSizes[size] += 1 }
        return duration
    }

    /// Where an invocation goes when it asks for an instance or replica.
    enum Admission { case warm, cold, queued, throttled }

    /// Finds capacity for invocation `inv` at time `now`: a warm instance (the most recently idle,
    /// after reclaiming expired ones) or a free replica; else a new instance below the concurrency
    /// limit (serverless); else the FIFO queue, or throttling.
    @inline(__always) mutating func admit(_ inv: Int32, at now: Double, serverless: Bool) -> Admission {
        guard serverless else {
            if busy < replicas { return .warm }
            waiting.append(inv)
            return .queued
        }
        expireIdle(at: now)
        if idleSince.popLast() != nil { return .warm }
        if instances < limit {
            created += 1
            createdTimeSum += now
            peakInstances = max(peakInstances, instances + 1)
            return .cold
        }
        if onLimit == .queue {
            waiting.append(inv)
            return .queued
        }
        return .throttled
    }

    /// An invocation finished at `now`: the next queued invocation to start on the freed instance
    /// or replica, if any; otherwise a serverless instance goes idle.
    @inline(__always) mutating func release(at now: Double, serverless: Bool) -> Int32? {
        busy -= 1
        if serverless {
            if let next = waiting.popFirst() { return next }
            idleSince.append(now)
            return nil
        }
        return busy < replicas ? waiting.popFirst() : nil
    }

    /// Instance-seconds (serverless: from creation to reclaim, or to `now`) or replica-seconds
    /// (Kubernetes, as accounted so far) that existed up to `now`.
    func capacitySeconds(at now: Double, serverless: Bool) -> Double {
        guard serverless else { return replicaSeconds / cores }
        return reclaimedTimeSum + Double(created - reclaimed) * now - createdTimeSum
    }

    /// Reclaims every idle instance now.
    mutating func reclaimIdle(at t: Double) {
        while idleSince.popFirst() != nil {
            reclaimed += 1
            reclaimedTimeSum += t
        }
    }

    /// Reclaims the instances idle for longer than the keep-alive at time `t`.
    @inline(__always) mutating func expireIdle(at t: Double) {
        while let since = idleSince.first, since + keepAlive < t {
            _ = idleSince.popFirst()
            reclaimed += 1
            reclaimedTimeSum += since + keepAlive
        }
    }
}
