import Foundation

extension Stage {
    /// Reads the extension key `batch_timeouts_ms: [ms, …]` of a stage (candidate batch timeouts
    /// for planning with batching). Only meaningful with `latency_ms_by_batch`.
    func withBatchTimeouts(from reader: FieldReader) throws(TrimtabError) -> Stage {
        guard let list = try reader.optional("batch_timeouts_ms") else { return self }
        let items = try list.items()
        guard !items.isEmpty else { throw list.error("must list at least one timeout") }
        var values: [Double] = []
        for item in items {
            let t = try item.double()
            guard t > 0 else { throw item.error("\(t) must be a positive number of ms") }
            values.append(t)
        }
        guard variants.contains(where: { !$0.batchLatency.isEmpty }) else {
            throw list.error("needs latency_ms_by_batch (the stage has no batch dimension)")
        }
        var copy = self
        copy.batchTimeoutsMs = Array(Set(values)).sorted()
        return copy
    }
}
