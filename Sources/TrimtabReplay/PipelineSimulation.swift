import TrimtabModel
import TrimtabSolve

/// A request that has left the pipeline: when it arrived, how long it took end to end, and the
/// accuracy of the variants that served it.
public struct CompletedRequest: Sendable, Equatable {
    public var arrival: Double
    public var latencyMs: Double
    public var accuracy: Double
}

/// The seam between the adaptive loop and the cluster it drives: TrimtabSim's discrete-event
/// simulator (`SimulatorPipelineSimulation`, the default), the small queueing model it replaced
/// (`QueueingPipelineSimulation`, kept as a cross-check), a real cluster behind a controller later.
public protocol PipelineSimulation {
    /// Applies one setting per stage (pipeline order) at `time` (seconds); `batchTimeoutMs` is the
    /// longest a stage waits for a batch to fill. New replicas serve after the start-up delay.
    mutating func reconfigure(_ settings: [PipelineStageSetting], batchTimeoutMs: [Double], at time: Double) throws(TrimtabError)
    /// Adds the arrivals (seconds, ascending, none before the previous `advance`) and runs to `time`.
    mutating func advance(arrivals: [Double], to time: Double)
    /// The requests that finished since the last call.
    mutating func drainCompleted() -> [CompletedRequest]
    /// USD spent on replicas so far.
    var costUSD: Double { get }
    /// Requests still inside the pipeline.
    var inFlight: Int { get }
}
