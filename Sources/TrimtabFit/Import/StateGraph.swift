import TrimtabModel

/// A state machine flattened into one graph: Task states are stages; Choice, Pass, Wait,
/// Parallel and Map states are pseudo-nodes that are contracted away once the branch
/// probabilities are known.
struct StateGraph {
    enum Node: Equatable {
        case start, end
        case task(stage: String, function: String)
        case choice, pass
        case wait(ms: Double)
        case parallelIn
        /// The join of the parallel state whose entry node is `entry`.
        case parallelOut(entry: Int)
    }

    struct Arc: Equatable {
        var from: Int
        var to: Int
        /// A choice arc's flow is unknown (estimated from counts); other arcs carry all of
        /// their source's visits.
        var isChoice: Bool
    }

    var nodes: [Node] = [.start, .end]
    var arcs: [Arc] = []
    var notes: [String] = []
    static let startNode = 0, endNode = 1

    init(_ machine: StateMachine) {
        var usedStages = Set<String>()
        let first = add(machine, exit: StateGraph.endNode, usedStages: &usedStages)
        link(StateGraph.startNode, first, choice: false)
    }

    mutating func link(_ a: Int, _ b: Int, choice: Bool) {
        if !arcs.contains(Arc(from: a, to: b, isChoice: choice)) { arcs.append(Arc(from: a, to: b, isChoice: choice)) }
    }

    mutating func newNode(_ n: Node) -> Int { nodes.append(n); return nodes.count - 1 }

    /// Adds `machine`'s states; End states go to `exit`. Returns the node of its StartAt.
    mutating func add(_ machine: StateMachine, exit: Int, usedStages: inout Set<String>) -> Int {
        var ids: [String: Int] = [:]
        var joins: [String: Int] = [:]
        for s in machine.states {
            switch s.kind {
            case .task(let function):
                var stage = function
                if usedStages.contains(stage) { stage = "\(function)/\(s.name)" }
                usedStages.insert(stage)
                ids[s.name] = newNode(.task(stage: stage, function: function))
            case .choice: ids[s.name] = newNode(.choice)
            case .pass, .terminal: ids[s.name] = newNode(.pass)
            case .wait(let ms):
                ids[s.name] = newNode(.wait(ms: ms ?? 0))
                if ms == nil { notes.append("Wait state '\(s.name)' takes its time from the input: counted as 0 ms") }
            case .parallel:
                let entry = newNode(.parallelIn)
                ids[s.name] = entry
                joins[s.name] = newNode(.parallelOut(entry: entry))
            case .map(_, let concurrency):
                ids[s.name] = newNode(.pass)
                joins[s.name] = newNode(.choice)
                if concurrency != 1 {
                    notes.append("Map state '\(s.name)' runs its items concurrently; it is modelled as a loop (one item after the other), which over-estimates its latency")
                }
            }
        }
        func target(_ next: String?) -> Int { next.flatMap { ids[$0] } ?? exit }
        for s in machine.states {
            guard let id = ids[s.name] else { continue }
            switch s.kind {
            case .task, .pass, .wait: link(id, target(s.next), choice: false)
            case .terminal: link(id, exit, choice: false)
            case .choice(let choices, let defaultNext):
                for n in choices + (defaultNext.map { [$0] } ?? []) { link(id, target(n), choice: true) }
            case .parallel(let branches):
                guard let join = joins[s.name] else { continue }
                for b in branches { link(id, add(b, exit: join, usedStages: &usedStages), choice: false) }
                link(join, target(s.next), choice: false)
            case .map(let iterator, _):
                guard let loop = joins[s.name] else { continue }
                let body = add(iterator, exit: loop, usedStages: &usedStages)
                link(id, body, choice: false)
                link(loop, body, choice: true)
                link(loop, target(s.next), choice: true)
            }
        }
        return ids[machine.startAt] ?? exit
    }

    /// Branch probability of every choice arc, from visit counts: flow conservation at every
    /// node (visits in = visits out; a join passes on its entry's visits; a choice splits its
    /// visits over its arcs), with the start's visits (runs) and every task's visits (its
    /// invocations in the logs) known, solved for the unknown flows by least squares.
    /// Without a run count, the runs are one more unknown: as many runs end as start.
    func choiceProbabilities(runs: Double?, invocations: [String: Double]) -> [Int: Double] {
        var nodeVar: [Int: Int] = [:]
        var arcVar: [Int: Int] = [:]
        var known: [Int: Double] = [:]
        if let runs { known[StateGraph.startNode] = runs }
        for (i, n) in nodes.enumerated() {
            if case .task(let stage, _) = n { known[i] = invocations[stage] ?? 0 } else if known[i] == nil { nodeVar[i] = nodeVar.count }
        }
        for (i, a) in arcs.enumerated() where a.isChoice { arcVar[i] = nodeVar.count + arcVar.count }
        let unknowns = nodeVar.count + arcVar.count
        guard !arcVar.isEmpty else { return [:] }
        var rows: [[Double]] = []
        var rhs: [Double] = []
        func visits(_ n: Int, into row: inout [Double], scale: Double) -> Double {
            if let k = known[n] { return scale * k }
            if let v = nodeVar[n] { row[v] += scale }
            return 0
        }
        for (i, n) in nodes.enumerated() {
            var row = Array(repeating: 0.0, count: unknowns)
            var constant = 0.0
            // Left side: this node's visits (for the start: the runs, which equal the ends).
            constant += visits(i, into: &row, scale: 1)
            if i == StateGraph.startNode {
                if runs != nil { continue }
                constant += visits(StateGraph.endNode, into: &row, scale: -1)
                rows.append(row); rhs.append(-constant)
                continue
            }
            if case .parallelOut(let entry) = n {
                constant += visits(entry, into: &row, scale: -1)
            } else {
                for (k, a) in arcs.enumerated() where a.to == i {
                    if let v = arcVar[k] { row[v] -= 1 } else { constant += visits(a.from, into: &row, scale: -1) }
                }
            }
            rows.append(row); rhs.append(-constant)
            if case .choice = n {
                var split = Array(repeating: 0.0, count: unknowns)
                var c = 0.0
                for (k, a) in arcs.enumerated() where a.from == i { if let v = arcVar[k] { split[v] += 1 } }
                c += visits(i, into: &split, scale: -1)
                rows.append(split); rhs.append(-c)
            }
        }
        let solution = LeastSquares.fit(rows, rhs, options: .curveFit) ?? Array(repeating: 1, count: unknowns)
        var result: [Int: Double] = [:]
        for (i, n) in nodes.enumerated() where n == .choice {
            let out = arcs.indices.filter { arcs[$0].from == i && arcs[$0].isChoice }
            let flows = out.map { k in max(arcVar[k].map { solution[$0] } ?? 0, 0) }
            let total = flows.reduce(0, +)
            for (j, k) in out.enumerated() { result[k] = total > 0 ? flows[j] / total : 1 / Double(out.count) }
        }
        return result
    }

    /// The v1 edges between stages (and start/end): every route through pseudo-nodes becomes
    /// one edge whose probability is the product of the branch probabilities on it. Also the
    /// fixed Wait time met on the way into each stage.
    func stageEdges(probabilities: [Int: Double]) -> (edges: [(from: Int, to: Int, probability: Double)], waitMs: [Int: Double]) {
        var total: [[Int]: Double] = [:]
        var order: [[Int]] = []
        var wait: [Int: Double] = [:]
        func walk(_ source: Int, _ node: Int, _ p: Double, _ delay: Double, _ depth: Int) {
            guard depth < 200 else { return }
            for (k, a) in arcs.enumerated() where a.from == node {
                let q = p * (a.isChoice ? probabilities[k] ?? 0 : 1)
                guard q > 1e-12 else { continue }
                switch nodes[a.to] {
                case .task, .end, .start:
                    let key = [source, a.to]
                    if total[key] == nil { order.append(key) }
                    total[key, default: 0] += q
                    if delay > 0 { wait[a.to] = max(wait[a.to] ?? 0, delay) }
                case .wait(let ms): walk(source, a.to, q, delay + ms, depth + 1)
                default: walk(source, a.to, q, delay, depth + 1)
                }
            }
        }
        for (i, n) in nodes.enumerated() {
            switch n {
            case .start, .task: walk(i, i, 1, 0, 0)
            default: break
            }
        }
        return (order.compactMap { key in total[key].map { (key[0], key[1], min($0, 1)) } }, wait)
    }

    /// Every node reachable from the start, breadth first (stages then appear in workflow order).
    func breadthFirstOrder() -> [Int] {
        var seen: Set<Int> = [StateGraph.startNode]
        var queue = [StateGraph.startNode]
        var i = 0
        while i < queue.count {
            let u = queue[i]
            i += 1
            for a in arcs where a.from == u && !seen.contains(a.to) {
                seen.insert(a.to)
                queue.append(a.to)
            }
        }
        return queue
    }
}
