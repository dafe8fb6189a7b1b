import Foundation
import TrimtabModel

/// One measured job, as in Obi-FaaS's `summary.json`.
public struct JobRun: Sendable, Equatable {
    public var items: Int
    public var workers: Int
    public var splitSize: Int
    public var costUSD: Double
    public var makespanS: Double
    /// Billed worker seconds, split into init and function time when known.
    public var billedS: Double?
    public var initS: Double?
    public var functionS: Double?

    public init(items: Int, workers: Int, splitSize: Int, costUSD: Double, makespanS: Double,
                billedS: Double? = nil, initS: Double? = nil, functionS: Double? = nil) {
        self.items = items
        self.workers = workers
        self.splitSize = splitSize
        self.costUSD = costUSD
        self.makespanS = makespanS
        self.billedS = billedS
        self.initS = initS
        self.functionS = functionS
    }

    public var shape: JobShape { JobShape(items: items, splitSize: splitSize, workers: workers) }

    /// Reads a list of runs: `num_images`, `num_task_managers`, `split_size`, `cost`, `latency`,
    /// and optionally `duration_billed`, `duration_init`, `duration_function` (other fields are ignored).
    public static func load(path: String) throws(TrimtabError) -> [JobRun] {
        let value = try Value.load(path: path)
        do throws(TrimtabError) {
            var runs: [JobRun] = []
            for item in try FieldReader(value).items() {
                runs.append(try parse(item))
            }
            guard runs.count >= 3 else { throw TrimtabError("needs at least 3 measured jobs to fit, found \(runs.count)") }
            return runs
        } catch {
            throw error.inFile(path)
        }
    }

    static func parse(_ r: FieldReader) throws(TrimtabError) -> JobRun {
        func positiveInt(_ key: String) throws(TrimtabError) -> Int {
            let f = try r.required(key)
            let v = try f.int()
            guard v > 0 else { throw f.error("\(v) must be positive") }
            return v
        }
        func positive(_ key: String) throws(TrimtabError) -> Double {
            let f = try r.required(key)
            let v = try f.double()
            guard v > 0 else { throw f.error("\(v) must be positive") }
            return v
        }
        func optional(_ key: String) throws(TrimtabError) -> Double? {
            guard let f = try r.optional(key) else { return nil }
            let v = try f.double()
            guard v >= 0 else { throw f.error("\(v) must not be negative") }
            return v
        }
        return JobRun(items: try positiveInt("num_images"), workers: try positiveInt("num_task_managers"),
                      splitSize: try positiveInt("split_size"), costUSD: try positive("cost"), makespanS: try positive("latency"),
                      billedS: try optional("duration_billed"), initS: try optional("duration_init"),
                      functionS: try optional("duration_function"))
    }
}
