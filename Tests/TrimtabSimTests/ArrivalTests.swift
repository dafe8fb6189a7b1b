import Foundation
import Testing
import TrimtabModel
@testable import TrimtabSim

@Suite struct ArrivalTests {
    func drain(_ process: some ArrivalProcess, limit: Int = .max, seed: UInt64 = 1) -> [Double] {
        var p = process
        var rng = SeededGenerator(seed: seed)
        var times: [Double] = []
        while times.count < limit, let t = p.next(using: &rng) { times.append(t) }
        return times
    }

    @Test func traceSpreadsEachSecondsCount() throws {
        let path = NSTemporaryDirectory() + "trace-\(UUID().uuidString).txt"
        try "3 0 2\n1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let counts = try PerSecondTrace.read(path: path).counts
        #expect(counts == [3, 0, 2, 1])
        let random = drain(TraceArrivals(counts: counts))
        #expect(random.count == 6)
        #expect(random == random.sorted())
        #expect(random.map { Int($0) } == [0, 0, 0, 2, 2, 3])
        let even = drain(TraceArrivals(counts: counts, spread: .even))
        #expect(even == [1.0 / 6, 0.5, 5.0 / 6, 2.25, 2.75, 3.5])
        // Scale 0.5 with the fraction carried: 1.5 → 1 (carry .5), 0.5 → 0 (.5), 1.5 → 1 (.5), 1 → 1.
        #expect(drain(TraceArrivals(counts: counts, scale: 0.5)).map { Int($0) } == [0, 2, 3])
        try "3 x".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: TrimtabError.self) { _ = try PerSecondTrace.read(path: path) }
    }

    @Test func uniformOrderStatisticsWithinASecond() {
        // 200,000 arrivals in one second: their mean position is 1/2 (SE 1/√(12n)).
        let times = drain(TraceArrivals(counts: [200_000]))
        let mean = times.reduce(0, +) / Double(times.count)
        #expect(abs(mean - 0.5) <= 4 / (12.0 * 200_000).squareRoot())
        #expect(times == times.sorted())
    }

    @Test func timestampsCSV() throws {
        let path = NSTemporaryDirectory() + "ts-\(UUID().uuidString).csv"
        try "timestamp,id\n100.5,a\n100.0,b\n102,c\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try ArrivalTimestamps.read(path: path) == [0.5, 0, 2])
        let process = try ArrivalSpecification.arrivalProcess("trace:\(path):2")
        #expect(drain(process as? TimestampArrivals ?? TimestampArrivals(times: [])) == [0, 0.25, 1])
    }

    @Test func poissonRate() {
        let times = drain(PoissonArrivals(rate: 40), limit: 200_000)
        let rate = Double(times.count) / (times.last ?? 1)
        // Mean inter-arrival 1/40 with SE (1/40)/√n.
        #expect(abs(1 / rate - 1.0 / 40) <= 4 * (1.0 / 40) / (200_000.0).squareRoot())
    }

    @Test func twitterMAPOfTheFirstHour() throws {
        let map = try MarkovianArrivals.load(path: referencePath("batch/hourly_maps.json"), trace: "twitter", hour: "1")
        // By hand for a 2-state MAP: π₀ = q₁₀/(q₀₁ + q₁₀), q_ij = D0[i][j] + D1[i][j] (i ≠ j); λ = Σ π_i Σ_j D1[i][j].
        let q01 = map.d0[0][1] + map.d1[0][1], q10 = map.d0[1][0] + map.d1[1][0]
        let pi0 = q10 / (q01 + q10)
        let lambda = pi0 * map.d1[0].reduce(0, +) + (1 - pi0) * map.d1[1].reduce(0, +)
        #expect(abs(map.meanRate - lambda) < 1e-9)
        #expect(abs(lambda - 35.08) < 0.01)
        // Generated arrivals: rate by batch means of the inter-arrival time over 20 batches.
        let times = drain(map, limit: 400_000)
        let batch = times.count / 20
        let means = (0..<20).map { b in (times[(b + 1) * batch - 1] - (b == 0 ? 0 : times[b * batch - 1])) / Double(batch) }
        let mean = means.reduce(0, +) / 20
        let se = (means.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 19 / 20).squareRoot()
        #expect(abs(mean - 1 / lambda) <= 4 * se, "mean inter-arrival \(mean) vs \(1 / lambda) ± \(4 * se)")
    }

    @Test func everyHourlyMAPIsValid() throws {
        for trace in ["twitter", "nys"] {
            for hour in 1...24 {
                let map = try MarkovianArrivals.load(path: referencePath("batch/hourly_maps.json"), trace: trace, hour: String(hour))
                #expect(map.meanRate > 0)
            }
        }
    }

    @Test func badMAPsAreRejected() {
        #expect(throws: TrimtabError.self) { _ = try MarkovianArrivals(d0: [[-1, 0], [0, -2]], d1: [[0.5, 0], [0, 2]]) }  // row 0 sums to −0.5
        #expect(throws: TrimtabError.self) { _ = try MarkovianArrivals(d0: [[1]], d1: [[1]]) }
        #expect(throws: TrimtabError.self) { _ = try ArrivalSpecification.arrivalProcess("map:\(referencePath("batch/hourly_maps.json")):bogus:1") }
    }

    @Test func packedTraceIsUnpacked() throws {
        let process = try ArrivalSpecification.arrivalProcess("trace:" + referencePath("traces/nasa_per_second.tbz2") + ":2")
        let trace = try #require(process as? TraceArrivals)
        #expect(trace.seconds > 86_400)
        #expect(trace.scale == 2)
        #expect(throws: TrimtabError.self) { _ = try ArrivalSpecification.arrivalProcess("trace:" + referencePath("batch/hourly_maps.json.tbz2")) }
        let bogus = NSTemporaryDirectory() + "bogus-\(UUID().uuidString).tbz2"
        try "not bzip2".write(toFile: bogus, atomically: true, encoding: .utf8)
        #expect {
            _ = try ArrivalSpecification.arrivalProcess("trace:" + bogus)
        } throws: { error in
            (error as? TrimtabError)?.description == "\(bogus): tar could not unpack the archive"
        }
    }

    @Test func twitterReferenceTrace() throws {
        let dir = NSTemporaryDirectory() + "twitter-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "xjf", referencePath("traces/twitter_per_second.tbz2"), "-C", dir]
        try tar.run()
        tar.waitUntilExit()
        let counts = try PerSecondTrace.read(path: dir + "/workload.txt").counts
        // The reference README: 1,899,061 seconds, mean 63.6/s, max 388/s.
        #expect(counts.count == 1_899_061)
        #expect(abs(TraceArrivals(counts: counts).meanRate - 63.6) < 0.05)
        #expect(counts.max() == 388)
    }
}
