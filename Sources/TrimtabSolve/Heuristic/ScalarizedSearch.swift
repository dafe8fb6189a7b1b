import Foundation
import TrimtabModel

/// A quick incumbent for the exact solver: each stage independently minimises a weighted
/// sum of its own (execution-weighted) latency, cost and accuracy terms, for a grid of
/// weights on the bounded quantities; the best configuration that meets the bounds wins. Not
/// optimal, but cheap (O(W · V · o) for W weight pairs) and usually close, which makes the
/// exact solver's bound pruning effective from the start.
enum ScalarizedSearch {
    static func incumbent(_ model: WorkflowModel, goal: Goal) -> (indices: [Int], prediction: Prediction)? {
        let n = model.workflow.stages.count
        let ne = model.executions
        var lat: [[Double]] = [], cost: [[Double]] = [], acc: [[Double]] = []
        var latScale = 0.0, costScale = 0.0
        for s in 0..<n {
            let opts = model.options[s]
            lat.append(opts.map { ne[s] * $0.latencyMs })
            cost.append(opts.map { ne[s] * $0.invocationCost * 1e6 })
            acc.append(opts.map { o in
                let t = model.accuracy.term(stage: s, accuracy: o.accuracy)
                return model.accuracy.operation == .product ? log(max(t, 1e-12)) : (t.isFinite ? t : 0)
            })
            latScale += lat[s].min() ?? 0
            costScale += cost[s].min() ?? 0
        }
        latScale = max(latScale, 1e-12)
        costScale = max(costScale, 1e-12)
        let grid = [0.0] + (-16...16).map { pow(10, Double($0) / 4) }
        // A weight moves the choice towards a bound; a quantity the goal does not involve keeps
        // weight 0 (the objective alone). So an unbounded goal is one choice, a goal with one
        // bound 34, and with two bounds every other grid point, 18² pairs (measured: the full
        // 34² grid was most of a 60-stage chain's solve).
        let involved = Dimensions(goal: goal)
        let (firstBounded, secondBounded): (Bool, Bool)
        switch goal.objective {
        case .minimizeCost: (firstBounded, secondBounded) = (involved.latency, involved.accuracy)
        case .minimizeLatency: (firstBounded, secondBounded) = (involved.cost, involved.accuracy)
        case .maximizeAccuracy: (firstBounded, secondBounded) = (involved.latency, involved.cost)
        }
        let coarse = firstBounded && secondBounded ? grid.enumerated().filter { $0.offset % 2 == 0 }.map(\.element) : grid
        let firstGrid = firstBounded ? coarse : [0.0]
        let secondGrid = secondBounded ? coarse : [0.0]
        var best: (indices: [Int], prediction: Prediction)? = nil
        var seen = Set<[Int]>()
        // Each stage's options as flat arrays of the objective's term and the two weighted
        // terms (normalised), so that the grid's inner loop reads contiguous memory.
        var start = [0], own: [Double] = [], first: [Double] = [], second: [Double] = []
        for s in 0..<n {
            for k in 0..<lat[s].count {
                let l = lat[s][k] / latScale, c = cost[s][k] / costScale, q = acc[s][k]
                switch goal.objective {
                case .minimizeCost: own.append(c); first.append(l); second.append(-q)
                case .minimizeLatency: own.append(l); first.append(c); second.append(-q)
                case .maximizeAccuracy: own.append(-q); first.append(l); second.append(c)
                }
            }
            start.append(own.count)
        }
        var choice = [Int](repeating: 0, count: n)
        for a in firstGrid {
            for w in secondGrid {
                for s in 0..<n {
                    var bestScore = Double.infinity
                    var pick = 0
                    for j in start[s]..<start[s + 1] {
                        let score = own[j] + a * first[j] + w * second[j]
                        // Exact ties (variants of equal accuracy, say) go to the cheaper,
                        // then the faster option, as `ExactSolver.better` breaks plan ties.
                        let k = j - start[s]
                        if score < bestScore || (score == bestScore && (cost[s][k], lat[s][k]) < (cost[s][pick], lat[s][pick])) {
                            bestScore = score
                            pick = k
                        }
                    }
                    choice[s] = pick
                }
                guard seen.insert(choice).inserted else { continue }
                let p = model.predict(optionIndices: choice)
                guard goal.bounds.admits(p) else { continue }
                if let current = best, !ExactSolver.better(p, than: current.prediction, goal: goal) { continue }
                best = (choice, p)
            }
        }
        return best
    }
}
