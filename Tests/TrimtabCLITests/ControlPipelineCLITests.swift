import Foundation
import Testing
import TrimtabCLI
import TrimtabControl
import TrimtabModel

/// The controller's plan for a Kubernetes pipeline is the plan of `trimtab adapt --plan-load`.
@Suite struct ControlPipelineCLITests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")

    @Test(arguments: [
        (5.0, [] as [String]), (20.0, []), (60.0, []),
        (20.0, ["--objective", "cost"]), (40.0, ["--objective", "accuracy"]), (30.0, ["--alpha", "1", "--beta", "2", "--gamma", "0.01"]),
    ])
    func controlPlansExactlyAsAdapt(load: Double, objective: [String]) throws {
        let path = Self.examples.appendingPathComponent("control-video-k8s.yaml").path
        var configuration = try ControlConfiguration.load(path: path)
        switch objective.first {
        case "--objective": configuration.pipelineObjective = objective.last == "cost" ? .costThenAccuracy : .accuracyThenCost
        case "--alpha": configuration.pipelineObjective = .weighted(alpha: 1, beta: 2, gamma: 0.01)
        default: break
        }
        let workflow = try WorkflowParser.load(path: configuration.workflowPath)
        let plan = try ControlRunner.planner(configuration, workflow: workflow, file: path).plan(forecast: load)

        // The example's headroom (1.5) and max_replicas (32) are adapt's defaults; say them anyway.
        let adapt = CLI.run(["adapt", configuration.workflowPath, "--plan-load", "\(load)", "--headroom", "1.5",
                             "--max-replicas", "32", "--format", "json"] + objective)
        #expect(adapt.status == 0, "\(adapt.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(adapt.stdout.utf8)) as? [String: Any])
        let stages = try #require(json["configuration"] as? [String: [String: Any]])
        #expect(stages.count == plan.settings.count)
        for setting in plan.settings {
            let expected = try #require(stages[setting.stage])
            #expect(setting.variant == expected["variant"] as? String)
            #expect(setting.batchSize == expected["batch_size"] as? Int)
            #expect(setting.replicas == expected["replicas"] as? Int)
            #expect(setting.cpuCores == (expected["cores"] as? NSNumber)?.doubleValue)
            #expect(setting.memoryMB == nil)
        }
        let predicted = try #require(json["predicted"] as? [String: Double])
        // Equal up to the JSON text's round trip.
        let close = { (a: Double?, b: Double?) in
            guard let a, let b else { return false }
            return abs(a - b) <= 1e-12 * max(1, abs(a))
        }
        #expect(close(plan.prediction.latencyMs, predicted["latency_ms"]))
        #expect(close(plan.prediction.accuracy, predicted["accuracy"]))
        #expect(close(plan.pipeline?.costPerHour, predicted["cost_per_hour_usd"]))
    }
}
