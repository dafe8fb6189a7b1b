import Foundation
import TrimtabModel

/// Fits every stage (and variant) of a set of measurements: the three curve families,
/// the one with the lowest cross-validated MAPE, the tail ratios, billing and cold starts.
public enum LatencyFitter {
    /// - Complexity: O(F·S·G·n) per stage for F families, S memory sizes (the cross-validation
    ///   refits), G shape values and n settings; plus O(N log N) for N invocations.
    public static func fit(_ measurements: [MeasuredInvocation]) -> [StageFit] {
        var order: [String] = []
        var groups: [String: [MeasuredInvocation]] = [:]
        for m in measurements {
            let key = m.stage + "\u{1}" + (m.variant ?? "")
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(m)
        }
        return order.compactMap { key in groups[key].map { fitStage($0) } }
    }

    static func settingKey(_ m: MeasuredInvocation) -> [Int] { [m.memoryMB, m.batchSize ?? 1] }

    static func means(_ ms: [MeasuredInvocation]) -> [SettingMean] {
        var sums: [[Int]: (Double, Int)] = [:]
        for m in ms {
            let k = settingKey(m)
            let s = sums[k] ?? (0, 0)
            sums[k] = (s.0 + m.latencyMs, s.1 + 1)
        }
        return sums.keys.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }.compactMap { k in
            sums[k].map { SettingMean(memoryMB: k[0], batchSize: k[1], latencyMs: $0.0 / Double($0.1), count: $0.1) }
        }
    }

    public static func fitStage(_ ms: [MeasuredInvocation]) -> StageFit {
        let settings = means(ms)
        let sizes = Set(settings.map(\.memoryMB)).count
        var scores: [FamilyScore] = []
        let validation: ValidationMethod = sizes >= CurveFitter.minimumSizesForParametric + 1 ? .leaveOneSizeOut : .invocationFolds
        for family in CurveFamily.allCases {
            let score: Double?
            if validation == .leaveOneSizeOut {
                score = CurveFitter.crossValidatedMAPE(family, settings)
            } else {
                score = family == .piecewiseLinear ? invocationFoldMAPE(ms) : nil
            }
            scores.append(FamilyScore(family: family, cvMAPE: score))
        }
        let ranked = scores.filter { $0.cvMAPE != nil }.sorted { ($0.cvMAPE ?? .infinity) < ($1.cvMAPE ?? .infinity) }
        var chosen: LatencyCurve? = nil
        var chosenScore: Double? = nil
        for s in ranked {
            if let c = CurveFitter.fit(s.family, settings) { chosen = c; chosenScore = s.cvMAPE; break }
        }
        let curve = chosen ?? CurveFitter.piecewise(settings, usesBatch: Set(settings.map(\.batchSize)).count > 1)

        var meanByKey: [[Int]: Double] = [:]
        for s in settings { meanByKey[[s.memoryMB, s.batchSize]] = s.latencyMs }
        let ratios = ms.compactMap { m in meanByKey[settingKey(m)].map { m.latencyMs / $0 } }.sorted()
        // A cold invocation's response also waits for its init.
        let spreadRatios = ms.compactMap { m in meanByKey[settingKey(m)].map { (m.latencyMs + max(m.initMs ?? 0, 0)) / $0 } }.sorted()

        var billedMeans: [Int: Double] = [:]
        var granularity: Double? = nil
        let billed = ms.compactMap(\.billedMs)
        if !billed.isEmpty {
            granularity = billed.allSatisfy({ $0.truncatingRemainder(dividingBy: 100) == 0 }) ? 100 : 1
            var sums: [Int: (Double, Int)] = [:]
            for m in ms { if let b = m.billedMs { let s = sums[m.memoryMB] ?? (0, 0); sums[m.memoryMB] = (s.0 + b, s.1 + 1) } }
            for (k, s) in sums { billedMeans[k] = s.0 / Double(s.1) }
        }
        let inits = ms.compactMap(\.initMs).filter { $0 > 0 }
        var extrapolation: LatencyCurve? = nil
        if curve.family == .piecewiseLinear {
            for s in ranked where s.family != .piecewiseLinear {
                if let c = CurveFitter.fit(s.family, settings) { extrapolation = c; break }
            }
        }
        return StageFit(stage: ms.first?.stage ?? "", variant: ms.first?.variant, settings: settings, scores: scores,
                        curve: curve, cvMAPE: chosenScore, validation: validation, ratios: ratios,
                        billedMeans: billedMeans, billingGranularityMs: granularity, invocations: ms.count,
                        coldStarts: inits.count, meanInitMs: inits.isEmpty ? nil : inits.reduce(0, +) / Double(inits.count),
                        extrapolation: extrapolation, spread: QuantileFunction.from(sorted: spreadRatios))
    }

    /// MAPE (%) of each fold's setting means predicted by the monotone fit to the other folds.
    static func invocationFoldMAPE(_ ms: [MeasuredInvocation], folds: Int = 5) -> Double? {
        guard ms.count >= folds * 2 else { return nil }
        var total = 0.0
        var n = 0
        for k in 0..<folds {
            let train = ms.enumerated().filter { $0.offset % folds != k }.map(\.element)
            let test = ms.enumerated().filter { $0.offset % folds == k }.map(\.element)
            guard let curve = CurveFitter.fit(.piecewiseLinear, means(train)) else { return nil }
            for p in means(test) {
                total += abs(curve.latency(memoryMB: Double(p.memoryMB), batchSize: Double(p.batchSize)) - p.latencyMs) / p.latencyMs
                n += 1
            }
        }
        return n > 0 ? 100 * total / Double(n) : nil
    }
}
