/// Dominance filtering of points with up to three "smaller is better" coordinates.
enum ParetoFilter {
    struct Point { var a: Double; var b: Double; var c: Double; var index: Int32 }

    /// Indices of the points not dominated by another (of equal points, the first is kept).
    /// `x`, `y`, `z` may be nil to ignore that coordinate.
    /// - Complexity: O(n log n).
    static func nondominated(count n: Int, x: [Double]?, y: [Double]?, z: [Double]?) -> [Int] {
        let coords = [x, y, z].compactMap { $0 }
        if n == 0 { return [] }
        if coords.isEmpty { return [0] }
        if coords.count == 1 {
            let a = coords[0]
            var best = 0
            for i in 1..<n where a[i] < a[best] { best = i }
            return [best]
        }
        let a = coords[0], b = coords[1]
        let c = coords.count == 3 ? coords[2] : nil
        var points = [Point]()
        points.reserveCapacity(n)
        for i in 0..<n { points.append(Point(a: a[i], b: b[i], c: c?[i] ?? 0, index: Int32(i))) }
        points.sort { p, q in
            if p.a != q.a { return p.a < q.a }
            if p.b != q.b { return p.b < q.b }
            if p.c != q.c { return p.c < q.c }
            return p.index < q.index
        }
        var kept: [Int] = []
        if c == nil {
            var bestB = Double.infinity
            for p in points where p.b < bestB {
                kept.append(Int(p.index))
                bestB = p.b
            }
            return kept
        }
        // Sweep in order of a; a Fenwick tree over ranks of b holds the least c seen, so a
        // point is dominated when some earlier point has b ≤ its b and c ≤ its c.
        // Ranks of b: sort the values themselves (fast), then binary-search each point's.
        var distinct = b
        distinct.sort()
        var unique = 0
        for v in distinct where unique == 0 || distinct[unique - 1] != v {
            distinct[unique] = v
            unique += 1
        }
        let r = unique
        func rankOf(_ v: Double) -> Int {
            var lo = 0, hi = unique
            while lo < hi {
                let mid = (lo + hi) >> 1
                if distinct[mid] < v { lo = mid + 1 } else { hi = mid }
            }
            return lo + 1
        }
        var tree = [Double](repeating: .infinity, count: r + 1)
        tree.withUnsafeMutableBufferPointer { t in
            for p in points {
                var q = rankOf(p.b)
                let start = q
                var minC = Double.infinity
                while q > 0 { if t[q] < minC { minC = t[q] }; q -= q & -q }
                if minC <= p.c { continue }
                kept.append(Int(p.index))
                var u = start
                while u < t.count { if p.c < t[u] { t[u] = p.c }; u += u & -u }
            }
        }
        return kept
    }
}
