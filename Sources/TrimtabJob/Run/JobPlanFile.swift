import TrimtabModel

/// A plan written by `trimtab job plan -o PLAN.json` (or by hand): the worker setup and job
/// shape to run, and what the model predicted for it.
public struct JobPlanFile: Sendable, Equatable {
    public var memoryMB: Int
    public var splitSize: Int
    public var workers: Int
    /// CPUs per worker (a Ray actor's `num_cpus`; nil: 1). Local processes and Kubernetes pods ignore it.
    public var cpusPerWorker: Double?
    /// Items the plan was made for (nil when not given).
    public var items: Int?
    public var predictedMakespanS: Double?
    public var predictedCostUSD: Double?
    public var platform: Platform

    public init(memoryMB: Int, splitSize: Int, workers: Int, items: Int? = nil, predictedMakespanS: Double? = nil,
                predictedCostUSD: Double? = nil, platform: Platform = Platform()) {
        self.memoryMB = memoryMB
        self.splitSize = splitSize
        self.workers = workers
        self.items = items
        self.predictedMakespanS = predictedMakespanS
        self.predictedCostUSD = predictedCostUSD
        self.platform = platform
    }

    /// Reads a plan; an infeasible plan is refused (its `closest` option did not meet the target).
    public static func load(path: String) throws(TrimtabError) -> JobPlanFile {
        let value = try Value.load(path: path)
        do throws(TrimtabError) {
            let root = FieldReader(value)
            if let status = try root.optional("status"), try status.string() == "infeasible" {
                throw status.error("the plan is infeasible; replan with a looser target (its closest option is under 'closest')")
            }
            func positive(_ key: String) throws(TrimtabError) -> Int {
                let r = try root.required(key)
                let v = try r.int()
                guard v > 0 else { throw r.error("\(v) must be positive") }
                return v
            }
            var plan = JobPlanFile(memoryMB: try positive("memory_mb"), splitSize: try positive("split_size"), workers: try positive("workers"))
            plan.items = try root.optional("items")?.int()
            if let r = try root.optional("cpus_per_worker") {
                let cpus = try r.double()
                guard cpus > 0, cpus.isFinite else { throw r.error("\(cpus) must be positive") }
                plan.cpusPerWorker = cpus
            }
            if let p = try root.optional("predicted") {
                plan.predictedMakespanS = try p.optional("makespan_s")?.double()
                plan.predictedCostUSD = try p.optional("cost_usd")?.double()
            }
            plan.platform = try WorkerModelFile.parsePlatform(try root.optional("platform"))
            return plan
        } catch {
            throw error.inFile(path)
        }
    }
}
