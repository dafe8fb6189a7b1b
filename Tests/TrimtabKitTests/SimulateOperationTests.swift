import Foundation
import Testing
import TrimtabKit
import TrimtabModel

/// One stage, 100 ms at 1024 MB, deterministic service, no cold starts: a request's latency is
/// exactly 100 ms on serverless; one replica on Kubernetes is an M/D/1 queue.
private let oneStage = """
    version: 1
    name: one-stage
    platform: {kind: aws-lambda, price_per_gb_second: 0.00001, price_per_request: 0.0000002, billing_granularity_ms: 1}
    stages:
      - name: infer
        latency_ms: {1024: 100}
    edges:
      - {from: start, to: infer}
      - {from: infer, to: end}
    simulation: {cold_start_ms: 0, service_time: deterministic}
    """

private let choice: ConfigurationSource = .object(.object([("infer", .object([("memory_mb", .integer(1024))]))]))

@Test func simulateServerlessMatchesTheClosedForm() throws {
    let result = try SimulateOperation.run(.init(workflow: .text(oneStage, label: "workflow"), configuration: choice,
                                                 arrivals: "poisson:5", duration: 2000, seed: 3))
    // Closed form: no queueing on serverless without a limit, so every latency is the service time;
    // each run costs 0.00001 USD/GB-s × 1 GB × 0.1 s + 0.0000002 USD = 1.2 USD per million.
    // (Quantiles come from an HDR histogram, to within 0.2 ms here.)
    #expect(abs(result.latencyMs.mean - 100) < 1e-9 && abs(result.latencyMs.max - 100) < 1e-9)
    #expect(abs(result.latencyMs.p50 - 100) < 0.2 && abs(result.latencyMs.p99 - 100) < 0.2)
    #expect(abs(result.costPerMillionUSD - 1.2) < 1e-9)
    #expect(abs(result.costUSD - Double(result.requests) * 1.2e-6) < 1e-12)
    // Poisson arrivals: 10,000 expected, σ = 100.
    #expect(abs(result.arrived - 10_000) < 500)
    #expect(result.requests == result.arrived && result.failed == 0 && result.coldStarts == 0)
    #expect(result.sloMs == nil && result.timeline == nil)
    // The JSON keeps the keys the command has always printed, `null` included.
    let json = try JSONValueEncoder().text(result, indent: nil)
    #expect(json.hasPrefix(#"{"requests":"#) && json.contains(#""slo_ms":null,"share_over_slo":null,"#))
}

@Test func simulateOneReplicaMatchesPollaczekKhinchine() throws {
    // A JSON request as the HTTP API would send it.
    let body = #"{"workflow": \#(JSONValue.quote(oneStage)), "configuration": {"infer": {"memory_mb": 1024}},"#
        + #" "arrivals": "poisson:5", "duration": 20000, "seed": 11, "mode": "kubernetes"}"#
    let request = try JSONDecoder().decode(SimulateOperation.Request.self, from: Data(body.utf8))
    let result = try SimulateOperation.run(request)
    // M/D/1 with λ = 5/s, D = 0.1 s, ρ = 0.5: mean wait ρD / (2(1 − ρ)) = 50 ms, so mean latency 150 ms.
    #expect(result.mode == "kubernetes")
    #expect(abs(result.latencyMs.mean - 150) / 150 < 0.04, "\(result.latencyMs.mean)")
    #expect(abs(result.stages[0].meanWaitMs - 50) / 50 < 0.12, "\(result.stages[0].meanWaitMs)")
    #expect(result.latencyMs.p50 >= 100)
}

@Test func simulateNamesBadFields() {
    #expect(throws: TrimtabError(field: "--duration", "-1.0 must be a positive number of seconds")) {
        try SimulateOperation.run(.init(workflow: .text(oneStage, label: "workflow"), configuration: choice, duration: -1))
    }
    #expect(throws: TrimtabError(field: "--config", "is required (or --plan)")) {
        try SimulateOperation.run(.init(workflow: .text(oneStage, label: "workflow"), arrivals: "poisson:1"))
    }
}
