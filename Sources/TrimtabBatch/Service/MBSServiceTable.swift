import Foundation
import TrimtabModel

/// A measured batch service-time table in MBS's format:
/// `{"service_time": {MEMORY: [[ms for batch 1, 2, …] for each size class]}}`.
public struct MBSServiceTable: Sendable {
    /// Ascending.
    public let memorySizes: [Int]
    /// `times[memoryIndex][sizeClass][batchSize − 1]` in ms.
    public let times: [[[Double]]]
    public let classCount: Int
    public let maxBatchSize: Int

    public init(memorySizes: [Int], times: [[[Double]]]) throws(TrimtabError) {
        guard !memorySizes.isEmpty, memorySizes.count == times.count else {
            throw TrimtabError(field: "service_time", "needs one table per memory size")
        }
        let classes = times[0].count
        let batches = times[0].first?.count ?? 0
        guard classes > 0, batches > 0 else { throw TrimtabError(field: "service_time", "a table must not be empty") }
        for (mi, table) in times.enumerated() {
            guard table.count == classes else {
                throw TrimtabError(field: "service_time.\(memorySizes[mi])", "has \(table.count) size classes, expected \(classes)")
            }
            for (ci, row) in table.enumerated() {
                guard row.count == batches else {
                    throw TrimtabError(field: "service_time.\(memorySizes[mi])[\(ci)]", "has \(row.count) batch sizes, expected \(batches)")
                }
                if let bad = row.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
                    throw TrimtabError(field: "service_time.\(memorySizes[mi])[\(ci)][\(bad)]", "\(row[bad]) must be a positive number of ms")
                }
            }
        }
        self.memorySizes = memorySizes
        self.times = times
        classCount = classes
        maxBatchSize = batches
    }

    /// Reads the JSON (or YAML) file; errors name the file and the field.
    public static func load(path: String) throws(TrimtabError) -> MBSServiceTable {
        do throws(TrimtabError) {
            let root = FieldReader(try Value.load(path: path))
            var rows: [(Int, [[Double]])] = []
            for (key, reader) in try root.required("service_time").entries() {
                guard let memory = Int(key), memory > 0 else {
                    throw TrimtabError(field: reader.path, "memory size '\(key)' is not a positive integer (MB)")
                }
                var table: [[Double]] = []
                for classReader in try reader.items() {
                    var row: [Double] = []
                    for item in try classReader.items() { row.append(try item.double()) }
                    table.append(row)
                }
                rows.append((memory, table))
            }
            rows.sort { $0.0 < $1.0 }
            return try MBSServiceTable(memorySizes: rows.map(\.0), times: rows.map(\.1))
        } catch {
            throw error.inFile(path)
        }
    }

    /// Service time (ms) of a batch of `batchSize` requests of `sizeClass` at `memoryMB`.
    public func latencyMs(memoryMB: Int, sizeClass: Int, batchSize: Int) -> Double? {
        guard let mi = memorySizes.firstIndex(of: memoryMB), sizeClass >= 0, sizeClass < classCount,
              batchSize >= 1, batchSize <= maxBatchSize else { return nil }
        return times[mi][sizeClass][batchSize - 1]
    }
}

/// Service of a buffer that takes requests of several size classes: a batch is served at the
/// speed of its largest request (as MBS does), so with class shares q_c (independent of one
/// another and of the arrival times) a batch of k has largest class c with probability
/// Q_c^k − Q_{c−1}^k, Q the cumulative share. One class: deterministic.
public struct SizeClassServiceModel: BatchServiceModel {
    public let table: MBSServiceTable
    /// (class, share), classes ascending, shares summing to 1.
    public let classes: [(sizeClass: Int, share: Double)]
    public var memorySizes: [Int] { table.memorySizes }
    public var maxBatchSize: Int { table.maxBatchSize }

    public init(table: MBSServiceTable, classes: [(sizeClass: Int, share: Double)]) throws(TrimtabError) {
        let total = classes.reduce(0) { $0 + $1.share }
        guard !classes.isEmpty, total > 0 else { throw TrimtabError(field: "classes", "at least one size class with a positive share is needed") }
        for c in classes where c.sizeClass < 0 || c.sizeClass >= table.classCount {
            throw TrimtabError(field: "--size-class", "\(c.sizeClass) is not a size class of the table (0–\(table.classCount - 1))")
        }
        self.table = table
        self.classes = classes.filter { $0.share > 0 }.sorted { $0.sizeClass < $1.sizeClass }.map { ($0.sizeClass, $0.share / total) }
    }

    public init(table: MBSServiceTable, sizeClass: Int) throws(TrimtabError) {
        try self.init(table: table, classes: [(sizeClass, 1)])
    }

    public func service(memoryMB: Int, batchSize: Int) -> [ServicePoint] {
        var points: [ServicePoint] = []
        var cumulative = 0.0
        var previous = 0.0
        for c in classes {
            cumulative += c.share
            let q = min(cumulative, 1)
            let powered = pow(q, Double(batchSize))
            let p = powered - previous
            previous = powered
            if p > 0, let t = table.latencyMs(memoryMB: memoryMB, sizeClass: c.sizeClass, batchSize: batchSize) {
                points.append(ServicePoint(latencyMs: t, probability: p))
            }
        }
        return points
    }
}
