import ArgumentParser
import TrimtabModel

/// The help of `--arrivals`, the same in every command that takes it (`simulate`, `batch`); the
/// grammar is `ArrivalSpecification`'s, documented once in docs/arrivals.md.
enum ArrivalsHelp {
    /// The option's one-line help.
    static let option = ArgumentHelp("Arrival process: \(ArrivalSpecification.grammar) (see below).", valueName: "arrivals")

    /// The paragraph every command's discussion carries.
    static let discussion = """
        Arrivals (--arrivals; the same grammar in every command, docs/arrivals.md):
          poisson:RATE         Poisson, RATE requests per second
          trace:FILE[:SCALE]   requests per second, one integer per second (or a
                               .tbz2/.tar.bz2/.tar.gz archive of them), each count
                               × SCALE with the fractions carried; a .csv FILE
                               holds arrival timestamps in seconds (÷ SCALE)
          map:FILE:TRACE:HOUR  one hour's MAP from a file shaped like BATCH's
                               hourly_maps.json
        FILE may contain ':' (the trailing parts are read from the right).
        """
}
