import AsyncHTTPClient
import Foundation
import TrimtabFit
import TrimtabModel

/// Profiles one stage of a running Ray Serve pipeline, per model variant × batch size × CPUs per
/// replica, through the application's own HTTP endpoint.
///
/// Each setting is applied with the `ray_serve` sink (one `PUT` of the deployed config with the
/// stage's `user_config` variant and batch size, `ray_actor_options.num_cpus` and one replica,
/// then a bounded wait until the application is `RUNNING` at that setting). Then:
///
/// - **latency**: rounds of `b` simultaneous POSTs of the payload (b = the batch size, so that a
///   round fills one batch), until `settled` accepts the series of the stage's times (the CV
///   stopping rule of `trimtab profile`) or `maxRepeats` times are measured. The stage's time is
///   read from the answer's `timings_ms[stage]` — measured by the pipeline's ingress around its
///   call of the stage's deployment, so it holds what a request costs in the stage under Serve
///   (routing, the replica's queue, the batch wait, the model, the way back) and nothing of the
///   other stages. The rest of the client's round trip (the round trip minus every stage's
///   time: Serve's HTTP proxy and the ingress) is recorded as the request's overhead.
/// - **throughput**: c requests kept in flight for `throughputSeconds` (closed loop: each answer
///   sends the next); the requests answered per second is the replica's throughput at that batch
///   size. c is what keeps the replica busy by Little's law with a factor 2 to spare:
///   c = ⌈2 · b · R / S⌉ (R the mean round trip, S the stage's mean time of the latency rounds),
///   at least 2·b and at most `maxConcurrency` (the ingress's max_ongoing_requests). The rest
///   of the pipeline (Serve's proxy, the ingress, the other stages as deployed — deploy them at
///   their fastest setting) serves the same requests on the same machine: when it saturates
///   first, the figure is what the pipeline answers at that setting, a lower bound of the
///   replica's own capacity.
///
/// Any failed request (non-2xx, no timing in the answer, a timeout) makes the setting infeasible
/// with the reason; the run goes on. At the end the stage's deployment is put back as it was.
public struct RayServeProfiler: ServingProfiler {
    /// The settings to measure (the core's plan of a serving profile).
    public typealias Plan = ServingProfilePlan
    /// What one setting measured (the core's series of a serving profile).
    public typealias Series = ServingProfileSeries

    public var sink: RayServeSink
    public var stage: String
    public var endpoint: String
    public var payload: Data
    public var plan: Plan
    /// Sends the requests to the endpoint; nil: a client of its own with a pool large enough for
    /// the throughput runs' requests in flight (the shared client keeps 8 per host).
    public var transport: (any HTTPTransport)?
    /// The stopping rule: true when a series of stage times is measured enough.
    public var settled: @Sendable ([Double]) -> Bool

    /// `sink.settings.deployments` must map `stage` to its deployment.
    public init(sink: RayServeSink, stage: String, endpoint: String, payload: Data, plan: Plan,
                transport: (any HTTPTransport)? = nil, settled: @escaping @Sendable ([Double]) -> Bool) {
        self.sink = sink
        self.stage = stage
        self.endpoint = endpoint
        self.payload = payload
        self.plan = plan
        self.transport = transport
        self.settled = settled
    }

    /// Checks that the application and the stage's deployment exist (one read): bad input naming
    /// `--application` or `--deployment` when one does not, unavailable when Serve cannot be read.
    public func verify() async throws(TrimtabError) {
        do {
            try await sink.verify(stages: [stage])
        } catch AdapterError.mismatch(let setting, let message) {
            throw TrimtabError(field: setting == "application" ? "--application" : "--deployment", message)
        } catch {
            throw TrimtabError(code: .unavailable,
                               "--ray-serve: cannot read the Serve application at \(sink.settings.address): \(FailureMessage.describe(error))")
        }
    }

    /// Measures every setting (CPUs outermost: a change of num_cpus restarts the replicas) and
    /// puts the deployment back as it was; `progress(done, total)` after each setting.
    /// - Complexity: O(settings × (maxRepeats + throughput requests)) requests.
    public func run(progress: @Sendable (Int, Int) -> Void = { _, _ in }) async -> [Series] {
        guard transport == nil else { return await measureAll(progress: progress) }
        let client = AsyncHTTPTransport.client(connections: max(plan.maxConcurrency, 2 * (plan.batchSizes.max() ?? 1)) + 4)
        var profiler = self
        profiler.transport = AsyncHTTPTransport(timeout: plan.timeout, client: client)
        let series = await profiler.measureAll(progress: progress)
        try? await client.shutdown()
        return series
    }

    func measureAll(progress: @Sendable (Int, Int) -> Void) async -> [Series] {
        let before = try? await sink.observe(stages: [stage]).first
        var out: [Series] = []
        for cpus in plan.cpus {
            for variant in plan.variants {
                for b in plan.batchSizes {
                    out.append(await measure(variant: variant, cpus: cpus, batchSize: b))
                    progress(out.count, plan.settingCount)
                }
            }
        }
        if let before {
            _ = await sink.apply([before])
        }
        return out
    }

    /// One setting: apply it, then the latency rounds and the throughput run.
    public func measure(variant: String, cpus: Double, batchSize b: Int) async -> Series {
        var series = Series(variant: variant, cpus: cpus, batchSize: b, throughputConcurrency: max(2, 2 * b))
        var roundTrips: [Double] = []
        let report = await sink.apply([StageSetting(stage: stage, variant: variant, batchSize: b, cpuCores: cpus, replicas: 1)])
        if let failure = report.failed.first {
            series.infeasible = "cannot configure: \(failure.message)"
            return series
        }
        // One round first, not recorded: the first requests after a switch meet cold caches.
        if case .failure(let failure) = await round(b) {
            series.infeasible = failure.reason
            return series
        }
        while series.latencies.count < plan.maxRepeats {
            switch await round(b) {
            case .failure(let failure):
                series.infeasible = failure.reason
                series.latencies = []
                series.overheads = []
                return series
            case .success(let answers):
                series.latencies += answers.map(\.stageMs)
                series.overheads += answers.map(\.overheadMs)
                roundTrips += answers.map(\.roundTripMs)
            }
            if series.latencies.count >= plan.minRepeats && settled(series.latencies) { break }
        }
        let mean = { (x: [Double]) in x.reduce(0, +) / Double(max(x.count, 1)) }
        let s = mean(series.latencies), r = mean(roundTrips)
        if s > 0, r.isFinite {
            let little = Int((2 * Double(b) * r / s).rounded(.up))
            series.throughputConcurrency = min(max(little, 2 * b, 2), max(plan.maxConcurrency, 2 * b))
        }
        switch await throughput(concurrency: series.throughputConcurrency) {
        case .success(let rps): series.throughputRps = rps
        case .failure(let failure): series.infeasible = "throughput: \(failure.reason)"
        }
        return series
    }

    struct Answer: Sendable {
        var stageMs: Double
        var overheadMs: Double
        var roundTripMs: Double
    }

    struct Failure: Error {
        var reason: String
    }

    /// `count` simultaneous requests.
    func round(_ count: Int) async -> Result<[Answer], Failure> {
        await withTaskGroup(of: Result<Answer, Failure>.self) { group in
            for _ in 0..<count { group.addTask { await self.request() } }
            var answers: [Answer] = []
            for await result in group {
                switch result {
                case .success(let a): answers.append(a)
                case .failure(let f): group.cancelAll(); return .failure(f)
                }
            }
            return .success(answers)
        }
    }

    /// Answers per second with `concurrency` requests kept in flight for `throughputSeconds`.
    func throughput(concurrency: Int) async -> Result<Double, Failure> {
        let clock = ContinuousClock()
        let start = clock.now
        let end = start + .milliseconds(Int(plan.throughputSeconds * 1000))
        let outcome = await withTaskGroup(of: Result<Int, Failure>.self) { group -> Result<Int, Failure> in
            for _ in 0..<concurrency {
                group.addTask {
                    var answered = 0
                    while clock.now < end {
                        switch await self.request() {
                        case .success: answered += 1
                        case .failure(let f): return .failure(f)
                        }
                    }
                    return .success(answered)
                }
            }
            var total = 0
            for await result in group {
                switch result {
                case .success(let n): total += n
                case .failure(let f): group.cancelAll(); return .failure(f)
                }
            }
            return .success(total)
        }
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return outcome.map { Double($0) / max(seconds, 1e-9) }
    }

    /// One POST of the payload: the stage's time from the answer, and the rest of the round trip.
    func request() async -> Result<Answer, Failure> {
        let clock = ContinuousClock()
        let start = clock.now
        let response: HTTPResponseData
        do {
            guard let transport else { throw Failure(reason: "no transport") }
            response = try await transport.send(HTTPRequestData(method: "POST", url: endpoint,
                                                                headers: [("Content-Type", "application/json")], body: payload))
        } catch {
            return .failure(Failure(reason: "\(error)"))
        }
        let elapsed = start.duration(to: clock.now)
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        guard (200..<300).contains(response.status) else {
            return .failure(Failure(reason: "HTTP \(response.status): \(response.summary)"))
        }
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
              let timings = object["timings_ms"] as? [String: Any],
              let stageMs = (timings[sink.settings.deployments[stage] ?? stage] as? NSNumber ?? timings[stage] as? NSNumber)?.doubleValue else {
            return .failure(Failure(reason: "the answer has no timings_ms.\(stage) (the pipeline must report each stage's time): "
                                    + String(String(decoding: response.body.prefix(200), as: UTF8.self))))
        }
        let all = timings.values.compactMap { ($0 as? NSNumber)?.doubleValue }.reduce(0, +)
        return .success(Answer(stageMs: stageMs, overheadMs: max(0, ms - all), roundTripMs: ms))
    }
}
