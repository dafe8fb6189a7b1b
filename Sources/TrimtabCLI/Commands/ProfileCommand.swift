import ArgumentParser

/// `trimtab profile`: placeholder until its issue lands.
struct ProfileCommand: ResultCommand {
    static let configuration = CommandConfiguration(commandName: "profile", abstract: "Measure a real function (issue 3).")

    func execute() throws -> CommandResult {
        CommandResult(stderr: "trimtab profile: not implemented yet\n", status: ExitStatus.badInput)
    }
}
