import ArgumentParser

/// `trimtab forecast`: placeholder until its issue lands.
struct ForecastCommand: ResultCommand {
    static let configuration = CommandConfiguration(commandName: "forecast", abstract: "Forecast load from a trace (issue 6).")

    func execute() throws -> CommandResult {
        CommandResult(stderr: "trimtab forecast: not implemented yet\n", status: ExitStatus.badInput)
    }
}
