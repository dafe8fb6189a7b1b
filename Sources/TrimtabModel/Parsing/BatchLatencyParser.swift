import Foundation

extension WorkflowParser {
    /// Reads `latency_ms` and the extension `latency_ms_by_batch: {BATCH: {MEMORY: ms}}`.
    ///
    /// Either may be absent but not both. Without `latency_ms`, the table of the smallest batch
    /// size stands for it (what an unbatched plan uses). Every batch row must list the same memory
    /// sizes, so that every memory size has a latency at every batch size.
    static func parseLatencyTables(_ table: FieldReader?, _ batchTable: FieldReader?, at owner: FieldReader,
                                   quantity: String = "latency") throws(TrimtabError) -> ([LatencyPoint], [BatchLatencyTable]) {
        var batches: [BatchLatencyTable] = []
        if let batchTable {
            let entries = try batchTable.entries()
            guard !entries.isEmpty else { throw batchTable.error("a batch latency table must not be empty") }
            var seen = Set<Int>()
            for (key, rowReader) in entries {
                guard let size = Int(key.trimmingCharacters(in: .whitespaces)), size > 0 else {
                    throw TrimtabError(field: rowReader.path, "batch size '\(key)' is not a positive integer")
                }
                guard seen.insert(size).inserted else { throw rowReader.error("duplicate batch size \(size)") }
                batches.append(BatchLatencyTable(batchSize: size, latency: try parseLatencyTable(rowReader, quantity: quantity)))
            }
            batches.sort { $0.batchSize < $1.batchSize }
            if let first = batches.first {
                let memories = first.latency.map(\.memoryMB)
                for row in batches.dropFirst() where row.latency.map(\.memoryMB) != memories {
                    throw TrimtabError(field: "\(batchTable.path).\(row.batchSize)",
                                       "lists memory sizes \(row.latency.map(\.memoryMB)) but batch size \(first.batchSize) lists \(memories)")
                }
            }
        }
        if let table { return (try parseLatencyTable(table), batches) }
        guard let first = batches.first else {
            throw TrimtabError(field: "\(owner.path).latency_ms", "is required (or latency_ms_by_batch)")
        }
        return (first.latency, batches)
    }

    /// Reads the extension `throughput_rps_by_batch: {BATCH: {MEMORY: requests/s}}` of a variant:
    /// every batch size and memory size must be one of `variant`'s latency table, every value positive.
    static func parseThroughputTable(_ reader: FieldReader, of variant: Variant) throws(TrimtabError) -> [BatchLatencyTable] {
        let (_, rows) = try parseLatencyTables(nil, reader, at: reader, quantity: "throughput")
        let memories = Set(variant.latency.map(\.memoryMB))
        for row in rows {
            let field = "\(reader.path).\(row.batchSize)"
            guard variant.batchSizes.contains(row.batchSize) else {
                throw TrimtabError(field: field, "batch size \(row.batchSize) is not in latency_ms_by_batch (\(variant.batchSizes.map(String.init).joined(separator: ", ")))")
            }
            if let stray = row.latency.first(where: { !memories.contains($0.memoryMB) }) {
                throw TrimtabError(field: "\(field).\(stray.memoryMB)", "is not a size of the latency table")
            }
        }
        return rows
    }
}
