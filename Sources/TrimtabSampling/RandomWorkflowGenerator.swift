import Foundation
import TrimtabModel

/// Random workflows of every shape (chains, parallel fan-out and join, branches, cycles,
/// self-loops, non-series–parallel bridges) with plausible latency tables, for property
/// tests and benchmarks.
public struct RandomWorkflowGenerator: Sendable {
    public var memorySizes: [Int]
    /// Share of stages that get variants.
    public var variantShare: Double
    public var maxVariants: Int
    /// Probability of a loop (self-loop or cycle) around a fragment.
    public var loopChance: Double
    /// Probability of a bridge (non-series–parallel) fragment where one fits.
    public var bridgeChance: Double

    public init(memorySizes: [Int] = RandomWorkflowGenerator.lambdaSizes(16), variantShare: Double = 0.5,
                maxVariants: Int = 4, loopChance: Double = 0.15, bridgeChance: Double = 0.1) {
        self.memorySizes = memorySizes
        self.variantShare = variantShare
        self.maxVariants = maxVariants
        self.loopChance = loopChance
        self.bridgeChance = bridgeChance
    }

    /// `count` memory sizes from 128 MB to 3008 MB (SLApp's grid for 16).
    public static func lambdaSizes(_ count: Int) -> [Int] {
        guard count > 1 else { return [1024] }
        let step = (3008 - 128) / (count - 1)
        return (0..<count).map { 128 + $0 * step }
    }

    struct Fragment { var entry: Int; var exit: Int; var exitScale: Double }

    final class Builder {
        var edges: [Edge] = []
        var count = 0
        func name(_ i: Int) -> String { "f\(i + 1)" }
        func newStage() -> Int { count += 1; return count - 1 }
        func edge(_ a: Int, _ b: Int, _ p: Double) { edges.append(Edge(from: name(a), to: name(b), probability: p)) }
    }

    public func make(stages: Int, seed: UInt64) -> Workflow {
        var rng = SeededGenerator(seed: seed)
        let b = Builder()
        let f = fragment(max(1, stages), b, &rng)
        var edges = [Edge(from: "start", to: b.name(f.entry))]
        edges += b.edges
        edges.append(Edge(from: b.name(f.exit), to: "end", probability: f.exitScale))
        var list: [Stage] = []
        for i in 0..<b.count { list.append(stage(name: b.name(i), &rng)) }
        return Workflow(name: "random-\(stages)-\(seed)", stages: list, edges: edges)
    }

    func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }

    /// `underJoin`: the fragment is an arm of a parallel fan-out. Arms stay short (as the
    /// pre-processing or model chains of real inference pipelines are), so that branches
    /// under joins are single stages; loops and branches of any size live outside joins.
    func fragment(_ n: Int, _ b: Builder, _ rng: inout SeededGenerator, underJoin: Bool = false) -> Fragment {
        if n == 1 {
            let s = b.newStage()
            if Double.random(in: 0..<1, using: &rng) < loopChance {
                let p = round2(Double.random(in: 0.05...0.4, using: &rng))
                b.edge(s, s, p)
                return Fragment(entry: s, exit: s, exitScale: 1 - p)
            }
            return Fragment(entry: s, exit: s, exitScale: 1)
        }
        var f: Fragment
        let shape = Int.random(in: 0..<4, using: &rng)
        if underJoin {
            // A short chain, or a branch over single stages.
            if n >= 4 && Bool.random(using: &rng) {
                let e = b.newStage(), j = b.newStage()
                let p = round2(Double.random(in: 0.2...0.8, using: &rng))
                let x = fragment(1, b, &rng), y = fragment(n - 3, b, &rng, underJoin: true)
                b.edge(e, x.entry, p); b.edge(e, y.entry, 1 - p)
                b.edge(x.exit, j, x.exitScale); b.edge(y.exit, j, y.exitScale)
                return Fragment(entry: e, exit: j, exitScale: 1)
            }
            let k = Int.random(in: 1..<n, using: &rng)
            let a = fragment(k, b, &rng, underJoin: true)
            let c = fragment(n - k, b, &rng, underJoin: true)
            b.edge(a.exit, c.entry, a.exitScale)
            return Fragment(entry: a.entry, exit: c.exit, exitScale: c.exitScale)
        }
        if n >= 6 && Double.random(in: 0..<1, using: &rng) < bridgeChance {
            // e → a, e → c, a → c, a → j, c → j: not series–parallel.
            let e = b.newStage(), a = b.newStage(), c = b.newStage()
            let rest = n - 4
            let tail = fragment(rest, b, &rng)
            b.edge(e, a, 1); b.edge(e, c, 1); b.edge(a, c, 1)
            b.edge(a, tail.entry, 1); b.edge(c, tail.entry, 1)
            f = Fragment(entry: e, exit: tail.exit, exitScale: tail.exitScale)
        } else if shape == 0 || n < 3 {
            let k = Int.random(in: 1..<n, using: &rng)
            let a = fragment(k, b, &rng)
            let c = fragment(n - k, b, &rng)
            b.edge(a.exit, c.entry, a.exitScale)
            f = Fragment(entry: a.entry, exit: c.exit, exitScale: c.exitScale)
        } else {
            // Entry stage, arms, join stage.
            let inner = n - 2
            let armCount = min(inner, Int.random(in: 2...3, using: &rng))
            var sizes = Array(repeating: 1, count: armCount)
            // Parallel arms hold at most 5 stages each; a larger fragment becomes a series.
            if shape == 1 && inner > armCount * 5 {
                let k = Int.random(in: 1..<n, using: &rng)
                let a = fragment(k, b, &rng)
                let c = fragment(n - k, b, &rng)
                b.edge(a.exit, c.entry, a.exitScale)
                return Fragment(entry: a.entry, exit: c.exit, exitScale: c.exitScale)
            }
            let e = b.newStage()
            for _ in 0..<(inner - armCount) { sizes[Int.random(in: 0..<armCount, using: &rng)] += 1 }
            let arms = sizes.map { fragment($0, b, &rng, underJoin: shape == 1) }
            let j = b.newStage()
            if shape == 1 {
                for a in arms { b.edge(e, a.entry, 1); b.edge(a.exit, j, a.exitScale) }
            } else {
                var weights = arms.map { _ in Double.random(in: 0.2...1, using: &rng) }
                let skip = shape == 3  // one arm may be skipped entirely (e → j)
                if skip { weights.append(Double.random(in: 0.1...0.5, using: &rng)) }
                let total = weights.reduce(0, +)
                var probs = weights.map { max(0.01, round2($0 / total)) }
                probs[probs.count - 1] = 1 - probs.dropLast().reduce(0, +)
                if probs[probs.count - 1] <= 0.005 {
                    probs = Array(repeating: 1 / Double(probs.count), count: probs.count)
                }
                for (i, a) in arms.enumerated() { b.edge(e, a.entry, probs[i]); b.edge(a.exit, j, a.exitScale) }
                if skip { b.edge(e, j, probs[probs.count - 1]) }
            }
            f = Fragment(entry: e, exit: j, exitScale: 1)
        }
        if f.entry != f.exit && Double.random(in: 0..<1, using: &rng) < loopChance {
            let p = round2(Double.random(in: 0.05...0.4, using: &rng))
            b.edge(f.exit, f.entry, p * f.exitScale)
            f.exitScale *= (1 - p)
        }
        return f
    }

    /// A latency table: CPU-bound work that speeds up to one vCPU (1769 MB), then plateaus.
    func table(work: Double, _ rng: inout SeededGenerator) -> [LatencyPoint] {
        let overhead = Double.random(in: 5...60, using: &rng)
        return memorySizes.map { m in
            let speed = min(Double(m) / 1769, 1 + 0.15 * log2(max(Double(m) / 1769, 1)))
            let noise = Double.random(in: 0.95...1.05, using: &rng)
            return LatencyPoint(memoryMB: m, latencyMs: ((work / speed + overhead) * noise * 100).rounded() / 100)
        }
    }

    /// `forceVariants`: always give the stage variants (when `maxVariants` allows).
    func stage(name: String, _ rng: inout SeededGenerator, forceVariants: Bool = false) -> Stage {
        let work = Double.random(in: 20...1500, using: &rng)
        if maxVariants > 1 && (Double.random(in: 0..<1, using: &rng) < variantShare || forceVariants) {
            let k = Int.random(in: 2...maxVariants, using: &rng)
            var accuracy = Double.random(in: 0.55...0.7, using: &rng)
            var variants: [Variant] = []
            for v in 0..<k {
                variants.append(Variant(name: "v\(v + 1)", accuracy: (accuracy * 10000).rounded() / 10000,
                                        latency: table(work: work * (1 + 0.7 * Double(v)), &rng)))
                accuracy = min(0.99, accuracy + Double.random(in: 0.01...0.08, using: &rng))
            }
            return Stage(name: name, variants: variants)
        }
        return Stage(name: name, latency: table(work: work, &rng))
    }
}
