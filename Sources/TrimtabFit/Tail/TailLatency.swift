import Foundation
import TrimtabModel

/// The conservative composition rule for tail latency (`--max-latency-p95-ms`):
/// the workflow's q-quantile is bounded by evaluating its block structure with every
/// stage's q-quantile (plus its `overhead_ms`) where
///
/// - series blocks add their quantiles,
/// - parallel blocks take the largest,
/// - a branch (mixture) takes its worst arm, whatever the branch probabilities,
/// - a loop multiplies its body's quantile by n_q, the q-quantile of its iteration count
///   (the smallest n with 1 − p^n ≥ q for repeat probability p),
/// - a general region takes its longest path in its worst branch outcome.
///
/// This is the q-quantile exactly when stage latencies (and loop counts) are comonotone —
/// slow together in the same runs — because every rule above is monotone in each stage's
/// latency; and the worst-arm rule bounds a mixture's quantile for any dependence. Against
/// independent stages it over-estimates sums and loops (quantiles of light-tailed sums are
/// sub-additive, exactly so for normal latencies) and can under-estimate a maximum of
/// independent parallel branches; `docs/fit.md` shows it against measured end-to-end p95.
public enum TailLatency {
    /// Iterations a loop with repeat probability `p` needs to finish with probability ≥ q.
    public static func iterations(repeatProbability p: Double, quantile q: Double) -> Double {
        guard p > 0 else { return 1 }
        guard p < 1 else { return .infinity }
        return max(1, (log(1 - q) / log(p)).rounded(.up))
    }

    /// The bound for per-stage quantiles `t` (ms, overhead included).
    /// - Complexity: O(V) for series–parallel structures; general regions enumerate their outcomes.
    public static func evaluate(_ block: Block, _ t: [Double], quantile q: Double) -> Double {
        switch block {
        case .empty: return 0
        case .stage(let i): return t[i]
        case .series(let c): return c.reduce(0) { $0 + evaluate($1, t, quantile: q) }
        case .parallel(let c): return c.reduce(0) { max($0, evaluate($1, t, quantile: q)) }
        case .mixture(let arms): return arms.filter { $0.probability > 0 }.reduce(0) { max($0, evaluate($1.block, t, quantile: q)) }
        case .loop(let body, let p): return evaluate(body, t, quantile: q) * iterations(repeatProbability: p, quantile: q)
        case .general(let region):
            let lengths = region.edges.map { evaluate($0.block, t, quantile: q) }
            var worst = 0.0
            for outcome in region.outcomes() {
                var dist = Array(repeating: -Double.infinity, count: region.nodeCount)
                dist[region.source] = 0
                for u in region.order where dist[u] > -Double.infinity {
                    for (k, e) in region.edges.enumerated() where e.from == u && outcome.active[k] {
                        dist[e.to] = max(dist[e.to], dist[u] + lengths[k])
                    }
                }
                worst = max(worst, dist[region.sink])
            }
            return worst
        }
    }

    /// Each option's q-quantile (ms, overhead included), per stage, in `model.options` order.
    public static func stageQuantiles(_ model: WorkflowModel, quantile q: Double, flag: String) throws(TrimtabError) -> [[Double]] {
        var result: [[Double]] = []
        for (s, options) in model.options.enumerated() {
            let stage = model.workflow.stages[s]
            var row: [Double] = []
            for o in options {
                let variant = stage.variants[o.variant]
                guard let v = variant.tailLatency(memoryMB: o.memoryMB, quantile: q) else {
                    let key = q >= 0.99 ? "latency_p99_ms" : "latency_p95_ms"
                    let place = stage.hasVariants ? "stages.\(stage.name).variants.\(variant.name)" : "stages.\(stage.name)"
                    throw TrimtabError(field: "\(place).\(key)", "is needed by \(flag) (trimtab fit writes it)")
                }
                row.append(v + stage.overheadMs)
            }
            result.append(row)
        }
        return result
    }
}
