import ArgumentParser

/// `trimtab batch`: placeholder until its issue lands.
struct BatchCommand: ResultCommand {
    static let configuration = CommandConfiguration(commandName: "batch", abstract: "Choose memory, batch size and timeout for one function (issue 5).")

    func execute() throws -> CommandResult {
        CommandResult(stderr: "trimtab batch: not implemented yet\n", status: ExitStatus.badInput)
    }
}
