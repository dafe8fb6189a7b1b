import TrimtabJob
import TrimtabModel

/// The checks job requests share; errors name the CLI flag (`--items`).
public enum JobRequestChecks {
    /// A plan file (`job plan -o`); another trimtab file is named for what it is.
    public static func plan(_ path: String) throws(TrimtabError) -> JobPlanFile {
        do {
            return try JobPlanFile.load(path: path)
        } catch {
            throw DocumentKind.misplaced(path, expected: .jobPlan) ?? error
        }
    }

    /// The most items a job request may name: 10¹², far beyond any batch job (a billion images is
    /// large); keeps the split, wave and cost arithmetic well inside Int and Double.
    public static let maxItems = 1_000_000_000_000

    /// `--items`: a positive count of at most `maxItems`.
    public static func items(_ value: Int) throws(TrimtabError) -> Int {
        let n = try positive(value, "--items")
        guard n <= maxItems else { throw TrimtabError(field: "--items", "\(n) is more than \(maxItems), the most items accepted") }
        return n
    }

    public static func positive(_ value: Int, _ flag: String) throws(TrimtabError) -> Int {
        guard value > 0 else { throw TrimtabError(field: flag, "\(value) must be positive") }
        return value
    }

    public static func positive(_ value: Double?, _ flag: String) throws(TrimtabError) -> Double? {
        guard let value else { return nil }
        guard value.isFinite, value > 0 else { throw TrimtabError(field: flag, "\(value) must be a positive number") }
        return value
    }

    /// The setup at `memoryMB`, or the model's only setup when not given.
    public static func setup(_ model: WorkerModel, memoryMB: Int?, file: String) throws(TrimtabError) -> WorkerSetup {
        if let m = memoryMB {
            guard let s = model.setup(memoryMB: m) else {
                throw TrimtabError(field: "--memory-mb", "\(m) is not in \(file) (has \(model.setups.map { String($0.memoryMB) }.joined(separator: ", ")))")
            }
            return s
        }
        guard model.setups.count == 1, let only = model.setups.first else {
            throw TrimtabError(field: "--memory-mb", "\(file) has several worker setups; choose one")
        }
        return only
    }

    /// The given split size, or the model's only candidate.
    public static func splitSize(_ model: WorkerModel, _ size: Int?, file: String) throws(TrimtabError) -> Int {
        if let size { return try positive(size, "--split-size") }
        guard model.splitSizes.count == 1, let only = model.splitSizes.first else {
            throw TrimtabError(field: "--split-size", "\(file) lists several split sizes; choose one")
        }
        return only
    }
}
