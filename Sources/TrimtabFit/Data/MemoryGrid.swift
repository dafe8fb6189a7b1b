import TrimtabModel

/// Memory sizes given on the command line: `128:10240:64` (from:to:step), `128,512,1024`,
/// or a mix (`128,256:1024:256`).
public enum MemoryGrid {
    /// - Complexity: O(sizes).
    public static func parse(_ text: String, field: String = "--memory") throws(TrimtabError) -> [Int] {
        var sizes = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            switch pieces.count {
            case 1:
                guard let m = pieces[0], m > 0 else { throw TrimtabError(field: field, "'\(part)' is not a positive memory size (MB)") }
                sizes.insert(m)
            case 3:
                guard let a = pieces[0], let b = pieces[1], let s = pieces[2], a > 0, b >= a, s > 0 else {
                    throw TrimtabError(field: field, "'\(part)' is not FROM:TO:STEP with 0 < FROM ≤ TO and STEP > 0")
                }
                guard (b - a) / s < 100_000 else { throw TrimtabError(field: field, "'\(part)' has more than 100000 sizes") }
                var m = a
                while m <= b { sizes.insert(m); m += s }
            default:
                throw TrimtabError(field: field, "'\(part)' is not a size or FROM:TO:STEP")
            }
        }
        return sizes.sorted()
    }
}
