import Foundation
import TrimtabModel

/// A lower bound for partial labels of a fold under two bounds that keeps both bounded
/// quantities exact: for each of the last suffixes of the items, the least objective value of
/// any completion, tabulated against the room left in each bounded quantity (a min-plus
/// knapsack over a grid of rooms).
///
/// `ResourceRelaxation` keeps one bounded quantity exact and prices the other at a fixed
/// multiplier, so its bound is at most the linear relaxation's. Under two bounds the fold's
/// labels (latency, cost and accuracy all kept) multiply in the last items, where the gap
/// between that relaxation and the integral optimum lets most of them through. Over a short
/// suffix this table is the integral optimum itself, up to the grid: each room is rounded up
/// to the next grid point (a larger room never costs more, so the table never overstates the
/// least value), and each suffix has its own grid, spanning only what its items can spend
/// beyond their least amounts, so short suffixes are finely resolved.
///
/// - Complexity: O(K · B² · d) to build for K tabulated suffixes, B grid points per quantity
///   and d options per item; O(K · B²) memory; O(1) per query.
struct TwoBoundTable {
    /// The objective's part of the fold's pure objective cut (weights only on the objective).
    let cut: LinearCut
    let quantities: (ResourceRelaxation.Quantity, ResourceRelaxation.Quantity)
    /// The bounds on the two quantities' amounts (accuracy: minus the measure), tolerance included.
    let limits: (Double, Double)
    /// The first tabulated suffix; suffixes `first...n` are tabulated.
    let first: Int
    /// Per suffix k ≥ `first` (indexed k − first): the least amounts of items k..<n.
    let shift: [(Double, Double)]
    /// Per suffix: the grid widths of the rooms above `shift`.
    let width: [(Double, Double)]
    /// Per suffix, per grid point (i, j), flattened: the least objective value of items k..<n
    /// spending at most (i · width.0, j · width.1) above `shift` (+∞: impossible).
    let table: [Double]
    let points: Int
    /// Per suffix: whether each quantity's grid stops short of the suffix's spread (at the
    /// most room any partial label can leave, see `init`), and the largest room it covers.
    let truncated: [(Bool, Bool)]
    let top: [(Double, Double)]
    /// Per suffix: the least objective value of its items with no bound (a lower bound for
    /// rooms beyond a truncated grid, which the fold's labels never leave but for rounding).
    let unbounded: [Double]

    /// Measured on the slowest 60-stage two-bound chain (64, 128, 256, 512, 1,024 points:
    /// 2.26, 1.58, 1.23, 1.19, 1.60 s) and on 83 hard two-bound chains of 60–1,000 stages (256
    /// against 512: as fast in all, at a quarter of the memory, 34 MB per table).
    static let defaultPoints = 256
    /// At most this many suffixes (the last items of the fold) are tabulated (measured: 128
    /// made no difference on the slowest 60-stage chain, and on 1,000-stage chains 128 to 512
    /// suffixes on coarser grids were within noise; labels multiply in the last items).
    static let defaultSuffixes = 64

    /// Nil unless the fold has exactly two bounded quantities besides its objective, each
    /// additive (accuracy combined by the minimum is not).
    init?(objectiveCut: LinearCut, items: [[ItemOption]], limits: FoldLimits, algebra: AccuracyAlgebra,
          from earliest: Int = 0, points: Int = defaultPoints, suffixes: Int = defaultSuffixes) {
        guard let objective = limits.objective, points >= 2 else { return nil }
        let own = ResourceRelaxation.Quantity(objective)
        let bounded = [ResourceRelaxation.Quantity.latency, .cost, .accuracy].compactMap { q in
            q == own ? nil : ResourceRelaxation.boundedAmount(q, limits: limits, algebra: algebra).map { (q, $0) }
        }
        guard bounded.count == 2 else { return nil }
        cut = objectiveCut
        quantities = (bounded[0].0, bounded[1].0)
        self.limits = (ResourceRelaxation.withTolerance(bounded[0].1), ResourceRelaxation.withTolerance(bounded[1].1))
        self.points = points
        let n = items.count
        first = max(earliest, n - suffixes, 0)
        guard first < n else { return nil }
        let count = n - first + 1
        let q = quantities
        // Per tabulated item: options as (amount above the item's least, value).
        var options: [[(Double, Double, Double)]] = []
        var least: [(Double, Double)] = []
        var spread: [(Double, Double)] = []
        for k in first..<n {
            var list: [(Double, Double, Double)] = []
            for o in items[k] {
                let m = CutPlanner.measure(o.accuracy, algebra)
                let a0 = ResourceRelaxation.amount(q.0, latency: o.latency, cost: o.cost, accuracy: o.accuracy, algebra)
                let a1 = ResourceRelaxation.amount(q.1, latency: o.latency, cost: o.cost, accuracy: o.accuracy, algebra)
                let v = objectiveCut.value(latency: o.latency, cost: o.cost, accuracyMeasure: m)
                guard a0.isFinite, a1.isFinite, v.isFinite else { continue }
                list.append((a0, a1, v))
            }
            guard !list.isEmpty else { return nil }
            let l0 = list.map(\.0).min() ?? 0, l1 = list.map(\.1).min() ?? 0
            least.append((l0, l1))
            spread.append(((list.map(\.0).max() ?? l0) - l0, (list.map(\.1).max() ?? l1) - l1))
            options.append(list.map { ($0.0 - l0, $0.1 - l1, $0.2) })
        }
        // The most room a partial label can leave for any suffix: the limit less every item's
        // least amount (the tabulated items' from `least`, the items before `first` here), with
        // a margin against rounding. Under tight bounds it is far below a long suffix's spread,
        // and a grid spanning only it is that much finer (measured on a very tight 60-stage
        // chain: the fold at the last target kept 230,000 labels instead of 354,000).
        var slack = least.reduce((self.limits.0, self.limits.1)) { ($0.0 - $1.0, $0.1 - $1.1) }
        for k in 0..<first {
            var l0 = Double.infinity, l1 = Double.infinity
            for o in items[k] {
                l0 = min(l0, ResourceRelaxation.amount(q.0, latency: o.latency, cost: o.cost, accuracy: o.accuracy, algebra))
                l1 = min(l1, ResourceRelaxation.amount(q.1, latency: o.latency, cost: o.cost, accuracy: o.accuracy, algebra))
            }
            slack = (slack.0 - l0, slack.1 - l1)
        }
        slack = (max(slack.0, 0) + 1e-9 * max(1, abs(self.limits.0)), max(slack.1, 0) + 1e-9 * max(1, abs(self.limits.1)))
        var shift = Array(repeating: (0.0, 0.0), count: count)
        var width = Array(repeating: (1.0, 1.0), count: count)
        var truncated = Array(repeating: (false, false), count: count)
        var top = Array(repeating: (0.0, 0.0), count: count)
        var unbounded = Array(repeating: 0.0, count: count)
        var span = (0.0, 0.0)
        for s in stride(from: count - 2, through: 0, by: -1) {
            shift[s] = (shift[s + 1].0 + least[s].0, shift[s + 1].1 + least[s].1)
            span = (span.0 + spread[s].0, span.1 + spread[s].1)
            unbounded[s] = unbounded[s + 1] + (options[s].map(\.2).min() ?? 0)
            // The last point's room covers every spread of the suffix, with a margin against
            // rounding (rooms beyond it are clamped to it), or the slack when that is less.
            truncated[s] = (slack.0 < span.0, slack.1 < span.1)
            let covered = (min(span.0, slack.0) * (1 + 1e-9), min(span.1, slack.1) * (1 + 1e-9))
            width[s] = (covered.0 > 0 ? covered.0 / Double(points - 1) : 1,
                        covered.1 > 0 ? covered.1 / Double(points - 1) : 1)
            top[s] = (width[s].0 * Double(points - 1), width[s].1 * Double(points - 1))
        }
        self.shift = shift
        self.width = width
        self.truncated = truncated
        self.top = top
        self.unbounded = unbounded
        let cells = points * points
        var table = Array(repeating: Double.infinity, count: count * cells)
        // The empty suffix: value 0 whatever the room.
        for c in 0..<cells { table[(count - 1) * cells + c] = 0 }
        table.withUnsafeMutableBufferPointer { buffer in
            guard let t = buffer.baseAddress else { return }
            var mapI: [Int] = [], mapJ: [Int] = []
            var runs: [(first: Int, end: Int, offset: Int)] = []
            for s in stride(from: count - 2, through: 0, by: -1) {
                let here = s * cells, next = (s + 1) * cells
                let w = width[s], wn = width[s + 1]
                let choices = options[s]
                // Per option, the room left for the rest after it, rounded up to the rest's
                // grid (−1: the option does not fit). It never exceeds a truncated grid's last
                // point: both end at the slack, and an option spends at least nothing.
                mapI.removeAll(keepingCapacity: true)
                mapJ.removeAll(keepingCapacity: true)
                runs.removeAll(keepingCapacity: true)
                for (d0, d1, _) in choices {
                    for i in 0..<points { mapI.append(Self.index(Double(i) * w.0 - d0, width: wn.0, points: points)) }
                    let base = mapJ.count
                    for j in 0..<points { mapJ.append(Self.index(Double(j) * w.1 - d1, width: wn.1, points: points)) }
                    // The first room that fits, and the run after it where the rest's room
                    // steps by one grid point per point (where both grids have one width:
                    // every suffix cut at the slack): there the minimum runs over contiguous
                    // memory, which the compiler vectorises; elsewhere through the map.
                    var j0 = 0
                    while j0 < points && mapJ[base + j0] < 0 { j0 += 1 }
                    var j1 = min(j0 + 1, points)
                    while j1 < points && mapJ[base + j1] == mapJ[base + j1 - 1] + 1 { j1 += 1 }
                    runs.append((j0, j1, j0 < points ? mapJ[base + j0] - j0 : 0))
                }
                // Row by row of this suffix's table (it stays in cache across the options).
                for i in 0..<points {
                    let out = t + (here + i * points)
                    for (o, choice) in choices.enumerated() {
                        let ii = mapI[o * points + i]
                        guard ii >= 0 else { continue }
                        let v = choice.2, run = runs[o]
                        guard run.first < points else { continue }
                        // Rooms grow with the point, so every one from `run.first` on fits.
                        let rest = t + (next + ii * points), shifted = rest + run.offset, map = o * points
                        for j in run.first..<run.end { out[j] = Swift.min(out[j], v + shifted[j]) }
                        for j in run.end..<points { out[j] = Swift.min(out[j], v + rest[mapJ[map + j]]) }
                    }
                }
            }
        }
        self.table = table
    }

    /// The grid point at or above `room` (clamped to the last), −1 when the room is negative
    /// beyond rounding.
    @inline(__always) static func index(_ room: Double, width: Double, points: Int) -> Int {
        if room <= 0 { return room < -1e-9 * width ? -1 : 0 }
        let x = room / width
        guard x < Double(points - 1) else { return points - 1 }
        var i = Int(x.rounded(.up))
        if Double(i) * width < room { i += 1 }
        return min(i, points - 1)
    }

    /// The least objective value of items `suffix..<n` (suffix ≥ `first`) spending at most
    /// `room` of each quantity above `shift` (+∞: no completion fits). A lower bound of the
    /// true least value, and at least the true least value with each room enlarged by the sum
    /// of the widths of suffixes `suffix..<n` (the grid's rounding).
    @inline(__always) func least(room: (Double, Double), suffix: Int) -> Double {
        let s = suffix - first
        // Beyond a grid cut at the slack (rounding only): clamping would overstate the value.
        if (truncated[s].0 && room.0 > top[s].0) || (truncated[s].1 && room.1 > top[s].1) { return unbounded[s] }
        let i = Self.index(room.0, width: width[s].0, points: points)
        let j = Self.index(room.1, width: width[s].1, points: points)
        guard i >= 0, j >= 0 else { return .infinity }
        return table[s * points * points + i * points + j]
    }

    /// Whether a partial label (items before `suffix` chosen) can be pruned: no completion
    /// meets both bounds, or none beats the cut's threshold.
    @inline(__always) func prunes(latency: Double, cost: Double, measure: Double, suffix: Int) -> Bool {
        guard suffix >= first else { return false }
        let s = suffix - first
        let spent0 = ResourceRelaxation.amount(quantities.0, latency: latency, cost: cost, measure: measure)
        let spent1 = ResourceRelaxation.amount(quantities.1, latency: latency, cost: cost, measure: measure)
        let rest = least(room: (limits.0 - spent0 - shift[s].0, limits.1 - spent1 - shift[s].1), suffix: suffix)
        guard rest.isFinite else { return true }
        return cut.prunes(cut.value(latency: latency, cost: cost, accuracyMeasure: measure) + rest)
    }
}
