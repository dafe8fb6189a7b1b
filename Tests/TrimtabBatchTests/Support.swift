import Foundation
import TrimtabModel
@testable import TrimtabBatch

func packageRoot() -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}
func referencePath(_ name: String) -> String { packageRoot() + "/../shared/reference/" + name }

/// A compact discrete-event check of ONE batching buffer with exactly the semantics the model
/// assumes: requests from a MAP, a batch opens with the first request, closes at B requests or T
/// after opening, and is served at once (no queueing) in `service(size)` ms.
struct BufferSimulation {
    var latencies: [Double] = []
    var waits: [Double] = []
    var batchSizes: [Int] = []

    var meanBatchSize: Double { Double(batchSizes.reduce(0, +)) / Double(batchSizes.count) }
    var meanWait: Double { waits.reduce(0, +) / Double(waits.count) }
    func percentile(_ p: Double) -> Double {
        let sorted = latencies.sorted()
        let index = min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[index]
    }

    init(process: MarkovianArrivalProcess, maxBatchSize b: Int, timeoutMs: Double, service: (Int) -> Double,
         requests: Int, warmUp: Int = 2000, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let n = process.phases
        // Start in the stationary phase.
        var phase = 0
        var u = Double.random(in: 0..<1, using: &rng)
        for (i, p) in process.stationaryPhase.enumerated() { if u < p { phase = i; break }; u -= p; phase = i }
        var now = 0.0  // ms
        var open: [Double] = []
        var openedAt = 0.0
        var seen = 0
        func dispatch(at time: Double) {
            let k = open.count
            if seen > warmUp {
                batchSizes.append(k)
                let s = service(k)
                for a in open { waits.append(time - a); latencies.append(time - a + s) }
            }
            open.removeAll(keepingCapacity: true)
        }
        while latencies.count < requests {
            let out = -process.d0[phase * n + phase]
            now += -log(1 - Double.random(in: 0..<1, using: &rng)) / out * 1000
            var pick = Double.random(in: 0..<1, using: &rng) * out
            var arrival = true
            var next = n - 1
            var chosen = false
            for j in 0..<n where j != phase {
                let r = process.d0[phase * n + j]
                if pick < r { next = j; arrival = false; chosen = true; break }
                pick -= r
            }
            if !chosen {
                for j in 0..<n {
                    let r = process.d1[phase * n + j]
                    if pick < r { next = j; break }
                    pick -= r
                }
            }
            phase = next
            guard arrival else { continue }
            seen += 1
            if !open.isEmpty && now > openedAt + timeoutMs { dispatch(at: openedAt + timeoutMs) }
            if open.isEmpty { openedAt = now }
            open.append(now)
            if open.count >= b || timeoutMs == 0 { dispatch(at: now) }
        }
    }
}
