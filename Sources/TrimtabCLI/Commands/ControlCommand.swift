import ArgumentParser

/// `trimtab control`: placeholder until its issue lands.
struct ControlCommand: ResultCommand {
    static let configuration = CommandConfiguration(commandName: "control", abstract: "Run the live control loop (issue 8).")

    func execute() throws -> CommandResult {
        CommandResult(stderr: "trimtab control: not implemented yet\n", status: ExitStatus.badInput)
    }
}
