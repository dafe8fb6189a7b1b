import Foundation
import Testing
@testable import TrimtabCLI

/// `plan --gap G`: the exact solver stops once its answer is proven within G of the optimum.
@Suite struct PlanGapCLITests {
    /// Against `--solver exhaustive` (every configuration enumerated): a wide gap stops the
    /// examples' solves early, and each answer is within it of the enumerated optimum, with a
    /// bound the optimum does not pass; the table says so in one line.
    @Test func answersStoppedAtTheGapAreWithinItOfTheEnumeratedOptimum() throws {
        var stopped = 0
        for file in ["slapp-app3.yaml", "video-pipeline.yaml", "speech-batching.yaml"] {
            let r = CLI.run(["plan", example(file), "--gap", "0.5", "--format", "json"])
            #expect(r.status == 0, "\(file): \(r.stderr)")
            let o = try json(r.stdout)
            let brute = try json(CLI.run(["plan", example(file), "--solver", "exhaustive", "--format", "json"]).stdout)
            let objective = try #require((o["goal"] as? [String: Any])?["objective"] as? String)
            let key = ["cost": "cost_per_million_usd", "latency": "latency_ms", "accuracy": "accuracy"][objective] ?? objective
            let value = try #require((o["predicted"] as? [String: Any])?[key] as? Double)
            let optimum = try #require((brute["predicted"] as? [String: Any])?[key] as? Double)
            #expect(abs(value - optimum) <= 0.5 * abs(value) + 1e-9, "\(file): \(value) against the optimum \(optimum)")
            guard o["status"] as? String == "feasible" else {
                #expect(o["status"] as? String == "optimal" && o["objective_bound"] == nil, "\(file)")
                continue
            }
            stopped += 1
            let bound = try #require(o["objective_bound"] as? Double, "\(file)")
            let gap = try #require(o["gap"] as? Double, "\(file)")
            #expect(gap <= 0.5 && gap > 0, "\(file): gap \(gap)")
            if objective == "accuracy" { #expect(optimum <= bound * (1 + 1e-9), "\(file)") } else { #expect(optimum >= bound * (1 - 1e-9), "\(file)") }
            let table = CLI.run(["plan", example(file), "--gap", "0.5"]).stdout
            #expect(table.contains("status: feasible") && table.contains("not proven optimal"), "\(file): \(table)")
        }
        #expect(stopped >= 2, "\(stopped) of 3 stopped at the gap")
    }

    /// An infeasible goal's closest bounds are still settled (each re-solve proves its reach).
    @Test func closestBoundsAreProvenWithAGap() throws {
        let r = CLI.run(["plan", example("image-tagging.yaml"), "--gap", "0.5", "--format", "json"])
        #expect(r.status == 3)
        let closest = try #require(try json(r.stdout)["closest"] as? [[String: Any]])
        #expect(closest.count == 3)
        #expect(closest.allSatisfy { $0["proven"] == nil }, "\(closest)")
    }

    /// A gap that is negative, not a number or not a number at all: exit 2, one line naming it.
    @Test func badGapsAreNamed() {
        for bad in ["-0.1", "nan", "wide"] {
            let r = CLI.run(["plan", example("slapp-app3.yaml"), "--gap", bad])
            #expect(r.status == 2, "\(bad)")
            #expect(r.stderr.contains("--gap") && r.stderr.split(separator: "\n").count == 1, "\(bad): \(r.stderr)")
        }
    }
}
