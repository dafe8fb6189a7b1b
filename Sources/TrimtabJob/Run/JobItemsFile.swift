import Foundation
import TrimtabModel

/// The items file every `job run` engine reads: one item per line. Empty lines are refused (in
/// the worker protocol of the local engine and the Kubernetes pods an empty line ends a split).
public enum JobItemsFile {
    /// The items of the file at `path`, in order (a final newline is optional; `\r\n` is read as `\n`).
    /// - Complexity: O(bytes).
    public static func read(_ path: String) throws(TrimtabError) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw TrimtabError(code: .io, file: path, "cannot read the file") }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        if lines.last == "" { lines.removeLast() }
        if let i = lines.firstIndex(of: "") {
            throw TrimtabError(file: path, field: "line \(i + 1)", "an item must not be empty (an empty line ends a split in the worker protocol)")
        }
        guard !lines.isEmpty else { throw TrimtabError(file: path, "has no items") }
        return lines
    }
}
