import Foundation
import TrimtabBatch
import TrimtabModel

/// `trimtab-bench batch [BOUND_MS] [SIZE_CLASS]`: for each of the 24 Twitter hours (BATCH's MAP
/// fits), the exact optimum of one function over the full grid (MBS's DeepSpeech table, every
/// memory × B 1–25 × the default timeouts) — its time, its cost against no batching at the same
/// p95 bound — and the quality of a 60-evaluation random search over the same grid (10 seeds).
extension Bench {
    // CPU seconds: `cpuSeconds()` of SimBench.swift (getrusage, all threads).

    static func batchBench(_ args: [String]) throws {
        let bound = args.first.flatMap(Double.init) ?? 3000
        let sizeClass = args.count > 1 ? Int(args[1]) ?? 0 : 0
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let reference = root + "/../shared/reference/"
        let maps = try HourlyMAPs.load(path: reference + "batch/hourly_maps.json")
        let table = try MBSServiceTable.load(path: reference + "mbs/service_time_256.json")
        let service = try SizeClassServiceModel(table: table, sizeClass: sizeClass)
        let platform = Platform()
        let grid = BatchGrid(memorySizes: table.memorySizes, batchSizes: Array(1...table.maxBatchSize))
        let goal = BatchGoal.minimizeCost(maxLatencyPercentileMs: bound)
        let seeds: [UInt64] = Array(1...10)
        let bayesSeeds: [UInt64] = Array(1...5)
        var bayesGaps: [Double] = [], bayesMisses = 0, bayesTimes: [Double] = []
        say("batch: Twitter MAPs, MBS DeepSpeech table size class \(sizeClass), p95 ≤ \(bound) ms, 1 ms billing")
        say("grid: \(grid.memorySizes.count) memory sizes × B 1–\(table.maxBatchSize) × \(grid.timeoutsMs.count) timeouts = \(grid.count) configurations")
        say("random search: 60 evaluations per run, \(seeds.count) seeds per hour; Bayesian search: 60 evaluations, \(bayesSeeds.count) seeds per hour")
        say("gap = cost of the best feasible configuration found / exact optimum − 1")
        say("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, shared with other builds (times are pessimistic)\n")
        say("hour  rate/s  memory  B  T_ms   p95_ms   cost/1M  B=1 cost/1M  saving  exact_s  cpu_s  random_s  gap_mean  gap_worst  no_feasible  bayes_s  bayes_gap_mean  bayes_gap_worst")
        var times: [Double] = [], cpuTimes: [Double] = [], savings: [Double] = [], gaps: [Double] = [], misses = 0, randomTimes: [Double] = []
        for hour in maps.hours(of: "twitter") {
            let process = try maps.process(trace: "twitter", hour: hour)
            let start = now()
            let cpuStart = cpuSeconds()
            let evaluator = BatchGridEvaluator(process: process, grid: grid)
            let all = evaluator.evaluateAll(service: service, platform: platform)
            let plan = BatchGridEvaluator.select(all, goal: goal)
            let elapsed = now() - start
            let cpu = cpuSeconds() - cpuStart
            times.append(elapsed)
            cpuTimes.append(cpu)
            let unbatched = BatchGridEvaluator.select(all.filter { $0.batchSize == 1 }, goal: goal)
            guard let best = plan.best else { say(hour, "infeasible"); continue }
            var hourGaps: [Double] = []
            var hourMisses = 0
            let randomStart = now()
            for seed in seeds {
                let found = RandomGridSearch(process: process, grid: grid).search(service: service, platform: platform, goal: goal,
                                                                                 budget: 60, seed: seed)
                if let f = found.best { hourGaps.append(f.costPerMillion / best.costPerMillion - 1) } else { hourMisses += 1 }
            }
            randomTimes.append((now() - randomStart) / Double(seeds.count))
            var hourBayes: [Double] = []
            let bayesStart = now()
            for seed in bayesSeeds {
                let found = BayesianGridSearch(process: process, grid: grid).search(service: service, platform: platform,
                                                                                   maxLatencyPercentileMs: bound, budget: 60, seed: seed)
                if let f = found.best { hourBayes.append(f.costPerMillion / best.costPerMillion - 1) } else { bayesMisses += 1 }
            }
            bayesTimes.append((now() - bayesStart) / Double(bayesSeeds.count))
            bayesGaps += hourBayes
            gaps += hourGaps
            misses += hourMisses
            let saving = unbatched.best.map { $0.costPerMillion / best.costPerMillion }
            if let saving { savings.append(saving) }
            let meanGap = hourGaps.isEmpty ? Double.nan : hourGaps.reduce(0, +) / Double(hourGaps.count)
            say(String(format: "%4@  %6.2f  %6d %2d %5.0f  %7.1f  %8.4f  %11@  %6@  %7.3f  %5.3f  %8.3f  %7.1f%%  %8.1f%%  %d/%d  %7.3f  %13.1f%%  %14.1f%%",
                       hour as NSString, process.rate, best.memoryMB, best.batchSize, best.timeoutMs, best.latencyPercentileMs,
                       best.costPerMillion, (unbatched.best.map { String(format: "%.4f", $0.costPerMillion) } ?? "infeasible") as NSString,
                       (saving.map { String(format: "%.2f×", $0) } ?? "-") as NSString, elapsed, cpu, randomTimes.last ?? 0,
                       meanGap * 100, (hourGaps.max() ?? .nan) * 100, hourMisses, seeds.count, bayesTimes.last ?? 0,
                       hourBayes.reduce(0, +) / Double(max(hourBayes.count, 1)) * 100, (hourBayes.max() ?? .nan) * 100))
        }
        let sortedTimes = times.sorted()
        say("")
        let sortedCPU = cpuTimes.sorted()
        say(String(format: "exact optimum over the grid: wall median %.3f s, max %.3f s per hour; CPU (both cores) median %.3f s, max %.3f s",
                   sortedTimes[sortedTimes.count / 2], sortedTimes.last ?? 0, sortedCPU[sortedCPU.count / 2], sortedCPU.last ?? 0))
        say(String(format: "random search (60 evaluations): median %.3f s per run; gap to the exact optimum mean %.1f%%, worst %.1f%%; %d of %d runs found nothing feasible",
                   randomTimes.sorted()[randomTimes.count / 2], gaps.reduce(0, +) / Double(max(gaps.count, 1)) * 100, (gaps.max() ?? 0) * 100,
                   misses, times.count * seeds.count))
        say(String(format: "Bayesian search (60 evaluations): median %.3f s per run; gap to the exact optimum mean %.1f%%, worst %.1f%%; %d of %d runs found nothing feasible",
                   bayesTimes.sorted()[bayesTimes.count / 2], bayesGaps.reduce(0, +) / Double(max(bayesGaps.count, 1)) * 100, (bayesGaps.max() ?? 0) * 100,
                   bayesMisses, times.count * bayesSeeds.count))
        say(String(format: "saving of the optimum over no batching at the same p95 bound: %.2f× to %.2f×", savings.min() ?? 0, savings.max() ?? 0))
    }
}
