import Foundation
import TrimtabModel

/// The progress file of a local job run (JSON lines): a header naming the job (item count,
/// split size and a hash of the items), then one line per finished split with its results.
/// A rerun with `--resume` reads it and skips the splits already done; a last line cut short
/// by a kill is ignored.
final class RunState: @unchecked Sendable {
    let path: String
    private let handle: FileHandle

    struct Header: Equatable {
        var items: Int
        var splitSize: Int
        var itemsHash: String
    }

    /// FNV-1a 64 of the items, newline-separated.
    static func hash(_ items: [String]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for item in items {
            for byte in item.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            h = (h ^ 0x0A) &* 0x0000_0100_0000_01b3
        }
        return String(h, radix: 16)
    }

    /// Opens the state at `path`: resumes it when `resume` and it exists (returning the splits
    /// already done), creates it otherwise.
    static func open(path: String, header: Header, resume: Bool) throws(TrimtabError) -> (RunState, [Int: [String]]) {
        var done: [Int: [String]] = [:]
        let exists = FileManager.default.fileExists(atPath: path)
        if exists && !resume {
            throw TrimtabError(file: path, "a run's progress file exists; pass --resume to continue it, or remove it to start over")
        }
        if exists {
            guard let data = FileManager.default.contents(atPath: path) else { throw TrimtabError(code: .io, file: path, "cannot read") }
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
            guard let first = lines.first, let h = parseHeader(String(first)) else {
                throw TrimtabError(file: path, field: "line 1", "not a trimtab job progress file")
            }
            guard h == header else {
                throw TrimtabError(file: path, "the progress file is for another job (items \(h.items), split size \(h.splitSize), hash \(h.itemsHash)); remove it to start over")
            }
            for line in lines.dropFirst() {
                // A line cut short by a kill does not parse; its split is simply run again.
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let split = object["split"] as? Int, let results = object["results"] as? [String] else { continue }
                done[split] = results
            }
        } else {
            let text = headerLine(header)
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
                throw TrimtabError(code: .io, file: path, "cannot create the progress file")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw TrimtabError(code: .io, file: path, "cannot open for writing") }
        handle.seekToEndOfFile()
        return (RunState(path: path, handle: handle), done)
    }

    private init(path: String, handle: FileHandle) {
        self.path = path
        self.handle = handle
    }

    static func headerLine(_ h: Header) -> String {
        "{\"trimtab_job_state\":1,\"items\":\(h.items),\"split_size\":\(h.splitSize),\"items_hash\":\"\(h.itemsHash)\"}\n"
    }

    static func parseHeader(_ line: String) -> Header? {
        guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], o["trimtab_job_state"] as? Int == 1,
              let items = o["items"] as? Int, let size = o["split_size"] as? Int, let hash = o["items_hash"] as? String else { return nil }
        return Header(items: items, splitSize: size, itemsHash: hash)
    }

    /// Appends a finished split (one write, so a kill leaves at most one partial last line).
    func record(split: Int, results: [String]) {
        guard let data = try? JSONSerialization.data(withJSONObject: ["split": split, "results": results] as [String: Any]) else { return }
        handle.write(data + Data("\n".utf8))
    }

    func close() { try? handle.close() }
}
