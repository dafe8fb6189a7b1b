import Foundation

/// What `profile` measures and when a setting has been measured enough.
public struct ProfilePlan: Sendable {
    public var memorySizes: [Int]
    public var batchSizes: [Int]
    public var concurrency: [Int]
    public var minRepeats: Int
    public var maxRepeats: Int
    /// Stop a setting's series once the coefficient of variation is at most this.
    public var targetCV: Double
    public var timeout: Double
    /// Choose memory sizes adaptively (bracketing the cost-optimal size) instead of measuring all.
    public var adaptive: Bool

    public init(memorySizes: [Int], batchSizes: [Int] = [1], concurrency: [Int] = [1], minRepeats: Int = 3,
                maxRepeats: Int = 30, targetCV: Double = 0.05, timeout: Double = 30, adaptive: Bool = false) {
        self.memorySizes = memorySizes.sorted()
        self.batchSizes = batchSizes
        self.concurrency = concurrency
        self.minRepeats = minRepeats
        self.maxRepeats = maxRepeats
        self.targetCV = targetCV
        self.timeout = timeout
        self.adaptive = adaptive
    }
}

/// The measurements of one setting.
public struct ProfileSeries: Sendable {
    public var setting: ProfileSetting
    public var latencies: [Double]
    /// Why the setting is infeasible (a failure or timeout), nil if it is not.
    public var infeasible: String?

    public init(setting: ProfileSetting, latencies: [Double], infeasible: String? = nil) {
        self.setting = setting
        self.latencies = latencies
        self.infeasible = infeasible
    }

    public var mean: Double { latencies.isEmpty ? .nan : latencies.reduce(0, +) / Double(latencies.count) }
    /// Coefficient of variation (sample standard deviation / mean).
    public var cv: Double {
        guard latencies.count > 1 else { return .infinity }
        let m = mean
        let v = latencies.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(latencies.count - 1)
        return v.squareRoot() / m
    }
}

/// Everything a profiling run measured.
public struct ProfileReport: Sendable {
    public var stage: String
    public var series: [ProfileSeries]
    /// Memory sizes in the order they were measured.
    public var memoryOrder: [Int]
    /// The measured size with the lowest GB-seconds per invocation (first batch size and concurrency).
    public var cheapestMemoryMB: Int?

    /// The CSV that `trimtab fit` reads: one row per invocation; an infeasible setting is one
    /// row with an empty latency and its reason in `status`.
    public var csv: String {
        var out = "stage,memory_mb,batch_size,concurrency,latency_ms,status\n"
        func quote(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        for s in series {
            let prefix = "\(quote(stage)),\(s.setting.memoryMB),\(s.setting.batchSize),\(s.setting.concurrency),"
            if let reason = s.infeasible {
                out += prefix + "," + quote("infeasible: \(reason)") + "\n"
            } else {
                for l in s.latencies { out += prefix + String(format: "%.3f", l) + ",ok\n" }
            }
        }
        return out
    }
}

/// Runs profiling series against an `Invoker`.
public struct Profiler: Sendable {
    public var invoker: any Invoker
    public var plan: ProfilePlan
    public var stage: String

    public init(invoker: any Invoker, plan: ProfilePlan, stage: String) {
        self.invoker = invoker
        self.plan = plan
        self.stage = stage
    }

    final class Collector: @unchecked Sendable {
        let lock = NSLock()
        var outcomes: [InvocationOutcome] = []
        func add(_ o: InvocationOutcome) { lock.lock(); outcomes.append(o); lock.unlock() }
    }

    /// One setting: rounds of `concurrency` simultaneous invocations until the coefficient of
    /// variation is at most the target (after `minRepeats` invocations) or `maxRepeats` is reached;
    /// any failure or timeout makes the setting infeasible.
    public func measure(_ setting: ProfileSetting) -> ProfileSeries {
        var series = ProfileSeries(setting: setting, latencies: [])
        do { try invoker.prepare(setting) } catch {
            series.infeasible = "cannot configure: \(error)"
            return series
        }
        while series.latencies.count < plan.maxRepeats {
            let collector = Collector()
            let invoker = self.invoker, timeout = plan.timeout
            DispatchQueue.concurrentPerform(iterations: max(setting.concurrency, 1)) { _ in
                collector.add(invoker.invoke(setting, timeout: timeout))
            }
            for o in collector.outcomes {
                switch o {
                case .success(let ms): series.latencies.append(ms)
                case .failure(let reason): series.infeasible = reason
                }
            }
            if series.infeasible != nil { series.latencies = []; return series }
            if series.latencies.count >= plan.minRepeats && series.cv <= plan.targetCV { break }
        }
        return series
    }

    /// Measures the plan; `progress(done, total)` after each setting.
    /// - Complexity: O(settings × maxRepeats) invocations; adaptively O(log sizes) memory sizes.
    public func run(progress: (Int, Int) -> Void = { _, _ in }) -> ProfileReport {
        let combos = plan.batchSizes.flatMap { b in plan.concurrency.map { (b, $0) } }
        var series: [ProfileSeries] = []
        var order: [Int] = []
        var cost: [Int: Double] = [:]
        var done = 0
        let total = (plan.adaptive ? min(plan.memorySizes.count, adaptiveBudget(plan.memorySizes.count)) : plan.memorySizes.count) * combos.count
        func measureMemory(_ m: Int) {
            order.append(m)
            for (k, (b, c)) in combos.enumerated() {
                let s = measure(ProfileSetting(memoryMB: m, batchSize: b, concurrency: c))
                series.append(s)
                if k == 0 { cost[m] = s.infeasible == nil ? Double(m) * s.mean / Double(b) : .infinity }
                done += 1
                progress(done, max(total, done))
            }
        }
        let sizes = plan.memorySizes
        if plan.adaptive {
            var next: Int? = sizes.isEmpty ? nil : 0
            var measured = Set<Int>()
            while let i = next {
                measureMemory(sizes[i])
                measured.insert(i)
                next = Self.nextIndex(sizes: sizes, measured: measured, cost: cost)
            }
        } else {
            for m in sizes { measureMemory(m) }
        }
        let cheapest = cost.filter { $0.value.isFinite }.min { $0.value < $1.value }?.key
        return ProfileReport(stage: stage, series: series, memoryOrder: order, cheapestMemoryMB: cheapest)
    }

    func adaptiveBudget(_ n: Int) -> Int { n <= 3 ? n : 3 + Int(ceil(log2(Double(n)))) * 2 }

    /// The next memory size to measure: both ends and the middle first; then, around the
    /// cheapest size measured so far (GB-seconds per item), the unmeasured size halfway into the
    /// wider of the two gaps to its measured neighbours. Nil when the cheapest size's measured
    /// neighbours are adjacent candidates: the optimum is bracketed (assuming cost is unimodal
    /// in memory, as for latency curves of the fitted families).
    static func nextIndex(sizes: [Int], measured: Set<Int>, cost: [Int: Double]) -> Int? {
        let n = sizes.count
        for i in [0, n - 1, (n - 1) / 2] where !measured.contains(i) { return i }
        let done = measured.sorted()
        guard let best = done.min(by: { (cost[sizes[$0]] ?? .infinity) < (cost[sizes[$1]] ?? .infinity) }) else { return nil }
        let left = done.last { $0 < best }, right = done.first { $0 > best }
        var gaps: [(Int, Int)] = []
        if let l = left, best - l > 1 { gaps.append((l, best)) }
        if let r = right, r - best > 1 { gaps.append((best, r)) }
        guard let gap = gaps.max(by: { log(Double(sizes[$0.1]) / Double(sizes[$0.0])) < log(Double(sizes[$1.1]) / Double(sizes[$1.0])) }) else { return nil }
        return (gap.0 + gap.1) / 2
    }
}
