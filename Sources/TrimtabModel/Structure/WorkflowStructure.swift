import Foundation

/// Checks a workflow's graph against the v1 rules and decomposes it into a `Block` tree:
/// self-loops and cycles become `loop` blocks, then series and parallel reductions (with
/// branch edges merging into mixtures) reduce the graph to one block from `start` to `end`.
/// What does not reduce becomes a `general` region, evaluated by enumeration.
public struct WorkflowStructure: Sendable {
    public let root: Block
    /// Expected executions of each stage per workflow run (`ne`).
    public let executions: [Double]

    static let probabilityTolerance = 1e-6

    /// The most times a stage may run per workflow run on average (`ne`): 10⁸, a loop whose exit
    /// probability is 10⁻⁸. Beyond it, 1/(1 − p) is lost to rounding (a back edge of
    /// 0.9999999999 reads as 1) and predictions become infinite, so such loops are refused.
    public static let maxExpectedExecutions = 1e8

    /// - Complexity: O(V · E) for V stages and E edges in the usual case.
    public init(_ workflow: Workflow) throws(TrimtabError) {
        var builder = try GraphBuilder(workflow)
        let root = try builder.decompose()
        self.root = root
        var ne = Array(repeating: 0.0, count: workflow.stages.count)
        WorkflowStructure.accumulateExecutions(root, multiplier: 1, into: &ne)
        // Each loop is within the bound (`GraphBuilder.checkRepeats`); nested loops multiply.
        if let k = ne.indices.first(where: { !(ne[$0] <= Self.maxExpectedExecutions) }) {
            throw TrimtabError(field: "stages[\(k)]",
                               "stage '\(workflow.stages[k].name)' runs \(Self.compact(ne[k])) times per workflow run on average (nested loops), more than the \(Self.compact(Self.maxExpectedExecutions)) accepted")
        }
        self.executions = ne
    }

    /// `1e8`, `1e-8`, `2.5e10`, `350`: three significant digits for messages.
    static func compact(_ x: Double) -> String {
        String(format: "%.3g", x).replacingOccurrences(of: "e+0", with: "e").replacingOccurrences(of: "e+", with: "e")
            .replacingOccurrences(of: "e-0", with: "e-")
    }

    static func accumulateExecutions(_ block: Block, multiplier: Double, into ne: inout [Double]) {
        switch block {
        case .empty: break
        case .stage(let i): ne[i] += multiplier
        case .series(let children), .parallel(let children):
            for c in children { accumulateExecutions(c, multiplier: multiplier, into: &ne) }
        case .mixture(let arms):
            for a in arms { accumulateExecutions(a.block, multiplier: multiplier * a.probability, into: &ne) }
        case .loop(let body, let p):
            accumulateExecutions(body, multiplier: multiplier / (1 - p), into: &ne)
        case .general(let region):
            var edgeProbability = Array(repeating: 0.0, count: region.edges.count)
            for outcome in region.outcomes() {
                for (i, on) in outcome.active.enumerated() where on { edgeProbability[i] += outcome.probability }
            }
            for (i, e) in region.edges.enumerated() {
                accumulateExecutions(e.block, multiplier: multiplier * edgeProbability[i], into: &ne)
            }
        }
    }
}

/// The graph work behind `WorkflowStructure`: validation, loop collapsing, SP reduction.
struct GraphBuilder {
    let workflow: Workflow
    let n: Int  // stages
    // Original graph over nodes: 0 = start, 1 = end, 2 + i = stage i.
    var outEdges: [[Int]]
    var inEdges: [[Int]]
    var edgeFrom: [Int]
    var edgeTo: [Int]
    var edgeProbability: [Double]

    init(_ workflow: Workflow) throws(TrimtabError) {
        self.workflow = workflow
        n = workflow.stages.count
        outEdges = Array(repeating: [], count: n + 2)
        inEdges = Array(repeating: [], count: n + 2)
        edgeFrom = []
        edgeTo = []
        edgeProbability = []
        var index: [String: Int] = ["start": 0, "end": 1]
        for (i, s) in workflow.stages.enumerated() { index[s.name] = i + 2 }
        for (k, e) in workflow.edges.enumerated() {
            guard let from = index[e.from] else { throw TrimtabError(field: "edges[\(k)].from", "unknown stage '\(e.from)'") }
            guard let to = index[e.to] else { throw TrimtabError(field: "edges[\(k)].to", "unknown stage '\(e.to)'") }
            if from == 1 { throw TrimtabError(field: "edges[\(k)].from", "no edge may leave 'end'") }
            if to == 0 { throw TrimtabError(field: "edges[\(k)].to", "no edge may enter 'start'") }
            guard e.probability > 0, e.probability <= 1, e.probability.isFinite else {
                throw TrimtabError(field: "edges[\(k)].probability", "\(e.probability) is not in (0, 1]")
            }
            edgeFrom.append(from)
            edgeTo.append(to)
            edgeProbability.append(e.probability)
            outEdges[from].append(k)
            inEdges[to].append(k)
        }
    }

    func nodeName(_ v: Int) -> String { v == 0 ? "start" : v == 1 ? "end" : workflow.stages[v - 2].name }
    func stageField(_ v: Int) -> String { "stages[\(v - 2)]" }

    func fmt(_ x: Double) -> String {
        let r = (x * 1e6).rounded() / 1e6
        return WorkflowParser.format(r)
    }

    // MARK: - Validation

    mutating func decompose() throws(TrimtabError) -> Block {
        try checkReachability()
        try checkProbabilities()
        let (backEdges, cycles) = try findCycles()
        return try reduce(backEdges: backEdges, cycles: cycles)
    }

    func reachable(from start: Int, forward: Bool, skipping skip: Set<Int> = []) -> [Bool] {
        var seen = Array(repeating: false, count: n + 2)
        var stack = [start]
        seen[start] = true
        while let v = stack.popLast() {
            for e in (forward ? outEdges[v] : inEdges[v]) where !skip.contains(e) {
                let w = forward ? edgeTo[e] : edgeFrom[e]
                if !seen[w] { seen[w] = true; stack.append(w) }
            }
        }
        return seen
    }

    func checkReachability() throws(TrimtabError) {
        guard !outEdges[0].isEmpty else { throw TrimtabError(field: "edges", "no edge leaves 'start'") }
        let fromStart = reachable(from: 0, forward: true)
        for v in 2..<(n + 2) where !fromStart[v] {
            throw TrimtabError(field: stageField(v), "stage '\(nodeName(v))' is unreachable from start")
        }
        guard fromStart[1] else { throw TrimtabError(field: "edges", "no path leads from start to end") }
        let toEnd = reachable(from: 1, forward: false)
        for v in 2..<(n + 2) where !toEnd[v] {
            throw TrimtabError(field: stageField(v), "stage '\(nodeName(v))' cannot reach end (a cycle with no exit?)")
        }
    }

    func checkProbabilities() throws(TrimtabError) {
        for v in 0..<(n + 2) where v != 1 {
            let outs = outEdges[v]
            let selfLoop = outs.first { edgeTo[$0] == v }
            if let s = selfLoop, edgeProbability[s] >= 1 {
                throw TrimtabError(field: "edges[\(s)].probability", "self-loop on '\(nodeName(v))' with probability 1 is a cycle with no exit")
            }
            if let s = selfLoop { try checkRepeats(s) }
            let branch = outs.filter { edgeProbability[$0] < 1 }
            guard !branch.isEmpty else { continue }
            let sum = branch.reduce(0.0) { $0 + edgeProbability[$1] }
            if abs(sum - 1) <= WorkflowStructure.probabilityTolerance { continue }
            if let s = selfLoop {
                let p = edgeProbability[s]
                let others = outs.filter { $0 != s }
                let otherBranch = others.filter { edgeProbability[$0] < 1 }
                let otherSum = (otherBranch.isEmpty ? others : otherBranch).reduce(0.0) { $0 + edgeProbability[$1] }
                throw TrimtabError(field: "edges[\(s)].probability",
                                   "self-loop on '\(nodeName(v))' has probability \(fmt(p)), so its other out-edges must sum to \(fmt(1 - p)), but they sum to \(fmt(otherSum))")
            }
            throw TrimtabError(field: "edges[\(branch[0])].probability",
                               "the branch out of '\(nodeName(v))' has probabilities summing to \(fmt(sum)), not 1")
        }
    }

    /// Refuses a self-loop or back edge `e` (probability p < 1) whose loop runs more than
    /// `WorkflowStructure.maxExpectedExecutions` times on average, 1/(1 − p).
    func checkRepeats(_ e: Int) throws(TrimtabError) {
        let bound = WorkflowStructure.maxExpectedExecutions
        if 1 / (1 - edgeProbability[e]) > bound {
            throw TrimtabError(field: "edges[\(e)].probability",
                               "\(edgeProbability[e]) repeats the loop \(nodeName(edgeFrom[e])) → \(nodeName(edgeTo[e])) \(WorkflowStructure.compact(1 / (1 - edgeProbability[e]))) times on average; at most \(WorkflowStructure.compact(bound)) are accepted (an exit probability of at least \(WorkflowStructure.compact(1 / bound)))")
        }
    }

    struct Cycle {
        var backEdge: Int
        var head: Int
        var tail: Int
        var body: Set<Int>
    }

    /// Finds back edges by depth-first search from start and checks that each cycle is
    /// entered only at its head and left only at its tail (where the back edge starts).
    func findCycles() throws(TrimtabError) -> (Set<Int>, [Cycle]) {
        var state = Array(repeating: 0, count: n + 2)  // 0 new, 1 on stack, 2 done
        var backEdges = Set<Int>()
        var stack: [(node: Int, next: Int)] = [(0, 0)]
        state[0] = 1
        while !stack.isEmpty {
            let (v, i) = stack[stack.count - 1]
            let outs = outEdges[v]
            if i < outs.count {
                stack[stack.count - 1].next += 1
                let e = outs[i]
                let w = edgeTo[e]
                if w == v { continue }
                if state[w] == 1 { backEdges.insert(e) }
                else if state[w] == 0 { state[w] = 1; stack.append((w, 0)) }
            } else {
                state[v] = 2
                stack.removeLast()
            }
        }
        var skip = backEdges
        for v in 0..<(n + 2) { for e in outEdges[v] where edgeTo[e] == v { skip.insert(e) } }
        var cycles: [Cycle] = []
        for e in backEdges.sorted() {
            let head = edgeTo[e], tail = edgeFrom[e]
            if edgeProbability[e] >= 1 {
                throw TrimtabError(field: "edges[\(e)].probability",
                                   "the cycle \(nodeName(head)) → … → \(nodeName(tail)) → \(nodeName(head)) has probability 1: a cycle with no exit")
            }
            try checkRepeats(e)
            let fromHead = reachable(from: head, forward: true, skipping: skip)
            let toTail = reachable(from: tail, forward: false, skipping: skip)
            var body = Set<Int>()
            for v in 0..<(n + 2) where fromHead[v] && toTail[v] { body.insert(v) }
            for v in body {
                if v != head {
                    for f in inEdges[v] where !skip.contains(f) && !body.contains(edgeFrom[f]) {
                        throw TrimtabError(field: "edges[\(f)]",
                                           "the cycle through '\(nodeName(head))' and '\(nodeName(tail))' is entered at '\(nodeName(v))'; a cycle may only be entered at its first stage '\(nodeName(head))'")
                    }
                }
                if v != tail {
                    for f in outEdges[v] where edgeTo[f] != v && !body.contains(edgeTo[f]) {
                        throw TrimtabError(field: "edges[\(f)]",
                                           "the cycle through '\(nodeName(head))' and '\(nodeName(tail))' is left at '\(nodeName(v))'; only its last stage '\(nodeName(tail))' (where the back edge starts) may leave it")
                    }
                }
            }
            cycles.append(Cycle(backEdge: e, head: head, tail: tail, body: body))
        }
        for a in 0..<cycles.count {
            for b in (a + 1)..<max(a + 1, cycles.count) {
                let x = cycles[a].body, y = cycles[b].body
                if !x.isDisjoint(with: y) && !x.isSubset(of: y) && !y.isSubset(of: x) {
                    throw TrimtabError(field: "edges[\(cycles[b].backEdge)]", "cycles overlap without nesting; the v1 model cannot evaluate them")
                }
            }
        }
        return (backEdges, cycles.sorted { $0.body.count < $1.body.count })
    }

    // MARK: - Reduction on the split graph

    /// Split graph: every stage v becomes in(v) → out(v) carrying the stage block.
    struct SplitEdge {
        var from: Int
        var to: Int
        var probability: Double
        var block: Block
        var alive = true
    }

    func inNode(_ v: Int) -> Int { v == 0 ? 0 : v == 1 ? 1 : 2 * v - 2 }  // stage v (≥2): in = 2v−2, out = 2v−1
    func outNode(_ v: Int) -> Int { v == 0 ? 0 : v == 1 ? 1 : 2 * v - 1 }

    mutating func reduce(backEdges: Set<Int>, cycles: [Cycle]) throws(TrimtabError) -> Block {
        var graph = SplitGraph(nodeCount: 2 * n + 2)
        var splitEdgeOf: [Int: Int] = [:]  // original edge → split edge id
        for v in 2..<(n + 2) {
            let outs = outEdges[v]
            var block = Block.stage(v - 2)
            var scale = 1.0
            if let s = outs.first(where: { edgeTo[$0] == v }) {
                block = .loop(block, repeatProbability: edgeProbability[s])
                scale = 1 - edgeProbability[s]
            }
            _ = graph.add(from: inNode(v), to: outNode(v), probability: 1, block: block)
            if scale != 1 {
                for e in outs where edgeTo[e] != v && edgeProbability[e] < 1 { edgeProbability[e] /= scale }
            }
        }
        for e in 0..<edgeFrom.count where edgeFrom[e] != edgeTo[e] {
            let p = edgeProbability[e] >= 1 - 1e-9 ? 1 : edgeProbability[e]
            splitEdgeOf[e] = graph.add(from: outNode(edgeFrom[e]), to: inNode(edgeTo[e]), probability: p, block: .empty)
        }
        for cycle in cycles {
            guard let back = splitEdgeOf[cycle.backEdge] else { continue }
            let p = graph.edges[back].probability
            graph.remove(back)
            var nodes = Set<Int>()
            for v in cycle.body {
                nodes.insert(inNode(v))
                nodes.insert(outNode(v))
            }
            let source = inNode(cycle.head), sink = outNode(cycle.tail)
            let body = try graph.reduceRegion(nodes: nodes, source: source, sink: sink)
            _ = graph.add(from: source, to: sink, probability: 1, block: .loop(body, repeatProbability: p))
            // The tail's exits now carry the whole outflow.
            for id in graph.out[sink] where graph.edges[id].alive && graph.edges[id].probability < 1 {
                let q = graph.edges[id].probability / (1 - p)
                graph.edges[id].probability = q >= 1 - 1e-9 ? 1 : q
            }
        }
        var all = Set<Int>([0, 1])
        for v in 2..<(n + 2) { all.insert(inNode(v)); all.insert(outNode(v)) }
        return try graph.reduceRegion(nodes: all, source: 0, sink: 1)
    }
}

/// A multigraph of blocks with series and parallel reductions.
struct SplitGraph {
    var edges: [GraphBuilder.SplitEdge] = []
    var out: [[Int]]
    var inn: [[Int]]

    init(nodeCount: Int) {
        out = Array(repeating: [], count: nodeCount)
        inn = Array(repeating: [], count: nodeCount)
    }

    mutating func add(from: Int, to: Int, probability: Double, block: Block) -> Int {
        edges.append(GraphBuilder.SplitEdge(from: from, to: to, probability: probability, block: block))
        let id = edges.count - 1
        out[from].append(id)
        inn[to].append(id)
        return id
    }

    mutating func remove(_ id: Int) {
        edges[id].alive = false
        out[edges[id].from].removeAll { $0 == id }
        inn[edges[id].to].removeAll { $0 == id }
    }

    func liveOut(_ v: Int, _ nodes: Set<Int>) -> [Int] { out[v].filter { edges[$0].alive && nodes.contains(edges[$0].to) } }
    func liveIn(_ v: Int, _ nodes: Set<Int>) -> [Int] { inn[v].filter { edges[$0].alive && nodes.contains(edges[$0].from) } }

    static func seriesBlock(_ a: Block, _ b: Block) -> Block {
        var parts: [Block] = []
        for x in [a, b] {
            switch x {
            case .empty: continue
            case .series(let c): parts.append(contentsOf: c)
            default: parts.append(x)
            }
        }
        if parts.isEmpty { return .empty }
        return parts.count == 1 ? parts[0] : .series(parts)
    }

    /// Reduces the sub-graph on `nodes` to one block from `source` to `sink`.
    mutating func reduceRegion(nodes: Set<Int>, source: Int, sink: Int) throws(TrimtabError) -> Block {
        var nodes = nodes
        while true {
            reduceSeriesParallel(&nodes, source: source, sink: sink)
            let remaining = nodes.flatMap { liveOut($0, nodes) }
            if remaining.count == 1, edges[remaining[0]].from == source, edges[remaining[0]].to == sink {
                let only = edges[remaining[0]]
                remove(remaining[0])
                return only.block
            }
            // Stuck: pack the smallest closed single-entry single-exit part into a general
            // region, replace it by one edge, and go on reducing.
            guard let (entry, exit, inner) = smallestClosedRegion(nodes, source: source, sink: sink),
                  !(entry == source && exit == sink) else {
                return try generalRegion(nodes: nodes, source: source, sink: sink)
            }
            let block = try generalRegion(nodes: inner, source: entry, sink: exit)
            _ = add(from: entry, to: exit, probability: 1, block: block)
            for x in inner where x != entry && x != exit { nodes.remove(x) }
        }
    }

    /// For each node with several ways out, the region up to its immediate post-dominator;
    /// the smallest such region that nothing enters from outside except at its entry.
    func smallestClosedRegion(_ nodes: Set<Int>, source: Int, sink: Int) -> (Int, Int, Set<Int>)? {
        let live = nodes.filter { !liveOut($0, nodes).isEmpty || !liveIn($0, nodes).isEmpty || $0 == source || $0 == sink }
        // Topological order (Kahn).
        var indegree: [Int: Int] = [:]
        for v in live { indegree[v] = liveIn(v, nodes).count }
        var queue = live.filter { indegree[$0] == 0 }.sorted()
        var order: [Int] = []
        while let v = queue.popLast() {
            order.append(v)
            for e in liveOut(v, nodes) {
                let w = edges[e].to
                indegree[w, default: 0] -= 1
                if indegree[w] == 0 { queue.append(w) }
            }
        }
        guard order.count == live.count else { return nil }
        var position: [Int: Int] = [:]
        for (i, v) in order.enumerated() { position[v] = i }
        // Post-dominator sets, in reverse topological order.
        var pdom: [Int: Set<Int>] = [:]
        for v in order.reversed() {
            let succ = liveOut(v, nodes).map { edges[$0].to }
            if succ.isEmpty { pdom[v] = [v]; continue }
            var common = pdom[succ[0]] ?? []
            for w in succ.dropFirst() { common.formIntersection(pdom[w] ?? []) }
            common.insert(v)
            pdom[v] = common
        }
        var best: (Int, Int, Set<Int>, Int)? = nil
        for u in order where liveOut(u, nodes).count > 1 {
            guard let candidates = pdom[u]?.subtracting([u]),
                  let v = candidates.min(by: { (position[$0] ?? 0) < (position[$1] ?? 0) }) else { continue }
            var region: Set<Int> = [u, v]
            var stack = [u]
            while let x = stack.popLast() {
                for e in liveOut(x, nodes) {
                    let w = edges[e].to
                    if w != v && region.insert(w).inserted { stack.append(w) }
                }
            }
            let closed = region.allSatisfy { x in x == u || liveIn(x, nodes).allSatisfy { region.contains(edges[$0].from) } }
            guard closed else { continue }
            let size = region.reduce(0) { $0 + liveOut($1, nodes).count }
            if let current = best, size >= current.3 { continue }
            best = (u, v, region, size)
        }
        return best.map { ($0.0, $0.1, $0.2) }
    }

    /// Applies series and parallel reductions until none applies.
    mutating func reduceSeriesParallel(_ nodes: inout Set<Int>, source: Int, sink: Int) {
        var changed = true
        while changed {
            changed = false
            // Parallel reduction: edges with the same ends.
            for a in nodes.sorted() {
                let outs = liveOut(a, nodes)
                guard outs.count > 1 else { continue }
                var byTarget: [Int: [Int]] = [:]
                for id in outs { byTarget[edges[id].to, default: []].append(id) }
                for (target, ids) in byTarget.sorted(by: { $0.key < $1.key }) where ids.count > 1 {
                    let branch = ids.filter { edges[$0].probability < 1 }
                    if branch.count > 1 {
                        let total = branch.reduce(0.0) { $0 + edges[$1].probability }
                        var arms: [Block.Arm] = []
                        for id in branch {
                            let q = edges[id].probability / total
                            if case .mixture(let inner) = edges[id].block {
                                arms.append(contentsOf: inner.map { Block.Arm($0.block, $0.probability * q) })
                            } else {
                                arms.append(Block.Arm(edges[id].block, q))
                            }
                            remove(id)
                        }
                        _ = add(from: a, to: target, probability: total >= 1 - 1e-9 ? 1 : total, block: .mixture(arms))
                        changed = true
                    }
                    let sure = liveOut(a, nodes).filter { edges[$0].to == target && edges[$0].probability >= 1 }
                    if sure.count > 1 {
                        var children: [Block] = []
                        for id in sure {
                            switch edges[id].block {
                            case .parallel(let c): children.append(contentsOf: c)
                            case .empty: break  // an empty parallel path never lengthens a join
                            default: children.append(edges[id].block)
                            }
                            remove(id)
                        }
                        let block: Block = children.isEmpty ? .empty : children.count == 1 ? children[0] : .parallel(children)
                        _ = add(from: a, to: target, probability: 1, block: block)
                        changed = true
                    }
                }
            }
            // Series reduction: a node with one way in and one way out.
            for x in nodes.sorted() where x != source && x != sink {
                let ins = liveIn(x, nodes), outs = liveOut(x, nodes)
                guard ins.count == 1, outs.count == 1 else { continue }
                let a = edges[ins[0]], b = edges[outs[0]]
                guard b.probability >= 1 else { continue }
                remove(ins[0])
                remove(outs[0])
                _ = add(from: a.from, to: b.to, probability: a.probability, block: SplitGraph.seriesBlock(a.block, b.block))
                nodes.remove(x)
                changed = true
            }
        }
    }

    /// Packs what did not reduce into a `GeneralRegion`.
    mutating func generalRegion(nodes: Set<Int>, source: Int, sink: Int) throws(TrimtabError) -> Block {
        let ids = nodes.filter { $0 != sink }.flatMap { liveOut($0, nodes) }.sorted()
        var used = Set<Int>([source, sink])
        for id in ids { used.insert(edges[id].from); used.insert(edges[id].to) }
        let list = used.sorted()
        var local: [Int: Int] = [:]
        for (i, v) in list.enumerated() { local[v] = i }
        var regionEdges: [GeneralRegion.RegionEdge] = []
        var indegree = Array(repeating: 0, count: list.count)
        var adjacency = Array(repeating: [Int](), count: list.count)
        for id in ids {
            let e = edges[id]
            guard let f = local[e.from], let t = local[e.to] else { continue }
            regionEdges.append(.init(from: f, to: t, probability: e.probability, block: e.block))
            indegree[t] += 1
            adjacency[f].append(t)
            remove(id)
        }
        var order: [Int] = []
        var queue = (0..<list.count).filter { indegree[$0] == 0 }
        while let v = queue.popLast() {
            order.append(v)
            for w in adjacency[v] {
                indegree[w] -= 1
                if indegree[w] == 0 { queue.append(w) }
            }
        }
        guard order.count == list.count, let s = local[source], let t = local[sink] else {
            throw TrimtabError(field: "edges", "the graph has a cycle the v1 model cannot evaluate")
        }
        return .general(GeneralRegion(nodeCount: list.count, source: s, sink: t, edges: regionEdges, order: order))
    }
}
