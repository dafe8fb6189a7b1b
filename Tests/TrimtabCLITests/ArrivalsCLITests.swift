import Foundation
import Testing
import TrimtabModel
@testable import TrimtabCLI

/// The one `--arrivals` grammar: the same help in every command that takes it, paths holding ':',
/// and `batch` reading `trace:` as `simulate` does.
@Suite struct ArrivalsCLITests {
    static let coarse = ["--timeouts-ms", "50,200,800,2000", "--max-latency-p95-ms", "3000"]

    @Test func everyCommandShowsTheSameArrivalsHelp() {
        for command in ["simulate", "batch"] {
            // Words only: the option's help is wrapped to the terminal.
            func words(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            let help = words(CLI.run([command, "--help"]).stdout)
            #expect(help.contains(words(ArrivalsHelp.discussion)), "\(command)")
            #expect(help.contains("--arrivals <arrivals> Arrival process: \(ArrivalSpecification.grammar) (see below)."), "\(command)")
        }
    }

    /// `forecast` and `adapt` name the trace and its scale in the same words, pointing at the grammar.
    @Test func traceAndScaleHelpIsShared() {
        func words(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        for command in ["forecast", "adapt"] {
            let help = words(CLI.run([command, "--help"]).stdout)
            #expect(help.contains(words(ArrivalsHelp.trace.abstract)), "\(command)")
            #expect(help.contains(words(ArrivalsHelp.scale.abstract)), "\(command)")
        }
    }

    /// A MAP file in a folder whose name holds ':' gives the same answer as the file itself.
    @Test func batchTakesAPathWithAColon() throws {
        let dir = NSTemporaryDirectory() + "maps:\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: reference("batch/hourly_maps.json"), toPath: dir + "/maps.json")
        let base = ["batch", "--mbs-table", reference("mbs/service_time_256.json"), "--size-class", "0", "--format", "json"] + Self.coarse
        let plain = CLI.run(base + ["--arrivals", "map:\(reference("batch/hourly_maps.json")):twitter:3"])
        let colon = CLI.run(base + ["--arrivals", "map:\(dir)/maps.json:twitter:3"])
        #expect(colon.status == 0, "\(colon.stderr)")
        #expect(colon.stdout == plain.stdout)
    }

    /// `batch --arrivals trace:FILE:SCALE` is Poisson at the scaled trace's mean rate: the same
    /// answer as `poisson:RATE` with RATE = ⌊scale × total⌋ / seconds, counted independently here.
    @Test func batchTakesATraceAsPoissonAtItsMeanRate() throws {
        let path = NSTemporaryDirectory() + "trace-\(UUID().uuidString).txt"
        try "30 50 41\n0 19\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let base = ["batch", "--mbs-table", reference("mbs/service_time_256.json"), "--size-class", "0", "--format", "json"] + Self.coarse
        let trace = CLI.run(base + ["--arrivals", "trace:\(path):0.5"])
        #expect(trace.status == 0, "\(trace.stderr)")
        let rate = Double((30 + 50 + 41 + 0 + 19) / 2) / 5  // 70 requests in 5 s
        let poisson = CLI.run(base + ["--arrivals", "poisson:\(rate)"])
        let a = try json(trace.stdout), b = try json(poisson.stdout)
        #expect(a["arrival_rate_rps"] as? Double == 14)
        #expect(a["memory_mb"] as? Int == b["memory_mb"] as? Int)
        #expect(a["batch_size"] as? Int == b["batch_size"] as? Int)
        #expect(a["batch_timeout_ms"] as? Double == b["batch_timeout_ms"] as? Double)
    }
}
