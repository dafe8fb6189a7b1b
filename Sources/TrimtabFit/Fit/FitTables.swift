/// Turns stage fits into the tables of a workflow file.
public enum FitTables {
    /// Tables on `grid` (nil: the measured memory sizes) at `batchSize`.
    /// With `measuredMeans`, sizes that were measured hold their sample means rather than the
    /// curve (so that a plan predicts exactly what was measured).
    public static func tables(_ fit: StageFit, grid: [Int]?, batchSize: Int? = nil, measuredMeans: Bool = false) -> StageTables.Tables {
        let batch = batchSize ?? fit.batchSizes.first ?? 1
        let sizes = (grid ?? fit.memorySizes).filter { fit.covers(memoryMB: $0) }
        var measured: [Int: Double] = [:]
        if measuredMeans { for s in fit.settings where s.batchSize == batch { measured[s.memoryMB] = s.latencyMs } }
        var t = StageTables.Tables(latency: [])
        t.spread = fit.spread
        let q95 = Quantile.of(sorted: fit.ratios, 0.95), q99 = Quantile.of(sorted: fit.ratios, 0.99)
        for m in sizes {
            let mean = measured[m] ?? fit.latency(memoryMB: m, batchSize: batch)
            guard mean.isFinite, mean > 0 else { continue }
            t.latency.append((m, mean))
            t.p95.append((m, mean * max(q95, 1)))
            t.p99.append((m, mean * max(q99, q95, 1)))
            if let b = fit.billed(memoryMB: m, batchSize: batch, mean: mean, measured: measuredMeans) { t.billed.append((m, b)) }
        }
        return t
    }

    /// The report comment above a fitted stage.
    public static func comments(_ fit: StageFit) -> [String] {
        func pct(_ x: Double?) -> String { x.map { String(format: "%.2f%%", $0) } ?? "n/a" }
        var lines: [String] = []
        let others = fit.scores.map { "\($0.family.rawValue) \(pct($0.cvMAPE))" }.joined(separator: ", ")
        lines.append("\(fit.curve.family.rawValue): \(fit.curve.summary); CV MAPE \(pct(fit.cvMAPE)) (\(fit.validation.rawValue); \(others))")
        var l = "\(fit.invocations) invocations at \(fit.memorySizes.count) memory sizes"
        if fit.batchSizes.count > 1 { l += " and \(fit.batchSizes.count) batch sizes" }
        if fit.coldStarts > 0, let i = fit.meanInitMs {
            l += String(format: "; %d cold starts, mean init %.1f ms", fit.coldStarts, i)
        }
        lines.append(l)
        if fit.curve.family == .piecewiseLinear, let lo = fit.memorySizes.first, let hi = fit.memorySizes.last {
            if let ext = fit.extrapolation {
                lines.append("beyond \(lo)–\(hi) MB: \(ext.family.rawValue) shape, scaled to meet the piecewise-linear curve at the nearest measured size")
            } else {
                lines.append("piecewise-linear does not extrapolate: tables hold only sizes from \(lo) to \(hi) MB")
            }
        }
        return lines
    }

    /// The `stages:` YAML of all fits, variants grouped under their stage.
    public static func yaml(_ fits: [StageFit], grid: [Int]?, batchSize: Int? = nil) -> String {
        var order: [String] = []
        var byStage: [String: [StageFit]] = [:]
        for f in fits {
            if byStage[f.stage] == nil { order.append(f.stage) }
            byStage[f.stage, default: []].append(f)
        }
        var stages: [StageTables] = []
        for name in order {
            let group = byStage[name] ?? []
            if group.count == 1, let f = group.first, f.variant == nil {
                stages.append(StageTables(name: name, tables: tables(f, grid: grid, batchSize: batchSize), comments: comments(f)))
            } else {
                let variants = group.map { (name: $0.variant ?? "default", tables: tables($0, grid: grid, batchSize: batchSize)) }
                stages.append(StageTables(name: name, tables: StageTables.Tables(latency: []), variants: variants,
                                          comments: group.flatMap { f in comments(f).map { "\(f.variant ?? "default"): \($0)" } }))
            }
        }
        return YAMLWriter.stages(stages)
    }
}
