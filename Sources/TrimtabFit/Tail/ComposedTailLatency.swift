import TrimtabModel

/// End-to-end latency quantiles composed from every stage's measured latency distribution
/// through the workflow's graph, by Monte Carlo with common random numbers (the default
/// tail rule of `plan --max-latency-p95-ms`, docs/fit.md).
///
/// Each simulated run walks the block structure: series add, parallel joins take the maximum
/// of independent branches, a branch picks one arm with its probability, a loop repeats its
/// body a geometric number of times, a general region takes its longest active path. An
/// invocation of stage s takes `mean × r + overhead_ms`, where `mean` is the latency table's
/// value for the chosen variant and memory size and `r` the variant's `latency_spread` at a
/// uniform draw; the platform's `overhead_spread_ms`, when given, adds one draw per run.
///
/// The draws (branch outcomes, loop counts, the uniform of every invocation) are made once,
/// when the sampler is built, and reused for every configuration. So the estimate is a
/// deterministic function of the configuration, monotone in every stage's mean latency
/// (each run's latency is), which makes it usable as an exact criterion inside a branch and
/// bound, and configurations are compared on the same runs.
///
/// Error: the q-quantile of `runs` samples has a distribution-free 95% confidence interval
/// between the order statistics of ranks n·q ∓ 1.96·√(n·q·(1−q)) (`interval`); at the default
/// 20,000 runs that is ±28 ranks around the 19,000th for p95 and ±14 around the 19,800th for p99.
public struct ComposedTailLatency: Sendable {
    public static let defaultRuns = 20_000

    enum Kind: UInt8 { case leaf, constant, sum, maximum, region }
    struct Op {
        var kind: Kind
        /// leaf: occurrence index; sum/maximum: operand count; region: template index.
        var index: Int32
        var value: Double
    }
    struct RegionTemplate {
        var nodeCount: Int
        var source: Int
        var sink: Int
        var order: [Int]
        var edges: [(from: Int, to: Int)]
    }

    public let runs: Int
    private var ops: [Op] = []
    private var runEnd: [Int] = []
    private var extra: [Double] = []
    private var templates: [RegionTemplate] = []
    /// Per invocation: its stage and the spread of each variant of that stage at its draw.
    private var occurrenceStage: [Int32] = []
    private var occurrenceRatio: [Double] = []
    private let stride: Int
    private let overhead: [Double]
    private let variantCount: [Int]
    /// Per stage and variant: the least and the greatest mean latency of its options (ms,
    /// overhead excluded); variants without options have +∞ and −∞.
    private let leastMean: [[Double]]
    private let greatestMean: [[Double]]
    private var occursAtMostOnce: [Bool] = []

    /// - Parameters:
    ///   - flag: the flag or rule that asks for composition, for the error when a spread is missing.
    /// - Complexity: O(runs × invocations per run × log K) to draw.
    public init(_ model: WorkflowModel, runs: Int = ComposedTailLatency.defaultRuns, seed: UInt64 = 1, flag: String) throws(TrimtabError) {
        let workflow = model.workflow
        var spreads: [[QuantileFunction]] = []
        for stage in workflow.stages {
            var row: [QuantileFunction] = []
            for v in stage.variants {
                guard let s = v.tails.spread else {
                    let place = stage.hasVariants ? "stages.\(stage.name).variants.\(v.name)" : "stages.\(stage.name)"
                    // `plan` may fall back on the conservative rule; `evaluate --tails` has no other rule.
                    let instead = flag == "--tails" ? "" : "; --tail-rule conservative uses latency_p95_ms/latency_p99_ms instead"
                    throw TrimtabError(field: "\(place).latency_spread",
                                       "is needed by \(flag) (trimtab fit and trimtab import write it\(instead))")
                }
                row.append(s)
            }
            spreads.append(row)
        }
        self.runs = max(runs, 1)
        stride = max(spreads.map(\.count).max() ?? 1, 1)
        overhead = workflow.stages.map(\.overheadMs)
        variantCount = spreads.map(\.count)
        leastMean = model.options.enumerated().map { s, options in
            (0..<max(spreads[s].count, 1)).map { v in
                options.filter { $0.variant == v }.map { $0.latencyMs - workflow.stages[s].overheadMs }.min() ?? .infinity
            }
        }
        greatestMean = model.options.enumerated().map { s, options in
            (0..<max(spreads[s].count, 1)).map { v in
                options.filter { $0.variant == v }.map { $0.latencyMs - workflow.stages[s].overheadMs }.max() ?? -.infinity
            }
        }
        var rng = SeededGenerator(seed: seed)
        func uniform() -> Double { Double(rng.next() >> 11) * 0x1.0p-53 }
        var ops: [Op] = []
        var templates: [RegionTemplate] = []
        var templateOf: [String: Int] = [:]
        var occStage: [Int32] = []
        var occRatio: [Double] = []
        let width = stride

        func emit(_ block: Block) {
            switch block {
            case .empty:
                ops.append(Op(kind: .constant, index: 0, value: 0))
            case .stage(let s):
                let u = uniform()
                ops.append(Op(kind: .leaf, index: Int32(occStage.count), value: 0))
                occStage.append(Int32(s))
                for v in 0..<width { occRatio.append(v < spreads[s].count ? spreads[s][v].value(at: u) : 0) }
            case .series(let children):
                for c in children { emit(c) }
                ops.append(Op(kind: .sum, index: Int32(children.count), value: 0))
            case .parallel(let children):
                for c in children { emit(c) }
                ops.append(Op(kind: .maximum, index: Int32(children.count), value: 0))
            case .mixture(let arms):
                let u = uniform()
                var acc = 0.0
                var chosen = arms.count - 1
                let total = arms.reduce(0) { $0 + $1.probability }
                for (i, a) in arms.enumerated() {
                    acc += a.probability / total
                    if u < acc { chosen = i; break }
                }
                if arms.isEmpty { ops.append(Op(kind: .constant, index: 0, value: 0)) } else { emit(arms[chosen].block) }
            case .loop(let body, let p):
                var n = 1
                while n < 100_000 && uniform() < p { n += 1 }
                for _ in 0..<n { emit(body) }
                if n > 1 { ops.append(Op(kind: .sum, index: Int32(n), value: 0)) }
            case .general(let region):
                // One outcome: every always-taken edge of an active node, and one of its branch
                // edges drawn by probability.
                var active = Array(repeating: false, count: region.edges.count)
                var nodeActive = Array(repeating: false, count: region.nodeCount)
                nodeActive[region.source] = true
                var outs = Array(repeating: [Int](), count: region.nodeCount)
                for (i, e) in region.edges.enumerated() { outs[e.from].append(i) }
                for node in region.order where nodeActive[node] && node != region.sink {
                    let branch = outs[node].filter { region.edges[$0].probability < 1 }
                    for e in outs[node] where region.edges[e].probability >= 1 { active[e] = true; nodeActive[region.edges[e].to] = true }
                    if !branch.isEmpty {
                        let total = branch.reduce(0) { $0 + region.edges[$1].probability }
                        let u = uniform() * total
                        var acc = 0.0
                        var chosen = branch[branch.count - 1]
                        for e in branch {
                            acc += region.edges[e].probability
                            if u < acc { chosen = e; break }
                        }
                        active[chosen] = true
                        nodeActive[region.edges[chosen].to] = true
                    }
                }
                for (i, e) in region.edges.enumerated() {
                    if active[i] { emit(e.block) } else { ops.append(Op(kind: .constant, index: 0, value: -.infinity)) }
                }
                let key = "\(region.nodeCount)|\(region.source)|\(region.sink)|\(region.order)|\(region.edges.map { "\($0.from)-\($0.to)" })"
                let t: Int
                if let known = templateOf[key] { t = known } else {
                    t = templates.count
                    templateOf[key] = t
                    templates.append(RegionTemplate(nodeCount: region.nodeCount, source: region.source, sink: region.sink,
                                                    order: region.order, edges: region.edges.map { ($0.from, $0.to) }))
                }
                ops.append(Op(kind: .region, index: Int32(t), value: 0))
            }
        }

        var ends: [Int] = []
        var extras: [Double] = []
        ends.reserveCapacity(self.runs)
        for _ in 0..<self.runs {
            emit(model.root)
            ends.append(ops.count)
            extras.append(workflow.platform.overheadSpreadMs.map { $0.value(at: uniform()) } ?? 0)
        }
        self.ops = ops
        self.runEnd = ends
        self.extra = extras
        self.templates = templates
        self.occurrenceStage = occStage
        self.occurrenceRatio = occRatio
        var once = Array(repeating: true, count: workflow.stages.count)
        var seen = Array(repeating: -1, count: workflow.stages.count)
        var first = 0
        for r in 0..<self.runs {
            for i in first..<ends[r] where ops[i].kind == .leaf {
                let s = Int(occStage[Int(ops[i].index)])
                if seen[s] == r { once[s] = false } else { seen[s] = r }
            }
            first = ends[r]
        }
        self.occursAtMostOnce = once
    }

    /// The setting of one stage for an evaluation: a chosen option (mean latency without
    /// overhead, variant), or undecided — then every invocation takes the least latency any of
    /// the stage's options can give at its draw, which bounds every completion from below.
    public enum StageSetting: Sendable {
        case chosen(meanMs: Double, variant: Int)
        case undecided
        /// Undecided, taken at its greatest latency at every draw: bounds every completion from above.
        case undecidedSlowest
    }

    /// Every run's end-to-end latency (ms) for the given per-stage settings.
    /// - Complexity: O(total operations), about runs × invocations per run.
    public func samples(_ settings: [StageSetting]) -> [Double] {
        var result = [Double](repeating: 0, count: runs)
        forEachRun(settings) { r, value in result[r] = value; return true }
        return result
    }

    /// Whether the `q`-quantile (type 7) of the runs' latencies is at most `limit`, decided by
    /// counting runs above and below the limit and stopping as soon as the count settles it;
    /// nil when it lies between the two order statistics that the interpolation uses (then
    /// the quantile itself decides).
    /// - Complexity: O(total operations) at most; an infeasible setting stops after about
    ///   runs × (1 − q) runs above the limit.
    public func quantileIsAtMost(_ settings: [StageSetting], quantile q: Double, limit: Double) -> Bool? {
        let (needBelow, tooManyAbove) = decidingCounts(quantile: q)
        var below = 0, above = 0
        var decided: Bool? = nil
        forEachRun(settings) { _, value in
            if value <= limit { below += 1 } else { above += 1 }
            if below >= needBelow { decided = true; return false }
            if above >= tooManyAbove { decided = false; return false }
            return true
        }
        if let decided { return decided }
        return nil
    }

    /// Per-stage settings turned into what a run's evaluation reads.
    public struct Prepared: Sendable {
        /// The multiplier of each variant's ratio: the chosen mean, or each variant's least or
        /// greatest mean when undecided.
        var coefficient: [Double]
        /// The chosen variant; −1 undecided.
        var chosen: [Int]
        var slowest: [Bool]
    }

    public func prepare(_ settings: [StageSetting]) -> Prepared {
        let nStages = settings.count
        var p = Prepared(coefficient: Array(repeating: 0.0, count: nStages * stride), chosen: Array(repeating: -1, count: nStages),
                         slowest: Array(repeating: false, count: nStages))
        for s in 0..<nStages {
            switch settings[s] {
            case .chosen(let mean, let v):
                p.chosen[s] = min(max(v, 0), stride - 1)
                p.coefficient[s * stride + p.chosen[s]] = mean
            case .undecided:
                for v in 0..<variantCount[s] { p.coefficient[s * stride + v] = leastMean[s][v] }
            case .undecidedSlowest:
                p.slowest[s] = true
                for v in 0..<variantCount[s] { p.coefficient[s * stride + v] = greatestMean[s][v] }
            }
        }
        return p
    }

    /// Run `r`'s end-to-end latency (ms) under `p`; `stack` is scratch space.
    /// - Complexity: O(operations of the run).
    public func latency(run r: Int, _ p: Prepared, stack: inout [Double]) -> Double {
        var top = 0
        let first = r == 0 ? 0 : runEnd[r - 1]
        for i in first..<runEnd[r] {
            let op = ops[i]
            if top + 1 >= stack.count { stack.append(contentsOf: repeatElement(0, count: max(stack.count, 16))) }
            switch op.kind {
            case .leaf:
                let o = Int(op.index)
                stack[top] = leafValue(o, Int(occurrenceStage[o]), p)
                top += 1
            case .constant:
                stack[top] = op.value
                top += 1
            case .sum:
                let n = Int(op.index)
                var total = 0.0
                for k in (top - n)..<top { total += stack[k] }
                top -= n
                stack[top] = total
                top += 1
            case .maximum:
                let n = Int(op.index)
                var m = -Double.infinity
                for k in (top - n)..<top { m = max(m, stack[k]) }
                top -= n
                stack[top] = m
                top += 1
            case .region:
                let t = templates[Int(op.index)]
                let base = top - t.edges.count
                var dist = Array(repeating: -Double.infinity, count: t.nodeCount)
                dist[t.source] = 0
                for u in t.order where dist[u] > -.infinity {
                    for (k, e) in t.edges.enumerated() where e.from == u && stack[base + k] > -.infinity {
                        dist[e.to] = max(dist[e.to], dist[u] + stack[base + k])
                    }
                }
                top = base
                stack[top] = max(dist[t.sink], 0)
                top += 1
            }
        }
        return (top > 0 ? stack[top - 1] : 0) + extra[r]
    }

    /// Calls `body` with every run's latency in run order until it returns false.
    private func forEachRun(_ settings: [StageSetting], _ body: (Int, Double) -> Bool) {
        let p = prepare(settings)
        var stack = [Double](repeating: 0, count: 64)
        for r in 0..<runs {
            if !body(r, latency(run: r, p, stack: &stack)) { return }
        }
    }

    /// Whether stage s is invoked at most once in every run (then `response` applies).
    public var invokedAtMostOnce: [Bool] { occursAtMostOnce }

    /// Every run's latency as a function of stage `stage`'s latency x in that run, the other
    /// stages as in `settings`: V_r(x) = max(a_r, b_r + x) — exact when the stage is invoked at
    /// most once per run (sums and maxima of constants and one x take this form, and so does
    /// a longest path through a region). Nil when some run invokes it more than once.
    /// - Complexity: O(total operations), one pass like `samples`.
    public func response(_ settings: [StageSetting], stage: Int) -> StageResponse? {
        guard stage < occursAtMostOnce.count, occursAtMostOnce[stage] else { return nil }
        let p = prepare(settings)
        var a = [Double](repeating: 0, count: runs), b = [Double](repeating: -.infinity, count: runs)
        var occurrence = [Int32](repeating: -1, count: runs)
        var sa = [Double](repeating: 0, count: 64), sb = [Double](repeating: 0, count: 64)
        var first = 0
        for r in 0..<runs {
            var top = 0
            for i in first..<runEnd[r] {
                let op = ops[i]
                if top + 1 >= sa.count {
                    sa.append(contentsOf: repeatElement(0, count: sa.count))
                    sb.append(contentsOf: repeatElement(0, count: sb.count))
                }
                switch op.kind {
                case .leaf:
                    let o = Int(op.index)
                    let s = Int(occurrenceStage[o])
                    if s == stage {
                        sa[top] = -.infinity; sb[top] = 0
                        occurrence[r] = Int32(o)
                    } else {
                        sa[top] = leafValue(o, s, p); sb[top] = -.infinity
                    }
                    top += 1
                case .constant:
                    sa[top] = op.value; sb[top] = -.infinity
                    top += 1
                case .sum:
                    let n = Int(op.index)
                    var ta = 0.0, tb = -Double.infinity
                    for k in (top - n)..<top {
                        // (a1 + a2, max(b1 + a2, a1 + b2)): at most one of them holds x.
                        let nb = max(tb + sa[k], ta + sb[k])
                        ta += sa[k]
                        tb = nb
                    }
                    top -= n
                    sa[top] = ta; sb[top] = tb
                    top += 1
                case .maximum:
                    let n = Int(op.index)
                    var ma = -Double.infinity, mb = -Double.infinity
                    for k in (top - n)..<top { ma = max(ma, sa[k]); mb = max(mb, sb[k]) }
                    top -= n
                    sa[top] = ma; sb[top] = mb
                    top += 1
                case .region:
                    let t = templates[Int(op.index)]
                    let base = top - t.edges.count
                    var da = Array(repeating: -Double.infinity, count: t.nodeCount)
                    var db = Array(repeating: -Double.infinity, count: t.nodeCount)
                    da[t.source] = 0
                    for u in t.order where da[u] > -.infinity || db[u] > -.infinity {
                        for (k, e) in t.edges.enumerated() where e.from == u && (sa[base + k] > -.infinity || sb[base + k] > -.infinity) {
                            da[e.to] = max(da[e.to], da[u] + sa[base + k])
                            db[e.to] = max(db[e.to], max(db[u] + sa[base + k], da[u] + sb[base + k]))
                        }
                    }
                    top = base
                    sa[top] = max(da[t.sink], 0); sb[top] = db[t.sink]
                    top += 1
                }
            }
            a[r] = (top > 0 ? sa[top - 1] : 0) + extra[r]
            b[r] = (top > 0 ? sb[top - 1] : -.infinity) + extra[r]
            first = runEnd[r]
        }
        return StageResponse(stage: stage, a: a, b: b, occurrence: occurrence, overheadMs: overhead[stage], stride: stride,
                             ratio: occurrenceRatio)
    }

    @inline(__always) private func leafValue(_ o: Int, _ s: Int, _ p: Prepared) -> Double {
        var value: Double
        let v = p.chosen[s]
        if v >= 0 {
            value = p.coefficient[s * stride + v] * occurrenceRatio[o * stride + v]
        } else if p.slowest[s] {
            value = -.infinity
            for w in 0..<variantCount[s] { value = max(value, p.coefficient[s * stride + w] * occurrenceRatio[o * stride + w]) }
        } else {
            value = .infinity
            for w in 0..<variantCount[s] { value = min(value, p.coefficient[s * stride + w] * occurrenceRatio[o * stride + w]) }
        }
        return value + overhead[s]
    }

    /// The order statistics that decide whether the `q`-quantile (type 7) is at most a limit:
    /// it is when at least `needBelow` runs are at or below the limit, and it is not when
    /// `tooManyAbove` runs are above it.
    public func decidingCounts(quantile q: Double) -> (needBelow: Int, tooManyAbove: Int) {
        let h = Double(runs - 1) * q
        let lo = Int(h.rounded(.down))
        return (h == Double(lo) ? lo + 1 : lo + 2, runs - lo)
    }

    /// The settings of a full configuration (`model.options` indices per stage).
    public static func settings(_ model: WorkflowModel, optionIndices: [Int]) -> [StageSetting] {
        optionIndices.enumerated().map { s, k in
            let o = model.options[s][k]
            return .chosen(meanMs: o.latencyMs - model.workflow.stages[s].overheadMs, variant: o.variant)
        }
    }

    /// The `qs`-quantiles (type 7) of the runs' latencies.
    public func quantiles(_ settings: [StageSetting], _ qs: [Double]) -> [Double] {
        let sorted = samples(settings).sorted()
        return qs.map { Quantile.of(sorted: sorted, $0) }
    }

    /// Summary of one configuration: mean, quantiles and their 95% confidence intervals.
    public func summary(_ settings: [StageSetting], quantiles qs: [Double]) -> ComposedTailSummary {
        let sorted = samples(settings).sorted()
        let n = Double(sorted.count)
        let intervals = qs.map { q -> (Double, Double) in
            let half = 1.96 * (n * q * (1 - q)).squareRoot()
            let lo = Int((n * q - half).rounded(.down)).clamped(0, sorted.count - 1)
            let hi = Int((n * q + half).rounded(.up)).clamped(0, sorted.count - 1)
            return (sorted[lo], sorted[hi])
        }
        return ComposedTailSummary(runs: sorted.count, meanMs: sorted.reduce(0, +) / max(n, 1),
                                   quantiles: qs, valuesMs: qs.map { Quantile.of(sorted: sorted, $0) }, intervalsMs: intervals)
    }
}

extension Int {
    func clamped(_ lo: Int, _ hi: Int) -> Int { Swift.max(lo, Swift.min(hi, self)) }
}
