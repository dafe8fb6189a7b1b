/// The linear-programming relaxation of a multiple-choice knapsack over the suffixes of a list
/// of items, from each item's lower convex hull (Dyer–Zemel, Sinha–Zoltners).
///
/// Each item offers options (amount, value); exactly one is chosen. For a suffix k of the
/// items and a room r, `least(room:suffix:)` is the least total value of a fractional choice
/// (a convex combination of options per item) spending at most r above the suffix's least
/// amount. It is a lower bound of every integral choice's value, exact to rounding. Only an
/// item's lower-left convex hull matters: starting at its least amount (ties: least value),
/// its hull segments trade amount for value at increasing slopes, and the relaxation takes
/// the segments of all items in order of slope (the most value saved per unit of amount
/// first) until the room runs out, the last one fractionally.
///
/// Unlike a binned min-plus table it never rounds amounts, so its bound does not weaken with
/// the number of items (with B bins and n items a table may lose up to n/B of the span).
///
/// - Complexity: O(S log S) to build for S hull segments in all; O(S) to move to another
///   suffix (the fold queries suffixes in increasing order, so once per step); O(log S) per
///   query.
final class HullRelaxation {
    /// Per suffix k: the items' least amounts and the values of those options, summed.
    let baseAmount: [Double]
    let baseValue: [Double]
    /// Hull segments of every item, by slope (value per amount, most negative first).
    let segmentItem: [Int32]
    let segmentAmount: [Double]
    let segmentValue: [Double]
    /// Added to every answer against rounding in the sums (a small negative number).
    let slack: Double
    /// Prefix sums of the segments of the cached suffix (`cachedCount` entries in use). Raw
    /// buffers: the queries are the fold's inner loop, where array accesses of a class
    /// property pay for exclusivity checks.
    private var cachedSuffix = -1
    private var cachedCount = 0
    private let cumulativeAmount: UnsafeMutableBufferPointer<Double>
    private let cumulativeValue: UnsafeMutableBufferPointer<Double>

    deinit {
        cumulativeAmount.deallocate()
        cumulativeValue.deallocate()
    }

    /// Nil when an item has no option with finite amount and value (nothing is bounded then).
    convenience init?(items: [[(amount: Double, value: Double)]]) {
        self.init(hulls: items.map(Self.lowerHull))
    }

    /// From each item's lower-left convex hull (`lowerHull`); nil when one is empty.
    init?(hulls: [[(amount: Double, value: Double)]]) {
        let n = hulls.count
        var baseA = Array(repeating: 0.0, count: n + 1)
        var baseV = Array(repeating: 0.0, count: n + 1)
        var segments: [(item: Int32, amount: Double, value: Double)] = []
        var magnitude = 0.0
        for k in stride(from: n - 1, through: 0, by: -1) {
            let hull = hulls[k]
            guard let first = hull.first else { return nil }
            baseA[k] = baseA[k + 1] + first.amount
            baseV[k] = baseV[k + 1] + first.value
            magnitude += hull.map { abs($0.value) }.max() ?? 0
            for i in 1..<hull.count {
                segments.append((Int32(k), hull[i].amount - hull[i - 1].amount, hull[i].value - hull[i - 1].value))
            }
        }
        // Most value saved per amount first; within an item slopes increase along the hull,
        // so its segments keep their order (ties broken by position on the hull, i.e. amount).
        segments.sort { x, y in
            let sx = x.value / x.amount, sy = y.value / y.amount
            return sx != sy ? sx < sy : (x.item != y.item ? x.item < y.item : x.amount < y.amount)
        }
        baseAmount = baseA
        baseValue = baseV
        segmentItem = segments.map(\.item)
        segmentAmount = segments.map(\.amount)
        segmentValue = segments.map(\.value)
        slack = -1e-13 * max(1, magnitude)
        cumulativeAmount = .allocate(capacity: segments.count + 1)
        cumulativeValue = .allocate(capacity: segments.count + 1)
    }

    /// An item's lower-left convex hull: from its least amount (ties: least value) to its
    /// least value (ties: least amount), value strictly decreasing and slopes increasing.
    static func lowerHull(_ options: [(amount: Double, value: Double)]) -> [(amount: Double, value: Double)] {
        let finite = options.filter { $0.amount.isFinite && $0.value.isFinite }
            .sorted { $0.amount != $1.amount ? $0.amount < $1.amount : $0.value < $1.value }
        return hullOfSorted(finite)
    }

    /// `lowerHull` of finite options already sorted by amount, then value.
    static func hullOfSorted(_ finite: [(amount: Double, value: Double)]) -> [(amount: Double, value: Double)] {
        var hull: [(amount: Double, value: Double)] = []
        for p in finite {
            // Only points that lower the value on the way right can be on the hull.
            if let last = hull.last, p.value >= last.value { continue }
            // Drop points above the segment from their predecessor to p (not convex).
            while hull.count >= 2 {
                let a = hull[hull.count - 2], b = hull[hull.count - 1]
                // b is on or above segment a→p when (b − a) × (p − a) ≤ 0.
                let cross = (b.amount - a.amount) * (p.value - a.value) - (b.value - a.value) * (p.amount - a.amount)
                if cross <= 0 { hull.removeLast() } else { break }
            }
            hull.append(p)
        }
        return hull
    }

    /// The least fractional value of items `suffix..<n` spending at most `room` above
    /// `baseAmount[suffix]` (room ≥ 0), slack included.
    func least(room: Double, suffix: Int) -> Double {
        if suffix != cachedSuffix { prepare(suffix) }
        let count = cachedCount
        let amount = cumulativeAmount, value = cumulativeValue
        // The last segment boundary with cumulative amount ≤ room.
        var lo = 0, hi = count  // amount[lo] ≤ room (amount[0] = 0); the answer is in [lo, hi)
        while hi - lo > 1 {
            let mid = (lo + hi) >> 1
            if amount[mid] <= room { lo = mid } else { hi = mid }
        }
        var total = baseValue[suffix] + value[lo]
        if lo + 1 < count {
            let da = amount[lo + 1] - amount[lo]
            if da > 0 { total += (value[lo + 1] - value[lo]) * min(1, (room - amount[lo]) / da) }
        }
        return total + slack
    }

    /// The slope (value per amount, ≤ 0) of the segment where `room` runs out at suffix 0:
    /// minus the Lagrangian price of the amount. 0 when the room covers every segment.
    func breakSlope(room: Double) -> Double {
        prepare(0)
        let amount = cumulativeAmount, value = cumulativeValue
        for s in 1..<max(cachedCount, 1) where amount[s] > room {
            let da = amount[s] - amount[s - 1]
            return da > 0 ? (value[s] - value[s - 1]) / da : 0
        }
        return 0
    }

    private func prepare(_ suffix: Int) {
        cachedSuffix = suffix
        let amount = cumulativeAmount, value = cumulativeValue
        amount[0] = 0
        value[0] = 0
        var count = 1
        var a = 0.0, v = 0.0
        let first = Int32(suffix)
        segmentItem.withUnsafeBufferPointer { items in
            segmentAmount.withUnsafeBufferPointer { da in
                segmentValue.withUnsafeBufferPointer { dv in
                    for s in 0..<items.count where items[s] >= first {
                        a += da[s]
                        v += dv[s]
                        amount[count] = a
                        value[count] = v
                        count += 1
                    }
                }
            }
        }
        cachedCount = count
    }
}
