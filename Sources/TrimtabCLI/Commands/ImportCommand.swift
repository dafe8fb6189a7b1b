import ArgumentParser

/// `trimtab import`: placeholder until its issue lands.
struct ImportCommand: ResultCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import workflows from other tools (issue 3).")

    func execute() throws -> CommandResult {
        CommandResult(stderr: "trimtab import: not implemented yet\n", status: ExitStatus.badInput)
    }
}
