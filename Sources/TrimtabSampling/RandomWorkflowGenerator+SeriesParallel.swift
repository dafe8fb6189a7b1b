import TrimtabModel

/// Workflows without branches or loops (series and parallel only), the family that has an
/// exact MILP (a start time per stage, one binary per option) for comparisons with MILP solvers.
extension RandomWorkflowGenerator {
    /// A chain start → f1 → … → fn → end. `sharedShape`: every stage's latency table (and each
    /// variant's) is one curve scaled by a per-stage factor, so latency–cost trade-offs are
    /// nearly proportional across stages (the hardest chains for label sets and MILP alike).
    public func makeChain(stages n: Int, seed: UInt64, sharedShape: Bool = false) -> Workflow {
        var rng = SeededGenerator(seed: seed)
        let count = max(1, n)
        let names = (0..<count).map { "f\($0 + 1)" }
        var list: [Stage] = []
        if sharedShape {
            let base = stage(name: "base", &rng)
            let baseVariants = stage(name: "base-v", &rng, forceVariants: true)
            for name in names {
                let scale = Double.random(in: 0.2...3, using: &rng)
                let template = maxVariants > 1 && Double.random(in: 0..<1, using: &rng) < variantShare ? baseVariants : base
                list.append(Stage(name: name, variants: template.variants.map { v in
                    Variant(name: v.name, accuracy: v.accuracy, latency: v.latency.map {
                        LatencyPoint(memoryMB: $0.memoryMB, latencyMs: round2($0.latencyMs * scale))
                    })
                }))
            }
        } else {
            list = names.map { stage(name: $0, &rng) }
        }
        var edges = [Edge(from: "start", to: names[0])]
        for i in 1..<count { edges.append(Edge(from: names[i - 1], to: names[i])) }
        edges.append(Edge(from: names[count - 1], to: "end"))
        return Workflow(name: "chain\(sharedShape ? "-shared" : "")-\(n)-\(seed)", stages: list, edges: edges)
    }

    /// A series of blocks, each a chain or a parallel fan-out and join with 2–5 arms; with
    /// `depth` 2 the arms hold fan-outs in turn (nested two levels). No branches, no loops.
    public func makeSeriesParallel(stages n: Int, seed: UInt64, depth: Int) -> Workflow {
        var rng = SeededGenerator(seed: seed)
        let b = Builder()
        let f = parallelFragment(max(1, n), depth: depth, b, &rng)
        var edges = [Edge(from: "start", to: b.name(f.entry))]
        edges += b.edges
        edges.append(Edge(from: b.name(f.exit), to: "end"))
        let list = (0..<b.count).map { stage(name: b.name($0), &rng) }
        return Workflow(name: "sp\(depth)-\(n)-\(seed)", stages: list, edges: edges)
    }

    /// Exactly `n` stages: a chain when `depth` is 0 or `n` is small, else a series of blocks
    /// of 8–30 stages (at the top level) or the whole fragment (inside an arm), each a fan-out
    /// with probability 0.7.
    func parallelFragment(_ n: Int, depth: Int, _ b: Builder, _ rng: inout SeededGenerator, inArm: Bool = false) -> Fragment {
        func chain(_ k: Int) -> Fragment {
            let first = b.newStage()
            var last = first
            for _ in 1..<max(1, k) { let s = b.newStage(); b.edge(last, s, 1); last = s }
            return Fragment(entry: first, exit: last, exitScale: 1)
        }
        guard depth > 0, n >= 4 else { return chain(n) }
        // Blocks: the top level cuts the stages into blocks; an arm is one block.
        var sizes: [Int] = []
        var left = n
        while left > 0 {
            let k = inArm ? left : min(left, Int.random(in: 8...30, using: &rng))
            sizes.append(left - k < 4 ? left : k)
            left -= sizes.last ?? left
        }
        var fragments: [Fragment] = []
        for size in sizes {
            if size >= 4 && Double.random(in: 0..<1, using: &rng) < 0.7 {
                let e = b.newStage()
                let inner = size - 2
                let armCount = min(inner, Int.random(in: 2...5, using: &rng))
                var armSizes = Array(repeating: 1, count: armCount)
                for _ in 0..<(inner - armCount) { armSizes[Int.random(in: 0..<armCount, using: &rng)] += 1 }
                let arms = armSizes.map { parallelFragment($0, depth: depth - 1, b, &rng, inArm: true) }
                let j = b.newStage()
                for a in arms { b.edge(e, a.entry, 1); b.edge(a.exit, j, 1) }
                fragments.append(Fragment(entry: e, exit: j, exitScale: 1))
            } else {
                fragments.append(chain(size))
            }
        }
        for i in 1..<fragments.count { b.edge(fragments[i - 1].exit, fragments[i].entry, 1) }
        return Fragment(entry: fragments[0].entry, exit: fragments[fragments.count - 1].exit, exitScale: 1)
    }
}
