import Foundation
import Testing
import TrimtabModel

/// The one per-second trace reader: parsing, overflow, and scaling with the fractions carried.
@Suite struct PerSecondTraceTests {
    @Test func parsesCountsAndNamesTheBadLine() throws {
        #expect(try PerSecondTrace.parse(Data("3 0,2\n1\r\n".utf8)) == [3, 0, 2, 1])
        #expect(throws: TrimtabError(field: "line 2", "'-' is not part of a non-negative integer count")) {
            try PerSecondTrace.parse(Data("1\n-2\n".utf8))
        }
    }

    /// 2³¹ − 1 is the largest count; one more is an error naming the line, not a wrapped number.
    @Test func aCountBeyond32BitsIsAnErrorNotAWrap() throws {
        #expect(try PerSecondTrace.parse(Data("2147483647\n".utf8)) == [Int32.max])
        #expect(throws: TrimtabError(field: "line 2", "a count is larger than 2147483647")) {
            try PerSecondTrace.parse(Data("1\n2147483648\n".utf8))
        }
        #expect(throws: TrimtabError.self) { try PerSecondTrace.parse(Data("99999999999999999999999".utf8)) }
    }

    /// Oracle: with scale p/q every prefix of the scaled trace holds ⌊p · prefix / q⌋ requests, in
    /// integer arithmetic. Flooring each second instead would lose up to one request per second.
    @Test func scalingCarriesFractionsExactly() throws {
        var rng = SystemRandomNumberGenerator()
        let counts = (0..<5_000).map { _ in Int32.random(in: 0...37, using: &rng) }
        let trace = PerSecondTrace(counts: counts)
        for (p, q) in [(1, 8), (1, 2), (3, 4), (5, 1)] {
            let scaled = try trace.scaled(by: Double(p) / Double(q))
            var prefix = 0, scaledPrefix = 0.0
            for (c, s) in zip(counts, scaled) {
                prefix += Int(c)
                scaledPrefix += s
                #expect(scaledPrefix == Double(p * prefix / q))
                #expect(s == s.rounded() && s >= 0)
            }
        }
        // A scale that is not a binary fraction: the total is within one request of scale × total.
        let total = Double(trace.total)
        let tenth = try trace.scaled(by: 0.1).reduce(0, +)
        #expect(abs(tenth - 0.1 * total) <= 1)
        #expect(try PerSecondTrace(counts: [3, 0, 2, 1]).scaled(by: 0.5) == [1, 0, 1, 1])
    }

    @Test func badScalesAreRejected() {
        let trace = PerSecondTrace(counts: [Int32.max, Int32.max])
        for bad in [0, -1, Double.nan, .infinity] {
            #expect(throws: TrimtabError.self) { try trace.scaled(by: bad) }
        }
        #expect(throws: TrimtabError(field: "--scale", "10000000.0 makes the trace hold more than 2^53 requests")) {
            try trace.scaled(by: 1e7)
        }
    }

    /// The reference Twitter trace, read from its archive: 1,899,061 seconds, maximum 388 (reference
    /// README); at scale 1/8 it holds ⌊total / 8⌋ requests.
    @Test func twitterArchive() throws {
        let trace = try PerSecondTrace.read(path: referencePath("traces/twitter_per_second.tbz2"))
        #expect(trace.seconds == 1_899_061)
        #expect(trace.counts.max() == 388)
        let scaled = try trace.scaled(by: 0.125).reduce(0, +)
        #expect(scaled == Double(trace.total / 8))
        #expect(throws: TrimtabError.self) { try PerSecondTrace.read(path: referencePath("traces/no-such.tbz2")) }
    }
}
