import ArgumentParser

/// `trimtab job`: placeholder until its issue lands.
struct JobCommand: ResultCommand {
    static let configuration = CommandConfiguration(commandName: "job", abstract: "Plan, fit, simulate and run offline batch jobs (issue 7).")

    func execute() throws -> CommandResult {
        CommandResult(stderr: "trimtab job: not implemented yet\n", status: ExitStatus.badInput)
    }
}
