import TrimtabModel

/// A workflow's edges compiled for walking one run at a time.
///
/// Nodes are the stages (0..<S), then `start` (S) and `end` (S + 1). Out-edges with probability 1
/// fan out in parallel; the others form the node's branch (exactly one is drawn). Back edges
/// (self-loops and the edges that close cycles, found by a depth-first search from `start`) do not
/// count as inputs of a join: taking one starts the loop's head again at once.
///
/// A node with several forward inputs is a join: it waits until every input is resolved — a live
/// token (the predecessor ran) or a dead one (a branch upstream went elsewhere) — and runs if any
/// input was live ("dead-path elimination"). A node all of whose inputs are dead is skipped and
/// passes dead tokens on. Per branch outcome this is the longest path over the active edges, the
/// spec's semantics; the join's start is the time its last input was resolved.
struct WorkflowGraph: Sendable {
    let stageCount: Int
    var start: Int { stageCount }
    var end: Int { stageCount + 1 }
    var nodeCount: Int { stageCount + 2 }

    /// CSR lists of out-edges per node.
    private(set) var parallelOffsets: [Int32] = [0]
    private(set) var parallelTargets: [Int32] = []
    private(set) var branchOffsets: [Int32] = [0]
    private(set) var branchTargets: [Int32] = []
    /// Cumulative probability up to and including each branch edge (the last is 1).
    private(set) var branchCumulative: [Double] = []
    private(set) var branchIsBack: [Bool] = []
    /// Forward inputs of each node.
    private(set) var inDegree: [Int32]
    /// Index among the joins (nodes with more than one forward input), or −1.
    private(set) var joinIndex: [Int32]
    private(set) var joinCount = 0

    init(_ workflow: Workflow) {
        stageCount = workflow.stages.count
        let n = workflow.stages.count + 2
        func node(_ name: String) -> Int {
            if name == "start" { return workflow.stages.count }
            if name == "end" { return workflow.stages.count + 1 }
            return workflow.stageIndex(named: name) ?? workflow.stages.count + 1
        }
        var out = Array(repeating: [(to: Int, p: Double)](), count: n)
        for e in workflow.edges { out[node(e.from)].append((node(e.to), e.probability)) }

        // Back edges: edges into a node on the current DFS path (iterative DFS from start).
        var back = Set<[Int]>()
        var state = Array(repeating: 0, count: n)  // 0 new, 1 on path, 2 done
        var stack: [(node: Int, next: Int)] = [(workflow.stages.count, 0)]
        state[workflow.stages.count] = 1
        while let top = stack.last {
            if top.next < out[top.node].count {
                stack[stack.count - 1].next += 1
                let v = out[top.node][top.next].to
                if state[v] == 1 { back.insert([top.node, v]) } else if state[v] == 0 {
                    state[v] = 1
                    stack.append((v, 0))
                }
            } else {
                state[top.node] = 2
                stack.removeLast()
            }
        }

        inDegree = Array(repeating: 0, count: n)
        for u in 0..<n {
            var cumulative = 0.0
            let branch = out[u].filter { $0.p < 1 }
            let branchTotal = branch.reduce(0) { $0 + $1.p }
            for e in out[u] {
                let isBack = back.contains([u, e.to])
                if !isBack { inDegree[e.to] += 1 }
                if e.p >= 1 {
                    parallelTargets.append(Int32(e.to))
                } else {
                    cumulative += e.p / branchTotal
                    branchTargets.append(Int32(e.to))
                    branchCumulative.append(cumulative)
                    branchIsBack.append(isBack)
                }
            }
            if let lastIndex = branchCumulative.indices.last, !branch.isEmpty { branchCumulative[lastIndex] = 1 }
            parallelOffsets.append(Int32(parallelTargets.count))
            branchOffsets.append(Int32(branchTargets.count))
        }
        joinIndex = Array(repeating: -1, count: n)
        for v in 0..<n where inDegree[v] > 1 {
            joinIndex[v] = Int32(joinCount)
            joinCount += 1
        }
    }
}
