/// Step Functions' own time: what a run takes beyond the Lambda durations on its critical path.
public struct OverheadEstimate: Sendable {
    public enum Method: String, Sendable {
        /// Per run: its duration minus the longest path through the invocations logged in its window.
        case perRun = "per-run critical path"
        /// No per-invocation timestamps: mean run duration minus the model's response time.
        case meanDifference = "calibrated: mean run duration minus modelled response time"
    }
    public var method: Method
    /// Overhead per Lambda invocation on the critical path (ms): the `overhead_ms` of each stage.
    public var perInvocationMs: Double
    /// Runs the estimate used, of those in the run log.
    public var runsUsed: Int
    public var runsGiven: Int
    /// Mean measured run duration (ms) over all runs given.
    public var meanRunMs: Double
    /// Mean overhead per run and mean invocations on the critical path per run (per-run method).
    public var meanOverheadPerRunMs: Double
    public var meanCriticalInvocations: Double
}

/// Longest paths through a run's invocations, on the workflow's graph with back edges removed.
struct CriticalPath {
    /// Node ids: 0 start, 1 end, 2... stages (in `stages` order).
    let order: [Int]
    let predecessors: [[Int]]

    init(stageCount: Int, edges: [(from: Int, to: Int)]) {
        let n = stageCount + 2
        var succ = Array(repeating: [Int](), count: n)
        for e in edges where !succ[e.from].contains(e.to) { succ[e.from].append(e.to) }
        // DFS from start: edges to a node on the current path are back edges.
        var state = Array(repeating: 0, count: n) // 0 new, 1 on path, 2 done
        var dag = Array(repeating: [Int](), count: n)
        var post: [Int] = []
        var stack: [(Int, Int)] = [(0, 0)]
        state[0] = 1
        while let (u, i) = stack.last {
            if i < succ[u].count {
                stack[stack.count - 1].1 += 1
                let v = succ[u][i]
                if state[v] == 1 { continue }
                dag[u].append(v)
                if state[v] == 0 { state[v] = 1; stack.append((v, 0)) }
            } else {
                state[u] = 2
                post.append(u)
                stack.removeLast()
            }
        }
        order = post.reversed()
        var pred = Array(repeating: [Int](), count: n)
        for u in 0..<n { for v in dag[u] { pred[v].append(u) } }
        predecessors = pred
    }

    /// (length ms, invocations on it) of the longest start→end path where stage s weighs
    /// `duration[s]` (the sum over its invocations in the run) and counts `count[s]`.
    func longest(duration: [Double], count: [Int]) -> (Double, Int) {
        var dist = Array(repeating: -Double.infinity, count: predecessors.count)
        var k = Array(repeating: 0, count: predecessors.count)
        dist[0] = 0
        for v in order where v != 0 {
            var best = -Double.infinity, bestK = 0
            for u in predecessors[v] where dist[u] > best || (dist[u] == best && k[u] > bestK) { best = dist[u]; bestK = k[u] }
            guard best > -Double.infinity else { continue }
            if v >= 2 { dist[v] = best + duration[v - 2]; k[v] = bestK + count[v - 2] } else { dist[v] = best; k[v] = bestK }
        }
        return (max(dist[1], 0), k[1])
    }
}

/// One run's orchestration time: its duration minus the longest path through the
/// invocations logged in its window, and the invocations on that path.
public struct RunOverhead: Sendable, Equatable {
    public var overheadMs: Double
    public var criticalInvocations: Int
}

enum OverheadEstimator {
    /// Per-run samples. An invocation belongs to a run when its log time lies in
    /// [start − 1 s, end + 1 s] (Lambda log times are whole seconds); runs whose windows overlap
    /// another run's are skipped (their invocations cannot be told apart), and so are runs
    /// with no invocation in their window.
    /// - Complexity: O((R + N) log N) for R runs and N invocations.
    static func samples(runs: [RunRecord], stageOf: [Int: [(time: Double, ms: Double)]], stageCount: Int,
                        edges: [(from: Int, to: Int)]) -> [RunOverhead] {
        let path = CriticalPath(stageCount: stageCount, edges: edges)
        var events: [(time: Double, stage: Int, ms: Double)] = []
        for (s, list) in stageOf { for e in list { events.append((e.time, s, e.ms)) } }
        events.sort { $0.time < $1.time }
        guard !events.isEmpty else { return [] }
        let times = events.map(\.time)
        func lowerBound(_ x: Double) -> Int {
            var lo = 0, hi = times.count
            while lo < hi { let mid = (lo + hi) / 2; if times[mid] < x { lo = mid + 1 } else { hi = mid } }
            return lo
        }
        var result: [RunOverhead] = []
        for (i, run) in runs.enumerated() {
            let lo = run.start - 1, hi = run.end + 1
            if i > 0 && runs[i - 1].end + 1 >= lo { continue }
            if i + 1 < runs.count && runs[i + 1].start - 1 <= hi { continue }
            var duration = Array(repeating: 0.0, count: stageCount)
            var count = Array(repeating: 0, count: stageCount)
            var j = lowerBound(lo)
            while j < events.count && events[j].time <= hi {
                duration[events[j].stage] += events[j].ms
                count[events[j].stage] += 1
                j += 1
            }
            let (length, k) = path.longest(duration: duration, count: count)
            guard k > 0 else { continue }
            result.append(RunOverhead(overheadMs: run.durationMs - length, criticalInvocations: k))
        }
        return result
    }

    /// Per-run estimate: the mean overhead per invocation on the critical path.
    /// Returns nil when no run can be used.
    static func perRun(runs: [RunRecord], stageOf: [Int: [(time: Double, ms: Double)]], stageCount: Int,
                       edges: [(from: Int, to: Int)]) -> OverheadEstimate? {
        let samples = samples(runs: runs, stageOf: stageOf, stageCount: stageCount, edges: edges)
        let totalOverhead = samples.reduce(0) { $0 + $1.overheadMs }
        let totalK = samples.reduce(0) { $0 + $1.criticalInvocations }
        let used = samples.count
        guard used > 0, totalK > 0 else { return nil }
        let mean = runs.reduce(0) { $0 + $1.durationMs } / Double(runs.count)
        return OverheadEstimate(method: .perRun, perInvocationMs: max(totalOverhead / Double(totalK), 0), runsUsed: used,
                                runsGiven: runs.count, meanRunMs: mean, meanOverheadPerRunMs: totalOverhead / Double(used),
                                meanCriticalInvocations: Double(totalK) / Double(used))
    }
}
