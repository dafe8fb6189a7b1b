import TrimtabModel

/// Combines a buffer's behaviour with service times and prices.
public enum BatchPerformanceModel {
    /// Request latency CDF P(wait + service ≤ x): Σ_k Σ_points q · N_k(x − s) / E[size], where
    /// N_k(y) is the expected number of requests of a size-k batch waiting at most y.
    static func latencyCDF(_ behaviour: BatchingBehaviour, _ service: [[ServicePoint]], _ x: Double) -> Double {
        var sum = 0.0
        for k in behaviour.activeSizes {
            for point in service[k - 1] {
                sum += point.probability * behaviour.waitCount(size: k, atMost: x - point.latencyMs)
            }
        }
        return sum / behaviour.meanBatchSize
    }

    /// P(request latency ≤ `latencyMs`) for a buffer and a service at one memory size.
    public static func latencyCDF(_ behaviour: BatchingBehaviour, service model: any BatchServiceModel, memoryMB: Int,
                                  atMost latencyMs: Double) -> Double {
        latencyCDF(behaviour, (1...behaviour.maxBatchSize).map { model.service(memoryMB: memoryMB, batchSize: $0) }, latencyMs)
    }

    /// The p-th percentile of request latency: the smallest x with CDF(x) ≥ p, by bisection to
    /// 1e-4 ms (the CDF is non-decreasing and piecewise smooth).
    static func percentile(_ behaviour: BatchingBehaviour, _ service: [[ServicePoint]], _ p: Double) -> Double {
        var lo = Double.infinity
        var hi = 0.0
        for k in behaviour.activeSizes {
            for point in service[k - 1] {
                lo = min(lo, point.latencyMs)
                hi = max(hi, point.latencyMs)
            }
        }
        guard lo.isFinite, hi.isFinite else { return .infinity }
        hi += behaviour.isUnbatched ? 0 : behaviour.timeoutMs
        lo -= 1e-9
        if latencyCDF(behaviour, service, lo) >= p { return lo }
        var iterations = 0
        while hi - lo > 1e-4 && iterations < 200 {
            let mid = (lo + hi) / 2
            if latencyCDF(behaviour, service, mid) >= p { hi = mid } else { lo = mid }
            iterations += 1
        }
        return hi
    }

    /// Latency percentile, mean latency and cost per request for one memory size.
    /// - Complexity: O(B · S · log(range/1e-6)) for S service points per batch size.
    public static func evaluate(_ behaviour: BatchingBehaviour, service model: any BatchServiceModel, memoryMB: Int,
                                platform: Platform, percentile p: Double = 0.95) -> BatchPerformance {
        let service = (1...behaviour.maxBatchSize).map { model.service(memoryMB: memoryMB, batchSize: $0) }
        return evaluate(behaviour, service: service, memoryMB: memoryMB, platform: platform, percentile: p)
    }

    static func evaluate(_ behaviour: BatchingBehaviour, service: [[ServicePoint]], memoryMB: Int,
                         platform: Platform, percentile p: Double) -> BatchPerformance {
        var costPerBatch = 0.0
        var serviceTimeSum = 0.0
        for k in 1...behaviour.maxBatchSize {
            let pk = behaviour.batchSizeProbabilities[k - 1]
            guard pk > 0 else { continue }
            for point in service[k - 1] {
                costPerBatch += pk * point.probability * platform.invocationCost(memoryMB: memoryMB, latencyMs: point.latencyMs)
                serviceTimeSum += pk * Double(k) * point.probability * point.latencyMs
            }
        }
        let mean = behaviour.meanBatchSize
        return BatchPerformance(memoryMB: memoryMB, batchSize: behaviour.maxBatchSize,
                                timeoutMs: behaviour.isUnbatched ? 0 : behaviour.timeoutMs,
                                latencyPercentileMs: percentile(behaviour, service, p),
                                meanLatencyMs: behaviour.meanWaitMs + serviceTimeSum / mean,
                                meanWaitMs: behaviour.meanWaitMs,
                                costPerMillion: costPerBatch / mean * 1e6, meanBatchSize: mean)
    }
}
