import Foundation
import TrimtabAdapters
import TrimtabControl
import TrimtabModel

/// A metrics source answering from a script: a rate, no data (nil) or a failure.
actor FakeSource: MetricsSource {
    enum Answer { case rate(Double), noData, failure }
    private var script: [Answer]
    private let historySamples: [Double]
    private(set) var calls = 0

    init(_ script: [Answer], history: [Double] = []) {
        self.script = script
        historySamples = history
    }

    func push(_ answers: Answer...) { script.append(contentsOf: answers) }

    func currentRate() async throws -> Double? {
        calls += 1
        let next = script.isEmpty ? Answer.noData : script.removeFirst()
        switch next {
        case .rate(let r): return r
        case .noData: return nil
        case .failure: throw AdapterError.exhausted(attempts: 2, lastStatus: 0, message: "connection refused")
        }
    }

    func history(seconds: Double, stepSeconds: Double) async throws -> [Double] { historySamples }
}

/// A sink that records what it was asked to apply and fails the stages it is told to.
actor FakeSink: ConfigurationSink {
    nonisolated let kind = "fake"
    private(set) var calls: [[StageSetting]] = []
    var failing: Set<String>

    init(failing: Set<String> = []) { self.failing = failing }

    func setFailing(_ stages: Set<String>) { failing = stages }

    func apply(_ settings: [StageSetting]) async -> SinkReport {
        calls.append(settings)
        var report = SinkReport()
        for s in settings {
            if failing.contains(s.stage) {
                report.failed.append(StageFailure(stage: s.stage, message: "HTTP 500: injected"))
            } else {
                report.applied.append(s.stage)
            }
        }
        return report
    }
}

enum Workflows {
    /// pre (100 ms) → model (small 200 ms, acc 0.8 | large 500 ms, acc 0.9) → post (50 ms); accuracy ≥ 0.85.
    static let threeStage = """
        version: 1
        name: three-stage
        stages:
          - name: pre
            latency_ms: {512: 100}
          - name: model
            variants:
              - {name: small, accuracy: 0.8, latency_ms: {1024: 200}}
              - {name: large, accuracy: 0.9, latency_ms: {1024: 500}}
          - name: post
            latency_ms: {256: 50}
        edges:
          - {from: start, to: pre}
          - {from: pre, to: model}
          - {from: model, to: post}
          - {from: post, to: end}
        goal:
          minimize: cost
          subject_to: {accuracy: 0.85}
        """

    static func model(_ text: String = threeStage) throws -> WorkflowModel {
        try WorkflowModel(try WorkflowParser.parse(text: text))
    }

    static func planner(_ text: String = threeStage, capacity: CapacityKind = .replicas, headroom: Double = 1,
                        minimum: Int = 1) throws -> ControlPlanner {
        let model = try model(text)
        guard let goal = model.workflow.goal else { throw TrimtabError("no goal") }
        return ControlPlanner(model: model, goal: goal, capacity: capacity,
                              replicas: ReplicaPlanner(headroom: headroom, minimum: minimum, maximum: 1000))
    }

    /// Writes the three-stage workflow to a temporary folder and returns the folder.
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trimtab-control-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try threeStage.write(to: folder.appendingPathComponent("workflow.yaml"), atomically: true, encoding: .utf8)
        return folder
    }
}

import Logging

extension Logger {
    /// A logger that prints only errors, to keep test output readable.
    static var quiet: Logger {
        var logger = Logger(label: "trimtab.control.test")
        logger.logLevel = .error
        return logger
    }
}
