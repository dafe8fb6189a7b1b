import TrimtabModel

/// Request-size classes split into contiguous ranges of equal load, as MBS splits them: a class
/// that straddles a boundary is shared by two buffers in proportion.
public enum BufferSplit {
    /// `loads[c]`: the load share of class c. Returns, per buffer, its (class, load share) pairs.
    public static func equalLoad(_ loads: [Double], buffers n: Int) -> [[(sizeClass: Int, share: Double)]] {
        let total = loads.reduce(0, +)
        guard n >= 1, total > 0 else { return [] }
        let target = total / Double(n)
        var result: [[(sizeClass: Int, share: Double)]] = [[]]
        var room = target
        for (c, load) in loads.enumerated() {
            var left = load
            while left > 1e-15 {
                if result.count == n { result[n - 1].append((c, left)); break }  // rounding remainder
                let part = min(left, room)
                if part > 1e-15 { result[result.count - 1].append((c, part)) }
                left -= part
                room -= part
                if room <= 1e-12 * total && result.count < n {
                    result.append([])
                    room = target
                }
            }
        }
        return result.filter { !$0.isEmpty }
    }

    /// Reads MBS's `requests_and_loads` file and returns the class loads of its 1-buffer entry.
    public static func loadClassLoads(path: String) throws(TrimtabError) -> [Double] {
        do throws(TrimtabError) {
            let root = FieldReader(try Value.load(path: path))
            let one = try root.required("1")
            let loadLists = try one.required("load").items()
            let classLists = try one.required("requests").items()
            guard let loads = loadLists.first, let classes = classLists.first else {
                throw one.error("needs one list of loads and one of requests")
            }
            let loadValues = try loads.items()
            let classValues = try classes.items()
            guard loadValues.count == classValues.count else {
                throw loads.error("has \(loadValues.count) loads for \(classValues.count) classes")
            }
            var byClass: [Int: Double] = [:]
            for (l, c) in zip(loadValues, classValues) {
                let value = try l.double()
                guard value >= 0 else { throw l.error("\(value) must not be negative") }
                let cls = try c.int()
                guard cls >= 0 else { throw c.error("\(cls) is not a class index") }
                byClass[cls, default: 0] += value
            }
            let maxClass = byClass.keys.max() ?? 0
            return (0...maxClass).map { byClass[$0] ?? 0 }
        } catch {
            throw error.inFile(path)
        }
    }
}
