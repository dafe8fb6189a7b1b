import ArgumentParser

/// `trimtab adapt`: placeholder until its issue lands.
struct AdaptCommand: ResultCommand {
    static let configuration = CommandConfiguration(commandName: "adapt", abstract: "Replay the adaptive loop on a trace (issue 6).")

    func execute() throws -> CommandResult {
        CommandResult(stderr: "trimtab adapt: not implemented yet\n", status: ExitStatus.badInput)
    }
}
