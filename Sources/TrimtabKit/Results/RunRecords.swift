import Foundation
import TrimtabModel

/// The runs file `job run --record` appends to and `job fit` reads: a JSON list of measured jobs
/// in Obi-FaaS's `summary.json` fields (`num_images`, `num_task_managers`, `split_size`, `cost`,
/// `latency`, `duration_billed`, and for Ray `duration_init`/`duration_function`), plus what the
/// run was (`engine`, `cpus_per_worker`, `held_core_seconds`, `engine_default`), which `job fit`
/// ignores. A Ray run's billed duration is its core-seconds (CPUs × actor inits and batch times).
enum RunRecords {
    static func append(to path: String, result: JobRunOperation.Result, measured m: JobRunOperation.Measured) throws(TrimtabError) {
        var list: [Any] = []
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path),
                  let existing = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
                throw TrimtabError(file: path, "is not a JSON list of runs (the file --record appends to)")
            }
            list = existing
        }
        let billed = m.coreSeconds ?? m.workerSeconds ?? 0
        let processed = result.items - (result.itemsResumed ?? 0)
        var record: [String: Any] = [
            "engine": result.engine.rawValue, "num_images": processed, "num_task_managers": result.workers,
            "split_size": result.splitSize, "cost": m.costUSD, "latency": m.makespanS, "duration_billed": billed,
        ]
        if result.engine == .ray, let cpus = result.cpusPerWorker { record["cpus_per_worker"] = cpus }
        if let held = m.heldCoreSeconds { record["held_core_seconds"] = held }
        if let initCore = m.initCoreSeconds {
            record["duration_init"] = initCore
            record["duration_function"] = max(0, billed - initCore)
        }
        if result.engineDefault == true { record["engine_default"] = true }
        list.append(record)
        do {
            let data = try JSONSerialization.data(withJSONObject: list, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw TrimtabError(code: .io, file: path, "cannot write the runs file: \(error.localizedDescription)")
        }
    }
}
