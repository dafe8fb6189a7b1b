/// The 2-D Pareto staircase of points with two smaller-is-better coordinates, kept sorted by
/// `y` ascending (so `z` strictly descending), with O(log s) dominance queries.
struct Staircase {
    private(set) var ys: [Double] = []
    private(set) var zs: [Double] = []

    var count: Int { ys.count }

    /// The first position whose y exceeds `y`.
    @inline(__always) private func upperBound(_ y: Double) -> Int {
        var lo = 0, hi = ys.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if ys[mid] <= y { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Whether a point of the staircase is ≤ (y, z) in both coordinates.
    @inline(__always) func dominates(_ y: Double, _ z: Double) -> Bool {
        let i = upperBound(y)
        // The last point with y' ≤ y has the least z among those.
        return i > 0 && zs[i - 1] <= z
    }

    /// Adds (y, z) unless it is dominated, dropping the points it dominates.
    /// - Complexity: O(s) (the array shifts), O(log s) to find the place.
    mutating func insert(_ y: Double, _ z: Double) {
        let i = upperBound(y)
        if i > 0 && zs[i - 1] <= z { return }
        // Points from the previous position on with y ≥ new y and z ≥ new z are dominated.
        var start = i
        while start > 0 && ys[start - 1] == y { start -= 1 }
        var end = i
        while end < ys.count && zs[end] >= z { end += 1 }
        // Equal y before i: their z is > new z (else we returned), so they are dominated.
        ys.replaceSubrange(start..<end, with: CollectionOfOne(y))
        zs.replaceSubrange(start..<end, with: CollectionOfOne(z))
    }
}
