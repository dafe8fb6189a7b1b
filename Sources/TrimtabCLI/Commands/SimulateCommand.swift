import ArgumentParser

/// `trimtab simulate`: placeholder until its issue lands.
struct SimulateCommand: ResultCommand {
    static let configuration = CommandConfiguration(commandName: "simulate", abstract: "Simulate a workflow under load (issue 4).")

    func execute() throws -> CommandResult {
        CommandResult(stderr: "trimtab simulate: not implemented yet\n", status: ExitStatus.badInput)
    }
}
