/// One candidate setting of a stage: a variant and a memory size, with what it implies.
public struct StageOption: Sendable, Equatable {
    /// Index into the stage's `variants`.
    public var variant: Int
    public var memoryMB: Int
    public var latencyMs: Double
    /// USD per invocation (billing granularity applied).
    public var invocationCost: Double
    /// The variant's accuracy (1 for a plain stage).
    public var accuracy: Double
    /// Extension (batching, see `BatchedStageOptions`): requests per invocation and timeout (ms);
    /// nil for an unbatched option. Latency and cost are then per request.
    public var batchSize: Int? = nil
    public var batchTimeoutMs: Double? = nil
}

/// How per-stage accuracy terms combine: product, sum (mean and weighted) or minimum.
public struct AccuracyAlgebra: Sendable {
    public enum Operation: Sendable { case product, sum, minimum }
    public let operation: Operation
    /// The neutral term (for stages that are not part of the accuracy).
    public let identity: Double
    /// Divisor applied to a sum (number of stages, or total weight).
    public let divisor: Double
    /// Per-stage multiplier of the accuracy before combining (weights); nil: stage not counted.
    public let weights: [Double?]

    public init(rule: AccuracyRule, stages: [Stage]) {
        switch rule {
        case .product:
            operation = .product; identity = 1
            weights = stages.map { $0.hasVariants ? 1 : nil }
            divisor = 1
        case .mean:
            operation = .sum; identity = 0
            weights = stages.map { $0.hasVariants ? 1 : nil }
            divisor = Double(stages.filter { $0.hasVariants }.count)
        case .min:
            operation = .minimum; identity = .infinity
            weights = stages.map { $0.hasVariants ? 1 : nil }
            divisor = 1
        case .weighted(let w):
            operation = .sum; identity = 0
            weights = stages.map { s in s.hasVariants ? w[s.name] : nil }
            divisor = w.values.reduce(0, +)
        }
    }

    /// The stage's term for a variant of accuracy `a`.
    public func term(stage: Int, accuracy a: Double) -> Double {
        guard let w = weights[stage] else { return identity }
        return operation == .sum ? w * a : a
    }

    @inline(__always) public func combine(_ x: Double, _ y: Double) -> Double {
        switch operation {
        case .product: return x * y
        case .sum: return x + y
        case .minimum: return Swift.min(x, y)
        }
    }

    /// The workflow accuracy from a combined term.
    public func finish(_ x: Double) -> Double {
        switch operation {
        case .product: return x
        case .sum: return divisor > 0 ? x / divisor : 1
        case .minimum: return x.isFinite ? x : 1
        }
    }

    /// The combined term a workflow accuracy `a` corresponds to (for bounds).
    public func unfinish(_ a: Double) -> Double {
        switch operation {
        case .product, .minimum: return a
        case .sum: return divisor > 0 ? a * divisor : 0
        }
    }
}

/// A workflow compiled for evaluation: its block structure, expected executions, and every
/// stage's candidate options. Evaluates the latency/cost/accuracy model of the v1 spec.
public struct WorkflowModel: Sendable {
    public let workflow: Workflow
    public let structure: WorkflowStructure
    /// `options[s]`: every (variant, memory) of stage s, variants in file order, memory ascending.
    public let options: [[StageOption]]
    public let accuracy: AccuracyAlgebra

    public var executions: [Double] { structure.executions }
    public var root: Block { structure.root }

    public init(_ workflow: Workflow) throws(TrimtabError) {
        self.workflow = workflow
        self.structure = try WorkflowStructure(workflow)
        self.accuracy = AccuracyAlgebra(rule: workflow.accuracy, stages: workflow.stages)
        var all: [[StageOption]] = []
        for stage in workflow.stages {
            var list: [StageOption] = []
            for (vi, v) in stage.variants.enumerated() {
                for point in v.latency {
                    list.append(StageOption(variant: vi, memoryMB: point.memoryMB, latencyMs: point.latencyMs + stage.overheadMs,
                                            invocationCost: v.invocationCost(point, platform: workflow.platform),
                                            accuracy: v.accuracy))
                }
            }
            all.append(list)
        }
        self.options = BatchedStageOptions.adding(to: all, workflow: workflow, executions: structure.executions)
    }

    /// Expected end-to-end response time for the given per-stage latencies.
    /// - Complexity: O(V) for series–parallel workflows without branches under joins;
    ///   more where branches meet joins (distributions) or in general regions (enumeration).
    public func expectedLatency(stageLatencies t: [Double]) -> Double {
        WorkflowModel.mean(root, t)
    }

    static func mean(_ block: Block, _ t: [Double]) -> Double {
        switch block {
        case .empty: return 0
        case .stage(let i): return t[i]
        case .series(let c): return c.reduce(0) { $0 + mean($1, t) }
        case .mixture(let arms): return arms.reduce(0) { $0 + $1.probability * mean($1.block, t) }
        case .loop(let body, let p): return mean(body, t) / (1 - p)
        case .parallel, .general:
            if block.isDeterministic { return value(block, t) }
            return distribution(block, t).mean
        }
    }

    /// Latency of a block with no branches inside (outside loops).
    static func value(_ block: Block, _ t: [Double]) -> Double {
        switch block {
        case .empty: return 0
        case .stage(let i): return t[i]
        case .series(let c): return c.reduce(0) { $0 + value($1, t) }
        case .parallel(let c): return c.reduce(0) { Swift.max($0, value($1, t)) }
        case .mixture(let arms): return arms.reduce(0) { $0 + $1.probability * value($1.block, t) }
        case .loop(let body, let p): return mean(body, t) / (1 - p)
        case .general: return distribution(block, t).mean
        }
    }

    /// The latency distribution of a block over its branch outcomes.
    public static func distribution(_ block: Block, _ t: [Double]) -> Distribution {
        switch block {
        case .empty: return Distribution(point: 0)
        case .stage(let i): return Distribution(point: t[i])
        case .loop(let body, let p): return Distribution(point: mean(body, t) / (1 - p))
        case .series(let c):
            return c.dropFirst().reduce(distribution(c[0], t)) { $0.plus(distribution($1, t)) }
        case .parallel(let c):
            return c.dropFirst().reduce(distribution(c[0], t)) { $0.maximum(distribution($1, t)) }
        case .mixture(let arms):
            return .mixture(arms.map { (distribution($0.block, t), $0.probability) })
        case .general(let region):
            let dists = region.edges.map { distribution($0.block, t) }
            return region.distribution(edgeDistributions: dists)
        }
    }

    /// Evaluates a configuration given as one option index per stage.
    public func predict(optionIndices choice: [Int]) -> Prediction {
        var t = [Double](repeating: 0, count: choice.count)
        var cost = 0.0
        var acc = accuracy.identity
        for (s, k) in choice.enumerated() {
            let o = options[s][k]
            t[s] = o.latencyMs
            cost += executions[s] * o.invocationCost
            acc = accuracy.combine(acc, accuracy.term(stage: s, accuracy: o.accuracy))
        }
        return Prediction(latencyMs: expectedLatency(stageLatencies: t), costPerMillion: cost * 1e6,
                          accuracy: accuracy.finish(acc))
    }

    /// Option indices for a configuration by name, checking that every stage is set and
    /// every memory size and variant exists.
    public func optionIndices(for configuration: Configuration) throws(TrimtabError) -> [Int] {
        var result: [Int] = []
        for (s, stage) in workflow.stages.enumerated() {
            guard let choice = configuration[stage.name] else {
                throw TrimtabError(field: "configuration.\(stage.name)", "is missing")
            }
            var variantIndex = 0
            if stage.hasVariants {
                guard let name = choice.variant else {
                    throw TrimtabError(field: "configuration.\(stage.name).variant", "is required: stage '\(stage.name)' has variants")
                }
                guard let vi = stage.variants.firstIndex(where: { $0.name == name }) else {
                    throw TrimtabError(field: "configuration.\(stage.name).variant",
                                       "unknown variant '\(name)' (expected one of \(stage.variants.map(\.name).joined(separator: ", ")))")
                }
                variantIndex = vi
            } else if let name = choice.variant {
                throw TrimtabError(field: "configuration.\(stage.name).variant", "stage '\(stage.name)' has no variants, but '\(name)' was given")
            }
            guard let k = options[s].firstIndex(where: { $0.variant == variantIndex && $0.memoryMB == choice.memoryMB && $0.matchesBatching(of: choice) }) else {
                try BatchedStageOptions.explainMissing(choice, stage: stage, options: options[s])
                let sizes = stage.variants[variantIndex].latency.map { String($0.memoryMB) }.joined(separator: ", ")
                throw TrimtabError(field: "configuration.\(stage.name).memory_mb",
                                   "\(choice.memoryMB) is not in the latency table (\(sizes))")
            }
            result.append(k)
        }
        for name in configuration.keys where workflow.stageIndex(named: name) == nil {
            throw TrimtabError(field: "configuration.\(name)", "unknown stage")
        }
        return result
    }

    public func predict(_ configuration: Configuration) throws(TrimtabError) -> Prediction {
        predict(optionIndices: try optionIndices(for: configuration))
    }

    /// The named configuration for option indices.
    public func configuration(optionIndices choice: [Int]) -> Configuration {
        var c: Configuration = [:]
        for (s, k) in choice.enumerated() {
            let o = options[s][k]
            let stage = workflow.stages[s]
            c[stage.name] = StageChoice(variant: stage.hasVariants ? stage.variants[o.variant].name : nil, memoryMB: o.memoryMB,
                                        batchSize: o.batchSize, batchTimeoutMs: o.batchTimeoutMs)
        }
        return c
    }
}

extension GeneralRegion {
    /// Latency distribution of the region given each edge's (independent) latency distribution.
    func distribution(edgeDistributions: [Distribution]) -> Distribution {
        var pairs: [(Double, Double)] = []
        var lengths = Array(repeating: 0.0, count: edges.count)
        for outcome in outcomes() {
            let active = outcome.active
            let randomEdges = (0..<edges.count).filter { active[$0] && !edgeDistributions[$0].isPoint }
            for i in 0..<edges.count where edgeDistributions[i].isPoint { lengths[i] = edgeDistributions[i].values[0] }
            func enumerate(_ k: Int, _ p: Double) {
                if k == randomEdges.count {
                    pairs.append((longestPath(active: active, lengths: lengths), p))
                    return
                }
                let e = randomEdges[k]
                let d = edgeDistributions[e]
                for j in 0..<d.values.count {
                    lengths[e] = d.values[j]
                    enumerate(k + 1, p * d.probabilities[j])
                }
            }
            enumerate(0, outcome.probability)
        }
        return Distribution(pairs: pairs)
    }
}

extension WorkflowModel {
    /// Latency distribution of a general region given its edges' latency distributions.
    public static func regionDistribution(_ region: GeneralRegion, _ edgeDistributions: [Distribution]) -> Distribution {
        region.distribution(edgeDistributions: edgeDistributions)
    }
}
