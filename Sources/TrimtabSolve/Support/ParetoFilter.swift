/// Dominance filtering of points with up to three "smaller is better" coordinates.
enum ParetoFilter {
    /// Indices of the points not dominated by another (duplicates keep their first).
    /// `x`, `y`, `z` may be nil to ignore that coordinate.
    /// - Complexity: O(n log n).
    static func nondominated(count n: Int, x: [Double]?, y: [Double]?, z: [Double]?) -> [Int] {
        let coords = [x, y, z].compactMap { $0 }
        if n == 0 { return [] }
        switch coords.count {
        case 0:
            return [0]
        case 1:
            let a = coords[0]
            var best = 0
            for i in 1..<n where a[i] < a[best] { best = i }
            return [best]
        case 2:
            let a = coords[0], b = coords[1]
            let order = (0..<n).sorted { (i: Int, j: Int) -> Bool in
                if a[i] != a[j] { return a[i] < a[j] }
                if b[i] != b[j] { return b[i] < b[j] }
                return i < j
            }
            var kept: [Int] = []
            var bestB = Double.infinity
            for i in order where b[i] < bestB {
                kept.append(i)
                bestB = b[i]
            }
            return kept
        default:
            let a = coords[0], b = coords[1], c = coords[2]
            let order = (0..<n).sorted { (i: Int, j: Int) -> Bool in
                if a[i] != a[j] { return a[i] < a[j] }
                if b[i] != b[j] { return b[i] < b[j] }
                if c[i] != c[j] { return c[i] < c[j] }
                return i < j
            }
            // Fenwick tree over ranks of b holding the minimum c seen.
            let distinctB = Array(Set(b)).sorted()
            var rank: [Double: Int] = [:]
            rank.reserveCapacity(distinctB.count)
            for (i, v) in distinctB.enumerated() { rank[v] = i + 1 }
            var tree = Array(repeating: Double.infinity, count: distinctB.count + 1)
            var kept: [Int] = []
            for i in order {
                let r = rank[b[i]] ?? 1
                var q = r
                var minC = Double.infinity
                while q > 0 { if tree[q] < minC { minC = tree[q] }; q -= q & -q }
                if minC <= c[i] { continue }
                kept.append(i)
                var u = r
                while u < tree.count { if c[i] < tree[u] { tree[u] = c[i] }; u += u & -u }
            }
            return kept
        }
    }
}
