import ArgumentParser

/// `trimtab fit`: placeholder until its issue lands.
struct FitCommand: ResultCommand {
    static let configuration = CommandConfiguration(commandName: "fit", abstract: "Fit latency curves to measurements (issue 3).")

    func execute() throws -> CommandResult {
        CommandResult(stderr: "trimtab fit: not implemented yet\n", status: ExitStatus.badInput)
    }
}
