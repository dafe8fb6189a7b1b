import HeapModule

/// Keys of a set of labels for pruning pairs: lower bounds of latency and cost and an upper
/// bound of the accuracy term each label can bring to a pair.
struct PairKeys {
    var latency: [Double]
    var cost: [Double]
    var accuracy: [Double]
    var count: Int { latency.count }
}

/// How two labels combine, for `ParetoProduct`.
///
/// The bounds must be monotone: `latencyBound` nondecreasing in both keys and never above the
/// exact latency of any pair with those keys or larger; `accuracy` nondecreasing in both; and
/// `admits` false for a point implies false for every point worse in all three coordinates.
protocol PairAlgebra {
    var left: PairKeys { get }
    var right: PairKeys { get }
    func latencyBound(_ left: Double, _ right: Double) -> Double
    func accuracy(_ left: Double, _ right: Double) -> Double
    /// The exact latency of the pair (cost adds, accuracy is `accuracy(_:_:)` of the keys).
    func latency(_ i: Int, _ j: Int) -> Double
    func admits(latency: Double, cost: Double, accuracy: Double) -> Bool
}

/// One surviving pair of a product, with its combined values.
struct ProductPair {
    var left: Int32
    var right: Int32
    var latency: Double
    var cost: Double
    var accuracy: Double
}

/// The Pareto set (latency ↓, cost ↓, accuracy ↑) of the admissible pairs of two label sets,
/// without looking at most of the pairs.
///
/// The larger set goes into a k-d tree whose nodes carry the least latency and cost and the
/// best accuracy below them. Each label of the smaller set with the tree's root starts a
/// best-first sweep in order of latency: a (label, node) entry is keyed by the least latency
/// any of its pairs can have, an evaluated pair by its exact latency. Entries leave the queue
/// in increasing latency, so the pairs accepted so far are exactly those with no larger
/// latency, and a 2-D staircase of their (cost, accuracy) decides dominance: a pair leaving
/// the queue is on the front unless the staircase dominates it, and a node is dropped when
/// the staircase dominates its best corner or that corner is not admissible.
///
/// - Complexity: O((v + p) log q) for v nodes visited, p pairs evaluated and a queue of at
///   most q entries; v and p are small when the front is small, at most O(|a| · |b|).
enum ParetoProduct {
    /// A queue entry: a (row, node) pair keyed by its least latency, or an evaluated pair.
    struct Entry: Comparable {
        var key: Double
        var row: Int32
        /// A node (≥ 0), or −1 − k for the evaluated pair `k`.
        var ref: Int32
        static func < (a: Entry, b: Entry) -> Bool { a.key < b.key }
    }

    struct Tree {
        /// Element order: each node covers `order[start[n]..<end[n]]`.
        var order: [Int32] = []
        var start: [Int32] = []
        var end: [Int32] = []
        var child: [Int32] = []  // first child; the second is child + 1; −1 for a leaf
        var minLatency: [Double] = []
        var minCost: [Double] = []
        var maxAccuracy: [Double] = []
    }

    static let leafSize = 8

    /// - Complexity: O(n log n).
    static func tree(_ keys: PairKeys) -> Tree {
        var t = Tree()
        let n = keys.count
        t.order = (0..<Int32(n)).map { $0 }
        guard n > 0 else { return t }
        // Scales so that the widest coordinate (relative to its own spread) is split first.
        func spread(_ v: [Double]) -> Double {
            guard let lo = v.min(), let hi = v.max(), hi > lo, (hi - lo).isFinite else { return 0 }
            return hi - lo
        }
        let scales = [keys.latency, keys.cost, keys.accuracy].map { s -> Double in let w = spread(s); return w > 0 ? 1 / w : 0 }
        func value(_ d: Int, _ e: Int32) -> Double {
            switch d {
            case 0: return keys.latency[Int(e)]
            case 1: return keys.cost[Int(e)]
            default: return keys.accuracy[Int(e)]
            }
        }
        func addNode(_ lo: Int, _ hi: Int) -> Int {
            var minL = Double.infinity, minC = Double.infinity, maxA = -Double.infinity
            for k in lo..<hi {
                let e = Int(t.order[k])
                minL = min(minL, keys.latency[e]); minC = min(minC, keys.cost[e]); maxA = max(maxA, keys.accuracy[e])
            }
            t.start.append(Int32(lo)); t.end.append(Int32(hi)); t.child.append(-1)
            t.minLatency.append(minL); t.minCost.append(minC); t.maxAccuracy.append(maxA)
            return t.start.count - 1
        }
        _ = addNode(0, n)
        var queue = [0]
        while let node = queue.popLast() {
            let lo = Int(t.start[node]), hi = Int(t.end[node])
            guard hi - lo > leafSize else { continue }
            // Split on the coordinate with the widest scaled spread, at the median.
            var bestD = 0, bestW = -1.0
            for d in 0..<3 where scales[d] > 0 {
                var a = Double.infinity, b = -Double.infinity
                for k in lo..<hi { let v = value(d, t.order[k]); a = min(a, v); b = max(b, v) }
                let w = (b - a) * scales[d]
                if w > bestW { bestW = w; bestD = d }
            }
            let mid = (lo + hi) / 2
            select(&t.order, lo, hi, mid) { value(bestD, $0) }
            let first = addNode(lo, mid)
            _ = addNode(mid, hi)
            t.child[node] = Int32(first)
            queue.append(first)
            queue.append(first + 1)
        }
        return t
    }

    /// Rearranges `a[lo..<hi]` so that `a[k]` holds the element of rank k by `key`, smaller
    /// ones before it and larger ones after (quickselect, middle-of-three pivots).
    static func select(_ a: inout [Int32], _ lo: Int, _ hi: Int, _ k: Int, key: (Int32) -> Double) {
        var lo = lo, hi = hi - 1
        while lo < hi {
            let m = (lo + hi) >> 1
            let x = key(a[lo]), y = key(a[m]), z = key(a[hi])
            let pivot = max(min(x, y), min(max(x, y), z))
            var i = lo, j = hi
            while i <= j {
                while key(a[i]) < pivot { i += 1 }
                while key(a[j]) > pivot { j -= 1 }
                if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { return }
        }
    }

    /// The Pareto set of admissible pairs; nil when `deadline` passed first.
    /// `dims` says which coordinates count (the others are treated as equal).
    static func run<A: PairAlgebra>(_ algebra: A, dims: Dimensions, deadline: Deadline?) -> [ProductPair]? {
        let leftIsRows = algebra.left.count <= algebra.right.count
        let rows = leftIsRows ? algebra.left : algebra.right
        let tree = tree(leftIsRows ? algebra.right : algebra.left)
        guard tree.start.count > 0 else { return [] }
        let useL = dims.latency, useC = dims.cost, useA = dims.accuracy

        var stairs = Staircase()
        var accepted: [ProductPair] = []
        var evaluated: [ProductPair] = []
        var queue = Heap<Entry>()
        @inline(__always) func dominated(_ c: Double, _ a: Double) -> Bool {
            stairs.dominates(useC ? c : 0, useA ? -a : 0)
        }
        /// Queues (row, node) unless its best corner is hopeless.
        @inline(__always) func offer(_ r: Int, _ n: Int) {
            let rowL = rows.latency[r]
            let l = leftIsRows ? algebra.latencyBound(rowL, tree.minLatency[n]) : algebra.latencyBound(tree.minLatency[n], rowL)
            let c = rows.cost[r] + tree.minCost[n]
            let a = leftIsRows ? algebra.accuracy(rows.accuracy[r], tree.maxAccuracy[n]) : algebra.accuracy(tree.maxAccuracy[n], rows.accuracy[r])
            guard algebra.admits(latency: l, cost: c, accuracy: a), !dominated(c, a) else { return }
            queue.insert(Entry(key: useL ? l : 0, row: Int32(r), ref: Int32(n)))
        }

        for r in 0..<rows.count { offer(r, 0) }
        while let entry = queue.popMin() {
            if deadline?.check() == true { return nil }
            if entry.ref < 0 {
                // An evaluated pair: every pair with a smaller latency has been decided.
                let pair = evaluated[Int(-1 - entry.ref)]
                guard !dominated(pair.cost, pair.accuracy) else { continue }
                accepted.append(pair)
                stairs.insert(useC ? pair.cost : 0, useA ? -pair.accuracy : 0)
                continue
            }
            let r = Int(entry.row), n = Int(entry.ref)
            // The staircase may have grown since the entry was queued.
            let c = rows.cost[r] + tree.minCost[n]
            let a = leftIsRows ? algebra.accuracy(rows.accuracy[r], tree.maxAccuracy[n]) : algebra.accuracy(tree.maxAccuracy[n], rows.accuracy[r])
            if dominated(c, a) { continue }
            let first = Int(tree.child[n])
            if first >= 0 {
                offer(r, first)
                offer(r, first + 1)
                continue
            }
            for k in Int(tree.start[n])..<Int(tree.end[n]) {
                let e = Int(tree.order[k])
                let i = leftIsRows ? r : e, j = leftIsRows ? e : r
                let pc = algebra.left.cost[i] + algebra.right.cost[j]
                let pa = algebra.accuracy(algebra.left.accuracy[i], algebra.right.accuracy[j])
                guard !dominated(pc, pa) else { continue }
                let pl = algebra.latency(i, j)
                guard algebra.admits(latency: pl, cost: pc, accuracy: pa) else { continue }
                evaluated.append(ProductPair(left: Int32(i), right: Int32(j), latency: pl, cost: pc, accuracy: pa))
                queue.insert(Entry(key: useL ? pl : 0, row: Int32(r), ref: Int32(-evaluated.count)))
            }
        }
        // Pairs of equal latency may have left the queue in either order: filter once more.
        let kept = ParetoFilter.nondominated(count: accepted.count, x: useL ? accepted.map(\.latency) : nil,
                                             y: useC ? accepted.map(\.cost) : nil,
                                             z: useA ? accepted.map { -$0.accuracy } : nil)
        return kept.map { accepted[$0] }
    }
}
