import Foundation
import Testing
import TrimtabAdaptation
import TrimtabAdapters
import TrimtabForecast
import TrimtabModel
@testable import TrimtabControl

@Suite struct ControlConfigurationTests {
    static func write(_ text: String) throws -> String {
        let folder = try Workflows.folder()
        let path = folder.appendingPathComponent("control.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func parsesACompleteConfiguration() throws {
        let path = try Self.write("""
            workflow: workflow.yaml
            prometheus: {url: "http://127.0.0.1:9090", query: "sum(rate(requests_total[30s]))", history_seconds: 600}
            interval_seconds: 15
            predictor: reactive
            headroom: 1.3
            sink:
              kubernetes:
                server: http://127.0.0.1:8001
                namespace: ml
                token: abc
                deployments: {pre: pre, model: model-server, post: post}
            guardrails: {min_seconds_between_changes: 120, max_scale_down_step: 3, min_gain: 0.1, min_replicas: 2, max_replicas: 40}
            database: history.sqlite
            metrics_port: 9464
            """)
        let c = try ControlConfiguration.load(path: path)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        #expect(c.workflowPath == folder + "/workflow.yaml")
        #expect(c.databasePath == folder + "/history.sqlite")
        #expect(c.intervalSeconds == 15)
        #expect(c.headroom == 1.3)
        #expect(c.prometheus == PrometheusSettings(url: "http://127.0.0.1:9090", query: "sum(rate(requests_total[30s]))", historySeconds: 600))
        #expect(c.guardrails == Guardrails(minSecondsBetweenChanges: 120, maxScaleDownStep: 3, minGain: 0.1, minReplicas: 2, maxReplicas: 40))
        #expect(c.sink == .kubernetes(KubernetesSettings(server: "http://127.0.0.1:8001", namespace: "ml", token: "abc",
                                                         deployments: ["pre": "pre", "model": "model-server", "post": "post"])))
        #expect(c.metricsPort == 9464)
        _ = try ControlRunner(configuration: c, configurationFile: path, dryRun: true)
    }

    @Test func errorsNameTheFileAndField() throws {
        let cases: [(String, String)] = [
            ("workflow: workflow.yaml\nprometheus: {url: x, query: q}\nsink: {file: {path: out.json}}", "prometheus.url: 'x' is not an http(s) URL"),
            ("workflow: workflow.yaml\nprometheus: {url: 'http://p', query: q}\nsink: {file: {path: o.json}, lambda: {region: r, functions: {a: b}}}",
             "sink: give exactly one sink: kubernetes, lambda, ray_serve or file"),
            ("workflow: workflow.yaml\nprometheus: {url: 'http://p', query: q}\nsink: {file: {path: o.json}}\nguardrails: {min_replicas: 0}",
             "guardrails.min_replicas: must be at least 1 (the controller never scales to zero)"),
            ("workflow: workflow.yaml\nprometheus: {url: 'http://p', query: q}\nsink: {file: {path: o.json}}\nheadrom: 2",
             "headrom: unknown field"),
            ("workflow: workflow.yaml\nprometheus: {url: 'http://p', query: q}\nsink: {file: {path: o.json}}\npredictor: oracle",
             "predictor: unknown predictor 'oracle' (expected one of reactive, movmax, ewma, holt-winters, ar1, ar, ar-round, logar)"),
        ]
        for (text, message) in cases {
            let path = try Self.write(text)
            do {
                _ = try ControlConfiguration.load(path: path)
                Issue.record("expected an error for \(text)")
            } catch {
                #expect(error.description.hasPrefix("\(path): \(message)"), "\(error.description)")
            }
        }
    }

    @Test func everyStageNeedsADeployment() throws {
        let path = try Self.write("""
            workflow: workflow.yaml
            prometheus: {url: "http://127.0.0.1:9090", query: q}
            sink: {kubernetes: {server: "http://127.0.0.1:1", deployments: {pre: pre, model: model}}}
            """)
        let c = try ControlConfiguration.load(path: path)
        #expect(throws: TrimtabError(file: path, field: "sink.kubernetes.deployments.post", "is missing (every stage needs a deployment)")) {
            _ = try ControlRunner(configuration: c, configurationFile: path, dryRun: false)
        }
    }

    @Test func lambdaNeedsCredentials() throws {
        let path = try Self.write("""
            workflow: workflow.yaml
            prometheus: {url: "http://127.0.0.1:9090", query: q}
            sink: {lambda: {region: eu-west-1, functions: {pre: a, model: b, post: c}}}
            """)
        let c = try ControlConfiguration.load(path: path)
        #expect(throws: TrimtabError.self) {
            _ = try ControlRunner(configuration: c, configurationFile: path, dryRun: false, environment: [:])
        }
        _ = try ControlRunner(configuration: c, configurationFile: path, dryRun: false,
                              environment: ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"])
    }
}

@Suite struct ExampleConfigurationTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")

    /// The documented example configurations parse and match their workflow's stages.
    @Test func examplesAreValid() throws {
        let kube = Self.examples.appendingPathComponent("control-kubernetes.yaml").path
        var k = try ControlConfiguration.load(path: kube)
        #expect(k.databasePath == Self.examples.path + "/trimtab-history.sqlite")
        k.databasePath = ":memory:"  // keep the examples folder clean
        #expect(k.guardrails == Guardrails(minSecondsBetweenChanges: 120, maxScaleDownStep: 2, minGain: 0.05, minReplicas: 1, maxReplicas: 50))
        _ = try ControlRunner(configuration: k, configurationFile: kube, dryRun: true)
        let lambda = Self.examples.appendingPathComponent("control-lambda.yaml").path
        var l = try ControlConfiguration.load(path: lambda)
        l.databasePath = ":memory:"
        _ = try ControlRunner(configuration: l, configurationFile: lambda, dryRun: true,
                              environment: ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"])
    }
}
