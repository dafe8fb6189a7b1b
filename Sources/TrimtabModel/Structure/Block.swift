/// The workflow's graph decomposed into nested blocks, the form in which the model
/// evaluates latency and the exact solver composes Pareto sets.
public indirect enum Block: Sendable {
    /// Nothing: a plain edge.
    case empty
    /// One stage (by index into `Workflow.stages`).
    case stage(Int)
    /// Blocks run one after the other.
    case series([Block])
    /// Blocks run in parallel; the join waits for all (latency: the maximum).
    case parallel([Block])
    /// Exactly one block runs, with the given probability (the probabilities sum to 1).
    case mixture([Arm])
    /// The body repeats with probability `repeatProbability` after each run (self-loop or cycle):
    /// its latency becomes mean(body)/(1 − p).
    case loop(Block, repeatProbability: Double)
    /// A region that does not decompose into the forms above; evaluated by enumeration.
    case general(GeneralRegion)

    public struct Arm: Sendable {
        public var block: Block
        public var probability: Double
        public init(_ block: Block, _ probability: Double) {
            self.block = block
            self.probability = probability
        }
    }

    /// Stage indices contained in this block.
    public var stages: [Int] {
        var out: [Int] = []
        collectStages(into: &out)
        return out
    }

    func collectStages(into out: inout [Int]) {
        switch self {
        case .empty: break
        case .stage(let i): out.append(i)
        case .series(let c), .parallel(let c): for b in c { b.collectStages(into: &out) }
        case .mixture(let arms): for a in arms { a.block.collectStages(into: &out) }
        case .loop(let b, _): b.collectStages(into: &out)
        case .general(let r): for e in r.edges { e.block.collectStages(into: &out) }
        }
    }

    /// Whether a join (parallel blocks, or a general region) lies anywhere inside this block.
    public var hasJoins: Bool {
        switch self {
        case .empty, .stage: return false
        case .parallel, .general: return true
        case .series(let c): return c.contains { $0.hasJoins }
        case .mixture(let arms): return arms.contains { $0.block.hasJoins }
        case .loop(let body, _): return body.hasJoins
        }
    }

    /// Whether the latency of this block is a single value (no branch inside it outside loops).
    public var isDeterministic: Bool {
        switch self {
        case .empty, .stage, .loop: return true
        case .series(let c), .parallel(let c): return c.allSatisfy { $0.isDeterministic }
        case .mixture(let arms): return arms.count <= 1 && arms.allSatisfy { $0.block.isDeterministic }
        case .general(let r): return r.edges.allSatisfy { $0.block.isDeterministic } && !r.hasBranches
        }
    }
}

/// A two-terminal sub-graph that is not series–parallel. Its nodes are numbered locally;
/// `source` and `sink` are its terminals; each edge carries a block.
public struct GeneralRegion: Sendable {
    public struct RegionEdge: Sendable {
        public var from: Int
        public var to: Int
        /// 1: always taken (parallel); below 1: one of the source node's branch alternatives.
        public var probability: Double
        public var block: Block
    }
    public var nodeCount: Int
    public var source: Int
    public var sink: Int
    public var edges: [RegionEdge]
    /// Node indices in a topological order.
    public var order: [Int]

    var hasBranches: Bool { edges.contains { $0.probability < 1 } }

    /// Every branch outcome of the region: which edges are active, and its probability.
    /// - Complexity: O(product of branch fan-outs over active nodes × E).
    public func outcomes() -> [(active: [Bool], probability: Double)] {
        var outEdges = Array(repeating: [Int](), count: nodeCount)
        for (i, e) in edges.enumerated() { outEdges[e.from].append(i) }
        var result: [(active: [Bool], probability: Double)] = []
        var nodeActive = Array(repeating: false, count: nodeCount)
        var edgeActive = Array(repeating: false, count: edges.count)
        nodeActive[source] = true
        func visit(_ position: Int, _ probability: Double) {
            if position == order.count {
                result.append((edgeActive, probability))
                return
            }
            let node = order[position]
            guard nodeActive[node], node != sink else {
                visit(position + 1, probability)
                return
            }
            let outs = outEdges[node]
            let always = outs.filter { edges[$0].probability >= 1 }
            let branch = outs.filter { edges[$0].probability < 1 }
            var activated: [Int] = []
            for e in always where !edgeActive[e] {
                edgeActive[e] = true
                activated.append(e)
            }
            var newlyActiveNodes: [Int] = []
            for e in always where !nodeActive[edges[e].to] {
                nodeActive[edges[e].to] = true
                newlyActiveNodes.append(edges[e].to)
            }
            if branch.isEmpty {
                visit(position + 1, probability)
            } else {
                for e in branch {
                    edgeActive[e] = true
                    let target = edges[e].to
                    let wasActive = nodeActive[target]
                    nodeActive[target] = true
                    visit(position + 1, probability * edges[e].probability)
                    nodeActive[target] = wasActive
                    edgeActive[e] = false
                }
            }
            for n in newlyActiveNodes { nodeActive[n] = false }
            for e in activated { edgeActive[e] = false }
        }
        visit(0, 1)
        return result
    }

    /// Longest source→sink path length over active edges, given each edge's length.
    func longestPath(active: [Bool], lengths: [Double]) -> Double {
        var dist = Array(repeating: -Double.infinity, count: nodeCount)
        dist[source] = 0
        var byFrom = Array(repeating: [Int](), count: nodeCount)
        for (i, e) in edges.enumerated() where active[i] { byFrom[e.from].append(i) }
        for node in order where dist[node] > -Double.infinity {
            for e in byFrom[node] {
                let candidate = dist[node] + lengths[e]
                if candidate > dist[edges[e].to] { dist[edges[e].to] = candidate }
            }
        }
        return max(dist[sink], 0)
    }
}
