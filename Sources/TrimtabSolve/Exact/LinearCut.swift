import Foundation
import TrimtabModel

/// A Lagrangian lower-bound test. For multipliers w ≥ 0 and any configuration that meets
/// the bounds, `wLat·latency + wCost·cost − wAcc·accuracyMeasure − constant` is at most the
/// objective (objective cuts) or at most 0 (feasibility cuts). The measure is additive over
/// stages (log of a product, or the sum), so a lower bound of the left side for a partial
/// label is its own value plus each remaining item's minimum: when that exceeds the
/// threshold the label cannot lead to a better (or any feasible) answer.
struct LinearCut: Sendable {
    var wLat: Double
    var wCost: Double
    var wAcc: Double
    var constant: Double
    /// Prune when the lower bound exceeds this (0 for feasibility; the incumbent's value
    /// for objective cuts, infinity until one is known).
    var threshold: Double
    var isObjective: Bool
    /// For objective cuts: whether the objective is accuracy (the threshold is then a sum of
    /// logarithms, whose ties are absolute: relative ties of the product).
    var isAccuracy = false
    /// Whether it is the exact Lagrangian bound of every bound at once (`LagrangianCore`).
    var isLagrangian = false

    @inline(__always) func value(latency: Double, cost: Double, accuracyMeasure: Double) -> Double {
        var v = wLat * latency + wCost * cost
        if wAcc != 0 { v -= wAcc * accuracyMeasure }
        return v
    }

    /// Feasibility cuts prune when the bound is broken beyond the bounds' tolerance. Objective
    /// cuts prune when no completion can beat the incumbent (the threshold, a configuration
    /// already found) by more than `LinearCut.improvement` (relative; for accuracy relative
    /// to the product): ties need not be explored, as the incumbent already attains them.
    @inline(__always) func prunes(_ lowerBound: Double) -> Bool {
        let t = threshold
        guard isObjective else { return lowerBound - constant > t + 1e-9 * max(1, abs(t)) }
        return lowerBound - constant >= t - Self.improvement * (isAccuracy ? 1 : max(1, abs(t)))
    }

    /// The least relative improvement over the incumbent that the search still looks for.
    static let improvement = 1e-10
}

/// Chooses multipliers for `LinearCut`s by maximising the separable dual bound over a grid.
struct CutPlanner {
    let algebra: AccuracyAlgebra

    /// The additive accuracy measure of a combined term.
    @inline(__always) static func measure(_ term: Double, _ algebra: AccuracyAlgebra) -> Double {
        switch algebra.operation {
        case .product: return term > 0 ? log(term) : -.infinity
        case .sum: return term
        case .minimum: return 0
        }
    }

    /// Item options as (latency, cost, accuracy measure) for the dual; nonlinear items are
    /// represented by lower bounds (their least latency, cost and best measure may come
    /// from different labels, which only loosens the bound).
    func cuts(goal: Goal, items: [[(lat: Double, cost: Double, acc: Double)]]) -> [LinearCut] {
        let b = goal.bounds
        let accuracyUsable = algebra.operation != .minimum
        var accBound: Double? = nil
        if let a = b.minAccuracy, accuracyUsable {
            let t = algebra.unfinish(a)
            if algebra.operation == .product { if t > 0 { accBound = log(t) } } else { accBound = t }
        }
        let latScale = max(items.reduce(0) { $0 + ($1.map(\.lat).min() ?? 0) }, 1e-9)
        let costScale = max(items.reduce(0) { $0 + ($1.map(\.cost).min() ?? 0) }, 1e-9)
        let accScale = max(abs(items.reduce(0) { $0 + ($1.map(\.acc).max() ?? 0) }), 1e-3)
        let grid = [0.0] + (-12...12).map { pow(10, Double($0) / 3) }

        func dual(_ w: (Double, Double, Double), _ constant: Double) -> Double {
            var total = -constant
            for options in items {
                var best = Double.infinity
                for o in options {
                    var v = w.0 * o.lat + w.1 * o.cost
                    if w.2 != 0 { v -= w.2 * o.acc }
                    if v < best { best = v }
                }
                total += best
            }
            return total
        }

        /// The bounds' side of a cut: Σ w × bound over the bounded quantities other than
        /// `objective` (nil: every bound, for feasibility cuts).
        func boundConstant(_ wLat: Double, _ wCost: Double, _ wAcc: Double, excluding objective: Goal.Objective?) -> Double {
            let latTerm = objective == .minimizeLatency ? 0 : wLat * (b.maxLatencyMs ?? 0)
            let costTerm = objective == .minimizeCost ? 0 : wCost * (b.maxCostPerMillion ?? 0)
            let accTerm = objective == .maximizeAccuracy ? 0 : wAcc * (accBound ?? 0)
            return latTerm + costTerm - accTerm
        }

        var result: [LinearCut] = []
        // Objective cuts: the objective's weight is 1; the multipliers of the (up to two)
        // bounded quantities run over a grid scaled to the objective's magnitude.
        var candidates: [(value: Double, cut: LinearCut)] = []
        let objective = goal.objective
        if objective != .maximizeAccuracy || accuracyUsable {
            let objectiveScale = objective == .minimizeCost ? costScale : objective == .minimizeLatency ? latScale : accScale
            func weights(_ bounded: Bool, _ scale: Double) -> [Double] { bounded ? grid.map { $0 * objectiveScale / scale } : [0.0] }
            let lats = objective == .minimizeLatency ? [1.0] : weights(b.maxLatencyMs != nil, latScale)
            let costs = objective == .minimizeCost ? [1.0] : weights(b.maxCostPerMillion != nil, costScale)
            let accs = objective == .maximizeAccuracy ? [1.0] : weights(accBound != nil, accScale)
            for l in lats {
                for c in costs {
                    for a in accs {
                        let constant = boundConstant(l, c, a, excluding: objective)
                        candidates.append((dual((l, c, a), constant),
                                           LinearCut(wLat: l, wCost: c, wAcc: a, constant: constant, threshold: .infinity, isObjective: true,
                                                     isAccuracy: objective == .maximizeAccuracy)))
                    }
                }
            }
        }
        candidates.sort { $0.value > $1.value }
        // Refine the best grid point by a local multiplicative search on each multiplier.
        if var best = candidates.first, best.value.isFinite {
            let keyPaths: [WritableKeyPath<LinearCut, Double>] = {
                switch goal.objective {
                case .minimizeCost: return [\.wLat, \.wAcc]
                case .minimizeLatency: return [\.wCost, \.wAcc]
                case .maximizeAccuracy: return [\.wLat, \.wCost]
                }
            }()
            for _ in 0..<6 {
                var improved = false
                for path in keyPaths where best.cut[keyPath: path] > 0 {
                    for factor in [0.6, 0.8, 0.9, 0.95, 1.05, 1.1, 1.25, 1.6] {
                        var cut = best.cut
                        cut[keyPath: path] *= factor
                        cut.constant = boundConstant(cut.wLat, cut.wCost, cut.wAcc, excluding: objective)
                        let v = dual((cut.wLat, cut.wCost, cut.wAcc), cut.constant)
                        if v > best.value { best = (v, cut); improved = true }
                    }
                }
                if !improved { break }
            }
            result.append(best.cut)
        }
        for c in candidates.prefix(3) where c.value.isFinite { result.append(c.cut) }

        // Feasibility cuts: combinations of two or three bounds (a single bound is already
        // checked directly).
        let bounded = [b.maxLatencyMs != nil, b.maxCostPerMillion != nil, accBound != nil].filter { $0 }.count
        if bounded >= 2 {
            var feasibility: [(value: Double, cut: LinearCut)] = []
            let lats = b.maxLatencyMs == nil ? [0.0] : [1 / latScale]
            let costs = b.maxCostPerMillion == nil ? [0.0] : grid.map { $0 / costScale }
            let accs = accBound == nil ? [0.0] : grid.map { $0 / accScale }
            for l in lats {
                for c in costs {
                    for a in accs where l + c + a > 0 {
                        let constant = boundConstant(l, c, a, excluding: nil)
                        feasibility.append((dual((l, c, a), constant), LinearCut(wLat: l, wCost: c, wAcc: a, constant: constant, threshold: 0, isObjective: false)))
                    }
                }
            }
            feasibility.sort { $0.value > $1.value }
            for f in feasibility.prefix(2) where f.value.isFinite { result.append(f.cut) }
        }
        return result
    }
}
