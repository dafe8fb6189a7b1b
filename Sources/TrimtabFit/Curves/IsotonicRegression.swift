import TrimtabModel

extension LeastSquares {
    /// Weighted isotonic (non-increasing) regression by pool-adjacent-violators.
    /// - Complexity: O(n).
    static func nonIncreasing(_ y: [Double], weights: [Double]) -> [Double] {
        var blocks: [(value: Double, weight: Double, count: Int)] = []
        for (i, v) in y.enumerated() {
            blocks.append((v, weights[i], 1))
            while blocks.count > 1 && blocks[blocks.count - 2].value < blocks[blocks.count - 1].value {
                let b = blocks.removeLast(), a = blocks.removeLast()
                let w = a.weight + b.weight
                blocks.append(((a.value * a.weight + b.value * b.weight) / w, w, a.count + b.count))
            }
        }
        return blocks.flatMap { Array(repeating: $0.value, count: $0.count) }
    }
}
