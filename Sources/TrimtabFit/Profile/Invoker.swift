import Foundation

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

/// Something `profile` can invoke: a local process (`CommandInvoker`), an HTTP endpoint or a Lambda
/// function (the CLI's invokers, over the adapters' one HTTP client).
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
