import ArgumentParser
import TrimtabModel

/// The help of `--arrivals`, the same in every command that takes it (`simulate`, `batch`); the
/// grammar is `ArrivalSpecification`'s, documented once in docs/arrivals.md.
enum ArrivalsHelp {
    /// The option's one-line help.
    static let option = ArgumentHelp("Arrival process: \(ArrivalSpecification.grammar) (see below).", valueName: "arrivals")

    /// `--trace` of `forecast` and `adapt`: the file `trace:FILE` names, read by the same reader.
    static let trace = ArgumentHelp("The trace: requests per second, one integer per second (or a .tbz2/.tar.bz2/.tar.gz archive holding one), as --arrivals trace:FILE reads it.")

    /// `--scale` of `forecast` and `adapt`: SCALE of `trace:FILE:SCALE`.
    static let scale = ArgumentHelp("Multiply every count by this factor, fractions carried from second to second, as --arrivals trace:FILE:SCALE does (IPA: 0.125 for Twitter).")

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
