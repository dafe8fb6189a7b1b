import ArgumentParser

/// `trimtab history`: placeholder until its issue lands.
struct HistoryCommand: ResultCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Show the control loop's history (issue 8).")

    func execute() throws -> CommandResult {
        CommandResult(stderr: "trimtab history: not implemented yet\n", status: ExitStatus.badInput)
    }
}
