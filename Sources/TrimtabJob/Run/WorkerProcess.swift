import Foundation
#if canImport(Glibc)
import Glibc
private let signalProcess: @Sendable (pid_t, Int32) -> Int32 = { Glibc.kill($0, $1) }
#elseif canImport(Darwin)
import Darwin
private let signalProcess: @Sendable (pid_t, Int32) -> Int32 = { Darwin.kill($0, $1) }
#endif

/// Spawns are serialised so that no child inherits another worker's pipe ends (a worker
/// holding a sibling's stdout open would hide the sibling's exit).
private let spawnLock = NSLock()

/// One long-lived worker process speaking the split protocol on its stdin/stdout:
/// a split is its items, one per line, followed by an empty line; the worker answers one line
/// per item, in order. The process runs `/bin/sh -c COMMAND`; Foundation starts it as the leader
/// of its own process group, so signalling the group stops everything the command started.
final class WorkerProcess: @unchecked Sendable {
    let process: Process
    private let input: Int32
    private let output: Int32
    private var buffer: [UInt8] = []
    private var eof = false
    private var stopped = false
    let startedAt: Date
    /// Whether the worker closed its stdout (it exited) — as opposed to a timeout.
    var closedOutput: Bool { eof }
    /// Splits answered by this process.
    var splitsDone = 0

    init(command: String, logPath: String?) throws {
        // Everything that creates descriptors happens under the lock: a pipe created by another
        // slot while this child is spawned would leak into it.
        spawnLock.lock()
        defer { spawnLock.unlock() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        if let logPath {
            let fd = open(logPath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            if fd >= 0 { process.standardError = FileHandle(fileDescriptor: fd, closeOnDealloc: true) }
        } else {
            process.standardError = FileHandle.nullDevice
        }
        do {
            try process.run()
        } catch {
            try? stdinPipe.fileHandleForWriting.close()
            try? stdoutPipe.fileHandleForReading.close()
            try? stdinPipe.fileHandleForReading.close()
            try? stdoutPipe.fileHandleForWriting.close()
            throw error
        }
        self.process = process
        self.startedAt = Date()
        // Keep close-on-exec copies of our ends; close everything else of the pipes here.
        input = fcntl(stdinPipe.fileHandleForWriting.fileDescriptor, F_DUPFD_CLOEXEC, 0)
        output = fcntl(stdoutPipe.fileHandleForReading.fileDescriptor, F_DUPFD_CLOEXEC, 0)
        try? stdinPipe.fileHandleForWriting.close()
        try? stdoutPipe.fileHandleForReading.close()
        try? stdinPipe.fileHandleForReading.close()
        try? stdoutPipe.fileHandleForWriting.close()
    }

    /// Sends a split; false when the worker is gone (broken pipe).
    func send(_ items: ArraySlice<String>) -> Bool {
        var text = items.joined(separator: "\n")
        text += items.isEmpty ? "\n" : "\n\n"
        let bytes = Array(text.utf8)
        let total = bytes.count
        var offset = 0
        while offset < total {
            let start = offset
            let n = bytes.withUnsafeBytes { raw in
                write(input, raw.baseAddress.map { $0 + start }, total - start)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Reads `count` lines; nil when the worker exits first or `timeout` seconds pass.
    func receive(_ count: Int, timeout: Double?) -> [String]? {
        var lines: [String] = []
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        while lines.count < count {
            if let i = buffer.firstIndex(of: 0x0A) {
                lines.append(String(decoding: buffer[..<i], as: UTF8.self))
                buffer.removeSubrange(...i)
                continue
            }
            if eof { return nil }
            var waitMs: Int32 = -1
            if let deadline {
                let left = deadline.timeIntervalSinceNow
                if left <= 0 { return nil }
                waitMs = Int32(min(left * 1000, 1_000_000).rounded(.up))
            }
            var fds = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fds, 1, waitMs)
            if ready < 0 { if errno == EINTR { continue } else { return nil } }
            if ready == 0 { return nil }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { read(output, $0.baseAddress, 65536) }
            if n < 0 { if errno == EINTR { continue } else { return nil } }
            if n == 0 { eof = true; continue }
            buffer.append(contentsOf: chunk[..<n])
        }
        return lines
    }

    /// Closes stdin (the worker should exit) and waits up to `grace` seconds, then kills its group.
    func stop(grace: Double = 2) {
        guard !stopped else { return }
        stopped = true
        close(input)
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning { kill(SIGKILL) }
        process.waitUntilExit()
        close(output)
    }

    /// Sends `signal` to the worker's process group (or the process when it has none of its own).
    func kill(_ signal: Int32 = SIGTERM) {
        let pid = process.processIdentifier
        guard pid > 0 else { return }
        _ = signalProcess(getpgid(pid) == pid ? -pid : pid, signal)
    }
}
