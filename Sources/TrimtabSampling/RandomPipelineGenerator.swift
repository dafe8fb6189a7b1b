import Foundation
import TrimtabModel
import TrimtabSolve

/// Random Kubernetes pipelines (chains) for property tests and benchmarks: per stage some
/// variants with accuracies in [0.5, 0.9], batch sizes and millicore sizes from the given lists,
/// latency growing sub-linearly with the batch (×(1 + 0.55(b − 1))) and falling with cores (^0.7).
public struct RandomPipelineGenerator: Sendable {
    public var variants: ClosedRange<Int>
    public var batchSizes: [Int]
    public var millicores: [Int]
    /// Share of the optional batch sizes and millicore sizes each stage keeps (1: all).
    public var keepShare: Double

    public init(variants: ClosedRange<Int> = 1...3, batchSizes: [Int] = [1, 2, 4, 8], millicores: [Int] = [500, 1000, 2000],
                keepShare: Double = 0.6) {
        self.variants = variants
        self.batchSizes = batchSizes
        self.millicores = millicores
        self.keepShare = keepShare
    }

    public func make(stages: Int, seed: UInt64, rule: AccuracyRule = .product) throws(TrimtabError) -> KubernetesPipeline {
        var rng = SeededGenerator(seed: seed)
        func uniform() -> Double { Double(rng.next() % 10_000) / 10_000 }
        var list: [Stage] = []
        for s in 0..<stages {
            let count = variants.lowerBound + Int(rng.next() % UInt64(variants.count))
            let batches = batchSizes.enumerated().filter { $0.offset == 0 || uniform() < keepShare }.map(\.element)
            let cores = millicores.enumerated().filter { $0.offset == millicores.count / 2 || uniform() < keepShare }.map(\.element)
            let vs = (0..<count).map { v -> Variant in
                let base = 20 + 200 * uniform() * Double(v + 1)
                let tables = batches.map { b in
                    BatchLatencyTable(batchSize: b, latency: cores.map { m in
                        LatencyPoint(memoryMB: m, latencyMs: (base * (1 + 0.55 * Double(b - 1)) * pow(1000 / Double(m), 0.7) * 10).rounded() / 10)
                    })
                }
                return Variant(name: "v\(v)", accuracy: 0.5 + 0.4 * uniform(), latency: tables[0].latency, batchLatency: tables)
            }
            list.append(count == 1 && uniform() < 0.3
                        ? Stage(name: "s\(s)", latency: vs[0].latency, batchLatency: vs[0].batchLatency)
                        : Stage(name: "s\(s)", variants: vs))
        }
        var edges = [Edge(from: "start", to: "s0")]
        for s in 1..<max(1, stages) { edges.append(Edge(from: "s\(s - 1)", to: "s\(s)")) }
        edges.append(Edge(from: "s\(stages - 1)", to: "end"))
        var platform = Platform(kind: .kubernetes)
        platform.pricePerCoreHour = 0.04
        return try KubernetesPipeline(Workflow(name: "random-\(seed)", platform: platform, stages: list, edges: edges, accuracy: rule))
    }
}
