import TrimtabModel

/// Candidate moves for a better incumbent of a chain maximising accuracy under two bounds:
/// model variants changed on a few stages at once, memory sizes left to be chosen again.
///
/// An option's accuracy is its variant's, so each stage's options fall into a few accuracy
/// levels, and within a level the memory sizes trade latency for cost finely. A better
/// configuration often moves several stages' variants at once — some up, some down, the
/// memory sizes of many stages re-chosen to pay for it — which the local search's single and
/// paired option swaps cannot reach, each swap on its own breaking a bound. (Measured on a
/// 200-stage shared-shape chain, seed 8 of the benchmark, at the limit: HiGHS's better
/// configuration, 1.8 % more accurate, moved nine stages' variants, five up and four down,
/// and re-chose sixteen memory sizes.)
///
/// Here the stages that may move are those whose present level costs reduced cost at the
/// linear relaxation's multipliers (an option of another level has less: where the incumbent
/// departs from the relaxation's solution), to any other level, and those whose options at
/// another level are closest in reduced cost to their present one (where the relaxation is
/// nearly indifferent), one level up or down. (Measured on a 1,000-stage shared-shape chain,
/// seed 5: HiGHS's better configuration moved one stage of the first kind, 315th among the
/// second, and ten among the 31 nearest.) A pattern of moves is kept when
/// it gains accuracy and passes the bounds' priced sum: with every stage at the cheapest
/// option of its level in `Σ λ_k · amount_k`, that sum within `Σ λ_k · limit_k`. Every
/// configuration meeting both bounds passes it, so a pattern that fails it has none.
struct VariantLevelSearch {
    /// A stage's level in a pattern: the objective value (minus the accuracy measure) its
    /// options keep.
    typealias Level = (item: Int, value: Double)

    let core: LagrangianCore
    let lambda: [Double]

    /// Per item, its distinct objective values in increasing order (the most accurate first).
    let levels: [[Double]]

    init(core: LagrangianCore, lambda: [Double]) {
        self.core = core
        self.lambda = lambda
        levels = core.value.map { Array(Set($0)).sorted() }
    }

    /// The least priced amount `Σ λ_k · amount_k` of an item's options at a level.
    func price(_ item: Int, level: Double) -> Double {
        var best = Double.infinity
        for o in core.value[item].indices where core.value[item][o] == level {
            var p = 0.0
            for k in lambda.indices { p += lambda[k] * core.amounts[k][item][o] }
            best = min(best, p)
        }
        return best
    }

    /// Patterns of level moves from `choice` (an option per item) on `candidates` items — the
    /// items whose level pays most reduced cost (a quarter of them, at least one; to any other
    /// level), then those whose options at another level are closest in reduced cost to the
    /// chosen one (one level up or down) — each gaining accuracy and passing the priced sum;
    /// at most `keep` of them, most gain first (then the least priced sum: the most room left
    /// for the memory sizes). Each pattern lists the moved items and their new levels. The
    /// enumeration stops after `visitLimit` partial patterns (then the best of those seen).
    ///
    /// - Complexity: O(n · d) for n items of d options, plus at most `visitLimit` partial
    ///   patterns (3^candidates with one-level moves only; those that cannot pass the priced
    ///   sum are cut), each O(1) but for O(keep log keep) per `keep` patterns kept.
    func patterns(choice: [Int], candidates: Int, keep: Int) -> [[Level]] {
        guard choice.count == core.value.count, keep > 0 else { return [] }
        let n = core.value.count
        // The priced room: the limits less every item at the cheapest option of its level.
        var room = 0.0
        for k in lambda.indices { room += lambda[k] * core.limits[k] }
        var current = [Double](repeating: 0, count: n)
        for i in 0..<n {
            current[i] = price(i, level: core.value[i][choice[i]])
            room -= current[i]
        }
        guard room.isFinite else { return [] }
        // The items whose level costs reduced cost (an option of another level has less: where
        // the incumbent departs from the relaxation's solution), most first; then the items
        // nearest to a level change in reduced cost.
        var paying: [(item: Int, excess: Double)] = []
        var flexibility: [(item: Int, gap: Double)] = []
        for i in 0..<n where levels[i].count > 1 {
            let own = core.reduced(i, choice[i], lambda), level = core.value[i][choice[i]]
            var gap = Double.infinity, least = own
            for o in core.value[i].indices {
                let r = core.reduced(i, o, lambda)
                if core.value[i][o] != level { gap = min(gap, abs(r - own)); least = min(least, r) }
            }
            if own - least > 1e-12 * max(1, abs(own)) { paying.append((i, own - least)) }
            if gap.isFinite { flexibility.append((i, gap)) }
        }
        paying.sort { $0.excess != $1.excess ? $0.excess > $1.excess : $0.item < $1.item }
        flexibility.sort { $0.gap != $1.gap ? $0.gap < $1.gap : $0.item < $1.item }
        let chosen = paying.prefix(max(1, candidates / 4)).map { ($0.item, true) }
        let taken = Set(chosen.map(\.0))
        let nearest = flexibility.filter { !taken.contains($0.item) }.prefix(max(0, candidates - chosen.count)).map { ($0.item, false) }
        // Per candidate: its moves (new level, accuracy gain, change of the priced sum): every
        // other level for an item that pays, one level up or down for the others.
        var moves: [[(value: Double, gain: Double, price: Double)]] = []
        var items: [Int] = []
        for (i, pays) in chosen + nearest {
            let level = core.value[i][choice[i]]
            guard let k = levels[i].firstIndex(of: level) else { continue }
            var list: [(Double, Double, Double)] = []
            for j in (pays ? Array(levels[i].indices) : [k - 1, k + 1]) where j != k && levels[i].indices.contains(j) {
                let p = price(i, level: levels[i][j]) - current[i]
                if p.isFinite { list.append((levels[i][j], level - levels[i][j], p)) }
            }
            if !list.isEmpty {
                moves.append(list)
                items.append(i)
            }
        }
        // The least change of the priced sum the remaining candidates can still make.
        var rest = [Double](repeating: 0, count: items.count + 1)
        for c in stride(from: items.count - 1, through: 0, by: -1) {
            rest[c] = rest[c + 1] + min(0, moves[c].map(\.price).min() ?? 0)
        }
        // Most gain first, then the least priced sum; at most `keep` kept (trimmed in batches).
        func ahead(_ x: (gain: Double, price: Double, levels: [Level]), _ y: (gain: Double, price: Double, levels: [Level])) -> Bool {
            x.gain != y.gain ? x.gain > y.gain : x.price < y.price
        }
        var found: [(gain: Double, price: Double, levels: [Level])] = []
        var path: [Level] = []
        var visits = 0
        func visit(_ c: Int, gain: Double, price: Double) {
            visits += 1
            guard visits <= Self.visitLimit, price + rest[c] <= room else { return }
            if c == items.count {
                guard gain > 0 else { return }
                found.append((gain, price, path))
                if keep <= Int.max / 2 && found.count >= 2 * keep {
                    found.sort(by: ahead)
                    found.removeLast(found.count - keep)
                }
                return
            }
            visit(c + 1, gain: gain, price: price)
            for m in moves[c] {
                path.append((items[c], m.value))
                visit(c + 1, gain: gain + m.gain, price: price + m.price)
                path.removeLast()
            }
        }
        visit(0, gain: 0, price: 0)
        found.sort(by: ahead)
        return found.prefix(keep).map(\.levels)
    }

    /// Partial patterns `patterns` enumerates at most (3^12 = 531,441 with one-level moves on
    /// 12 items: a cap only for items of many levels).
    static let visitLimit = 1 << 21

    /// The items with each option restricted to its level: `choice`'s, or the pattern's.
    /// Nil when an item would keep no option.
    func restricted(_ items: [[ItemOption]], choice: [Int], pattern: [Level]) -> [[ItemOption]]? {
        var level = choice.indices.map { core.value[$0][choice[$0]] }
        for moved in pattern { level[moved.item] = moved.value }
        var result: [[ItemOption]] = []
        result.reserveCapacity(items.count)
        for i in items.indices {
            let kept = items[i].indices.filter { core.value[i][$0] == level[i] }.map { items[i][$0] }
            guard !kept.isEmpty else { return nil }
            result.append(kept)
        }
        return result
    }
}
