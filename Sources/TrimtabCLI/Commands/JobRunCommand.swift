import ArgumentParser
struct JobRunCommand: ResultCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a job locally.")
    func execute() throws -> CommandResult { CommandResult(stderr: "trimtab: job run: not implemented yet\n", status: 2) }
}
struct JobManifestCommand: ResultCommand {
    static let configuration = CommandConfiguration(commandName: "manifest", abstract: "Kubernetes Indexed Job.")
    func execute() throws -> CommandResult { CommandResult(stderr: "x\n", status: 2) }
}
