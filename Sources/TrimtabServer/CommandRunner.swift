import TrimtabModel

/// What a `trimtab` command printed, its exit status and the outcome's code (`nil` for success).
public struct CommandOutput: Sendable, Equatable {
    public var stdout: String
    public var stderr: String
    public var status: Int32
    /// The kind of failure; the server answers with its HTTP status (`TrimtabError.Code.statuses(of:)`).
    public var code: TrimtabError.Code?

    /// An output; its code is the one the exit status stands for unless given.
    public init(stdout: String, stderr: String, status: Int32, code: TrimtabError.Code? = nil) {
        self.stdout = stdout
        self.stderr = stderr
        self.status = status
        self.code = code ?? TrimtabError.Code.code(forExitStatus: status)
    }
}

/// Runs a `trimtab` command in-process. The server answers requests through the same command
/// layer as the CLI, so both give the same answers, the same JSON and the same errors.
public typealias CommandRunner = @Sendable ([String]) -> CommandOutput
