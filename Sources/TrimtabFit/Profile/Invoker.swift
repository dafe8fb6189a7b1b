import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One setting of a profiling series.
public struct ProfileSetting: Sendable, Equatable, Hashable {
    public var memoryMB: Int
    public var batchSize: Int
    public var concurrency: Int
    public init(memoryMB: Int, batchSize: Int, concurrency: Int) {
        self.memoryMB = memoryMB
        self.batchSize = batchSize
        self.concurrency = concurrency
    }
}

/// The outcome of one invocation.
public enum InvocationOutcome: Sendable, Equatable {
    case success(latencyMs: Double)
    case failure(String)
}

/// Something `profile` can invoke: a local process, an HTTP endpoint, a Lambda function.
public protocol Invoker: Sendable {
    /// Makes the setting current (e.g. sets a function's memory); called before each series.
    func prepare(_ setting: ProfileSetting) throws
    /// One invocation, timed; must return within about `timeout` seconds.
    func invoke(_ setting: ProfileSetting, timeout: Double) -> InvocationOutcome
}

/// Runs a shell command per invocation (`/bin/sh -c`), with the payload on stdin and the
/// setting in `TRIMTAB_MEMORY_MB`, `TRIMTAB_BATCH_SIZE`, `TRIMTAB_CONCURRENCY`. Exit status 0 is success.
public struct CommandInvoker: Invoker {
    public var command: String
    public var payload: Data?
    public init(command: String, payload: Data?) {
        self.command = command
        self.payload = payload
    }

    public func prepare(_ setting: ProfileSetting) throws {}

    public func invoke(_ setting: ProfileSetting, timeout: Double) -> InvocationOutcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var env = ProcessInfo.processInfo.environment
        env["TRIMTAB_MEMORY_MB"] = String(setting.memoryMB)
        env["TRIMTAB_BATCH_SIZE"] = String(setting.batchSize)
        env["TRIMTAB_CONCURRENCY"] = String(setting.concurrency)
        process.environment = env
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        let start = DispatchTime.now()
        do { try process.run() } catch { return .failure("cannot start: \(error.localizedDescription)") }
        // A command that exits without reading its input must not kill us with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        if let payload { try? input.fileHandleForWriting.write(contentsOf: payload) }
        try? input.fileHandleForWriting.close()
        if done.wait(timeout: .now() + timeout) == .timedOut {
            // SIGKILL: started from a dispatch worker thread, the child may have SIGTERM blocked.
            kill(process.processIdentifier, SIGKILL)
            _ = done.wait(timeout: .now() + 2)
            return .failure("timed out after \(timeout) s")
        }
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        return process.terminationStatus == 0 ? .success(latencyMs: ms) : .failure("exit status \(process.terminationStatus)")
    }
}

/// POSTs the payload to a URL per invocation (URLSession from FoundationNetworking), with the
/// setting in `X-Trimtab-Memory-MB`, `X-Trimtab-Batch-Size` headers. A 2xx status is success.
public struct HTTPInvoker: Invoker {
    public var url: URL
    public var payload: Data
    public init(url: URL, payload: Data) {
        self.url = url
        self.payload = payload
    }

    public func prepare(_ setting: ProfileSetting) throws {}

    final class Box: @unchecked Sendable {
        var outcome: InvocationOutcome = .failure("no response")
    }

    public func invoke(_ setting: ProfileSetting, timeout: Double) -> InvocationOutcome {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = payload
        request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        request.setValue(String(setting.memoryMB), forHTTPHeaderField: "X-Trimtab-Memory-MB")
        request.setValue(String(setting.batchSize), forHTTPHeaderField: "X-Trimtab-Batch-Size")
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: config)
        defer { session.finishTasksAndInvalidate() }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let start = DispatchTime.now()
        let task = session.dataTask(with: request) { _, response, error in
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
            if let error {
                box.outcome = .failure(error.localizedDescription)
            } else if let http = response as? HTTPURLResponse {
                box.outcome = (200..<300).contains(http.statusCode) ? .success(latencyMs: ms) : .failure("HTTP \(http.statusCode)")
            }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 1) == .timedOut {
            task.cancel()
            return .failure("timed out after \(timeout) s")
        }
        return box.outcome
    }
}
