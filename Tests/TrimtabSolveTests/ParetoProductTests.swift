import Testing
import TrimtabModel
@testable import TrimtabSolve

/// Random label sets combined by sum, maximum or mixture, with a monotone admissibility test.
struct TestPairAlgebra: PairAlgebra {
    enum Operation { case sum, max, mixture(Double) }
    let left: PairKeys
    let right: PairKeys
    let operation: Operation
    let latencyLimit: Double
    let accuracyFloor: Double

    func latencyBound(_ x: Double, _ y: Double) -> Double {
        switch operation {
        case .sum: return x + y
        case .max: return Swift.max(x, y)
        case .mixture(let w): return w * x + (1 - w) * y
        }
    }
    func accuracy(_ x: Double, _ y: Double) -> Double { x * y }
    func latency(_ i: Int, _ j: Int) -> Double { latencyBound(left.latency[i], right.latency[j]) }
    func admits(latency: Double, cost: Double, accuracy: Double) -> Bool {
        latency + 0.01 * cost <= latencyLimit && accuracy >= accuracyFloor
    }
}

@Suite struct ParetoProductTests {
    func keys(_ n: Int, _ rng: inout SeededGenerator, ties: Bool) -> PairKeys {
        // Coarse values when `ties`, so that equal coordinates and duplicates occur.
        func value(_ range: ClosedRange<Double>) -> Double {
            let v = Double.random(in: range, using: &rng)
            return ties ? (v / 10).rounded() * 10 : v
        }
        return PairKeys(latency: (0..<n).map { _ in value(10...500) },
                        cost: (0..<n).map { _ in value(1...300) },
                        accuracy: (0..<n).map { _ in ties ? Double(Int.random(in: 5...9, using: &rng)) / 10 : Double.random(in: 0.5...1, using: &rng) })
    }

    /// Brute force: every admissible pair, then the non-dominated (latency, cost, accuracy) vectors.
    func bruteForce(_ a: TestPairAlgebra) -> Set<[Double]> {
        var points: [[Double]] = []
        for i in 0..<a.left.count {
            for j in 0..<a.right.count {
                let l = a.latency(i, j), c = a.left.cost[i] + a.right.cost[j], acc = a.accuracy(a.left.accuracy[i], a.right.accuracy[j])
                if a.admits(latency: l, cost: c, accuracy: acc) { points.append([l, c, acc]) }
            }
        }
        let front = points.filter { p in
            !points.contains { q in q[0] <= p[0] && q[1] <= p[1] && q[2] >= p[2] && q != p }
        }
        return Set(front)
    }

    /// The product's front equals brute force's, vector for vector, for every operation,
    /// either side larger, with and without ties.
    @Test func equalsBruteForce() {
        var rng = SeededGenerator(seed: 77)
        var nonEmpty = 0
        for trial in 0..<120 {
            let ties = trial % 2 == 0
            let left = keys(Int.random(in: 1...90, using: &rng), &rng, ties: ties)
            let right = keys(Int.random(in: 1...90, using: &rng), &rng, ties: ties)
            let operation: TestPairAlgebra.Operation = [.sum, .max, .mixture(0.3)][trial % 3]
            let algebra = TestPairAlgebra(left: left, right: right, operation: operation,
                                          latencyLimit: Double.random(in: 300...1200, using: &rng),
                                          accuracyFloor: Double.random(in: 0.2...0.7, using: &rng))
            guard let pairs = ParetoProduct.run(algebra, dims: Dimensions(latency: true, cost: true, accuracy: true), deadline: nil) else {
                Issue.record("no result without a deadline")
                continue
            }
            let found = pairs.map { [$0.latency, $0.cost, $0.accuracy] }
            let expected = bruteForce(algebra)
            #expect(Set(found) == expected, "trial \(trial)")
            #expect(found.count == expected.count, "trial \(trial): one pair per distinct vector")
            for p in pairs {
                let i = Int(p.left), j = Int(p.right)
                #expect(p.latency == algebra.latency(i, j) && p.cost == left.cost[i] + right.cost[j])
            }
            if !expected.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty > 60)
    }

    /// With a coordinate left out, dominance uses the other two only.
    @Test func ignoresUnusedDimensions() {
        var rng = SeededGenerator(seed: 78)
        let algebra = TestPairAlgebra(left: keys(40, &rng, ties: false), right: keys(50, &rng, ties: false), operation: .sum,
                                      latencyLimit: 1e9, accuracyFloor: 0)
        let pairs = ParetoProduct.run(algebra, dims: Dimensions(latency: true, cost: true, accuracy: false), deadline: nil) ?? []
        var best = Double.infinity
        var expected = 0
        // The 2-D front of (latency, cost) by a sweep over all pairs.
        var all: [(Double, Double)] = []
        for i in 0..<40 { for j in 0..<50 { all.append((algebra.latency(i, j), algebra.left.cost[i] + algebra.right.cost[j])) } }
        for p in all.sorted(by: { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }) where p.1 < best {
            best = p.1
            expected += 1
        }
        #expect(pairs.count == expected)
    }
}

@Suite struct StaircaseTests {
    /// Queries agree with a linear scan after random insertions.
    @Test func agreesWithScan() {
        var rng = SeededGenerator(seed: 79)
        var stairs = Staircase()
        var inserted: [(Double, Double)] = []
        for _ in 0..<400 {
            let y = Double(Int.random(in: 0...60, using: &rng)), z = Double(Int.random(in: 0...60, using: &rng))
            stairs.insert(y, z)
            inserted.append((y, z))
            let qy = Double(Int.random(in: 0...60, using: &rng)), qz = Double(Int.random(in: 0...60, using: &rng))
            #expect(stairs.dominates(qy, qz) == inserted.contains { $0.0 <= qy && $0.1 <= qz })
        }
        // Only non-dominated points stay, sorted by y with z strictly decreasing.
        #expect(zip(stairs.ys, stairs.ys.dropFirst()).allSatisfy { $0 < $1 })
        #expect(zip(stairs.zs, stairs.zs.dropFirst()).allSatisfy { $0 > $1 })
    }
}

@Suite struct IncreasingConvexOrderTests {
    /// E[(X − t)⁺] ≤ E[(Y − t)⁺] for all t, checked on a fine grid, matches the test.
    @Test func matchesStopLossDefinition() {
        var rng = SeededGenerator(seed: 80)
        var agreeTrue = 0
        for _ in 0..<400 {
            func distribution() -> Distribution {
                let k = Int.random(in: 1...3, using: &rng)
                let weights = (0..<k).map { _ in Double.random(in: 0.1...1, using: &rng) }
                let total = weights.reduce(0, +)
                return Distribution(pairs: (0..<k).map { i in (Double(Int.random(in: 0...20, using: &rng)) * 5, weights[i] / total) })
            }
            let x = distribution(), y = distribution()
            let labels = [x, y].map { BlockLabel(mean: $0.mean, distribution: $0.isPoint ? nil : $0, cost: 0, accuracy: 1, assignment: []) }
            let support = LatencySupport(labels)
            func stopLoss(_ d: Distribution, _ t: Double) -> Double {
                zip(d.values, d.probabilities).reduce(0) { $0 + $1.1 * Swift.max($1.0 - t, 0) }
            }
            let expected = x.mean <= y.mean + 1e-9
                && stride(from: -10.0, through: 110, by: 0.5).allSatisfy { stopLoss(x, $0) <= stopLoss(y, $0) + 1e-9 }
            let found = x.mean <= y.mean + 1e-9 && support.isIncreasingConvexAtMost(0, 1)
            #expect(found == expected, "\(x) vs \(y)")
            if expected { agreeTrue += 1 }
        }
        #expect(agreeTrue > 40)
    }
}
