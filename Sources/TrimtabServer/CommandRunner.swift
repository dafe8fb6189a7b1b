/// What a `trimtab` command printed and its exit status.
public struct CommandOutput: Sendable, Equatable {
    public var stdout: String
    public var stderr: String
    public var status: Int32

    public init(stdout: String, stderr: String, status: Int32) {
        self.stdout = stdout
        self.stderr = stderr
        self.status = status
    }
}

/// Runs a `trimtab` command in-process. The server answers requests through the same command
/// layer as the CLI, so both give the same answers, the same JSON and the same errors.
public typealias CommandRunner = @Sendable ([String]) -> CommandOutput
