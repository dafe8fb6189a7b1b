import TrimtabModel
import TrimtabSim
import TrimtabSolve

/// The cluster of the replay simulated by TrimtabSim's discrete-event `Simulator` in Kubernetes
/// mode: replicas per stage, each serving one batch at a time from a FIFO queue; a stage's buffer
/// collects up to `b` requests or waits the batch time-out after the first; replicas billed per
/// core-hour (millicores / 1000 cores each, at the pipeline's price).
///
/// A reconfiguration goes through `Simulator.reconfigure(_:)` with the start-up delay
/// (`SimulationOptions.replicaStartupSeconds`): added replicas serve after it, a new variant or
/// CPU size replaces the stage's replicas after it (the old ones serve meanwhile; both billed).
/// The first configuration is taken as already running (warm start). Service times follow the
/// file's `simulation:` block (deterministic by default) unless `serviceTime` overrides them.
public struct SimulatorPipelineSimulation: PipelineSimulation {
    public let pipeline: KubernetesPipeline
    public let startupDelaySeconds: Double
    public let serviceTime: ServiceTimeSpec?
    /// Seed of the service-time draws (arrivals come from the replay).
    public let seed: UInt64
    var simulator: Simulator?
    public private(set) var costUSD = 0.0

    public init(pipeline: KubernetesPipeline, startupDelaySeconds: Double, serviceTime: ServiceTimeSpec? = nil, seed: UInt64 = 1) {
        self.pipeline = pipeline
        self.startupDelaySeconds = startupDelaySeconds
        self.serviceTime = serviceTime
        self.seed = seed
    }

    public var inFlight: Int { simulator?.runsInFlight ?? 0 }

    /// The settings as a TrimtabSim configuration (millicores are the table's memory key; cores = millicores / 1000).
    func configuration(_ settings: [PipelineStageSetting], batchTimeoutMs: [Double]) -> Configuration {
        var configuration: Configuration = [:]
        for (k, s) in settings.enumerated() {
            let stage = pipeline.stage(k)
            configuration[stage.name] = StageChoice(variant: stage.variants[s.variant].name, memoryMB: s.millicores,
                                                    batchSize: s.batchSize, batchTimeoutMs: batchTimeoutMs[k],
                                                    replicas: s.replicas, cores: Double(s.millicores) / 1000)
        }
        return configuration
    }

    public mutating func reconfigure(_ settings: [PipelineStageSetting], batchTimeoutMs: [Double], at time: Double) throws(TrimtabError) {
        let configuration = configuration(settings, batchTimeoutMs: batchTimeoutMs)
        guard simulator != nil else {
            var workflow = pipeline.workflow
            // Bill at the pipeline's price (core-hours when the file gives none), as the planner does.
            workflow.simulation.pricePerCoreHour = pipeline.pricePerCoreHour
            let options = SimulationOptions(mode: .kubernetes, seed: seed, serviceTime: serviceTime,
                                            sloMs: pipeline.workflow.goal?.bounds.maxLatencyMs,
                                            replicaStartupSeconds: startupDelaySeconds, recordCompletedRuns: true)
            simulator = try Simulator(workflow: workflow, configuration: configuration, arrivals: TimestampArrivals(times: []),
                                      options: options)
            if time > 0 { run(until: time) }
            return
        }
        run(until: time)
        try simulator?.reconfigure(configuration)
    }

    /// Runs the simulator (mutated in place) to `time` and adds the interval's cost.
    mutating func run(until time: Double) {
        guard let now = simulator?.now, time > now else { return }
        costUSD += simulator?.run(until: time).costUSD ?? 0
    }

    /// - Complexity: O(E log P) for the E simulated events (TrimtabSim's `run(until:)`).
    public mutating func advance(arrivals: [Double], to time: Double) {
        if !arrivals.isEmpty { simulator?.continueArrivals(with: TimestampArrivals(times: arrivals)) }
        run(until: time)
    }

    public mutating func drainCompleted() -> [CompletedRequest] {
        let runs = simulator?.drainCompletedRuns() ?? []
        return runs.map { run in
            CompletedRequest(arrival: run.arrival, latencyMs: run.latencyMs,
                             accuracy: pipeline.pipelineAccuracy(variants: pipeline.order.map { max(0, run.variants[$0]) }))
        }
    }
}
