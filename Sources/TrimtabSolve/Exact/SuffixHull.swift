/// The linear relaxation of a multiple-choice knapsack (one amount, one value per option)
/// over a set of items that changes one item at a time, for a depth-first search that
/// decides the items in a fixed order: the items still undecided are a suffix of that order.
///
/// As `HullRelaxation`: each item's lower-left convex hull gives segments that trade amount
/// for value; the relaxation takes the segments of the present items in order of slope until
/// the room runs out, the last one fractionally. Here the segments (sorted by slope once)
/// sit in the leaves of a segment tree of (amount, value) sums, so removing or restoring an
/// item's segments costs O(h log S) for its h segments, and a query O(log S). A restored leaf
/// gets back its original value and every ancestor is recomputed from its children in the
/// same order, so the sums after any sequence of removals and restorations are bit for bit
/// those of a tree built with the same items present: no drift over a long search.
///
/// - Complexity: O(S log S) to build for S hull segments; O(h log S) per `remove`/`restore`
///   of an item with h segments; O(log S) per `least`.
final class SuffixHull {
    /// Per item: its least amount and the value of that option (the hull's first point).
    let firstAmount: [Double]
    let firstValue: [Double]
    /// Per item: the leaves of its hull segments.
    private let leaves: [[Int]]
    private let leafAmount: [Double]
    private let leafValue: [Double]
    private let size: Int
    private var amount: [Double]
    private var value: [Double]

    /// Nil when an item has no option with finite amount and value.
    init?(items: [[(amount: Double, value: Double)]]) {
        var first = (amount: [Double](), value: [Double]())
        var segments: [(item: Int, amount: Double, value: Double)] = []
        for (k, options) in items.enumerated() {
            let hull = HullRelaxation.lowerHull(options)
            guard let start = hull.first else { return nil }
            first.amount.append(start.amount)
            first.value.append(start.value)
            for i in 1..<hull.count {
                segments.append((k, hull[i].amount - hull[i - 1].amount, hull[i].value - hull[i - 1].value))
            }
        }
        segments.sort { x, y in
            let sx = x.value / x.amount, sy = y.value / y.amount
            return sx != sy ? sx < sy : (x.item != y.item ? x.item < y.item : x.amount < y.amount)
        }
        firstAmount = first.amount
        firstValue = first.value
        var size = 1
        while size < max(segments.count, 1) { size *= 2 }
        self.size = size
        var leaves = Array(repeating: [Int](), count: items.count)
        var leafAmount = Array(repeating: 0.0, count: size)
        var leafValue = Array(repeating: 0.0, count: size)
        for (s, segment) in segments.enumerated() {
            leaves[segment.item].append(s)
            leafAmount[s] = segment.amount
            leafValue[s] = segment.value
        }
        self.leaves = leaves
        self.leafAmount = leafAmount
        self.leafValue = leafValue
        amount = Array(repeating: 0, count: 2 * size)
        value = Array(repeating: 0, count: 2 * size)
        for s in 0..<size {
            amount[size + s] = leafAmount[s]
            value[size + s] = leafValue[s]
        }
        for node in stride(from: size - 1, through: 1, by: -1) {
            amount[node] = amount[2 * node] + amount[2 * node + 1]
            value[node] = value[2 * node] + value[2 * node + 1]
        }
    }

    /// Takes an item's segments out of the relaxation.
    func remove(_ item: Int) { set(item, present: false) }

    /// Puts an item's segments back.
    func restore(_ item: Int) { set(item, present: true) }

    private func set(_ item: Int, present: Bool) {
        for s in leaves[item] {
            var node = size + s
            amount[node] = present ? leafAmount[s] : 0
            value[node] = present ? leafValue[s] : 0
            node >>= 1
            while node >= 1 {
                amount[node] = amount[2 * node] + amount[2 * node + 1]
                value[node] = value[2 * node] + value[2 * node + 1]
                node >>= 1
            }
        }
    }

    /// The least fractional value of the present items' segments spending at most `room`
    /// (≥ 0) above their first points: the caller adds the first points' values.
    func least(room: Double) -> Double {
        if amount[1] <= room { return value[1] }
        var node = 1, left = room, total = 0.0
        while node < size {
            let l = 2 * node
            if amount[l] <= left {
                left -= amount[l]
                total += value[l]
                node = l + 1
            } else {
                node = l
            }
        }
        // The break segment, fractionally (its amount exceeds what is left, so it is > 0).
        if amount[node] > 0 { total += value[node] * min(1, max(0, left / amount[node])) }
        return total
    }
}
