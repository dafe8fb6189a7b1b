import Foundation

/// A one-line progress bar on stderr (only when stderr is a terminal).
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private var last = ""
    private let unit: String

    init(unit: String = "splits") { self.unit = unit }

    func show(_ done: Int, _ total: Int) {
        lock.lock()
        defer { lock.unlock() }
        let width = 30
        let filled = total > 0 ? done * width / total : width
        let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(done)/\(total) \(unit)"
        guard line != last else { return }
        last = line
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if !last.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
