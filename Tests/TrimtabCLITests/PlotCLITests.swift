import Foundation
import Testing
@testable import TrimtabCLI

/// `trimtab plot` and `pareto -o FRONT.svg` as a user runs them: files written by extension, one
/// marker per point, bad input on one line with exit 2.
@Suite struct PlotCLITests {
    @Test func paretoFrontSVGHasOneMarkerPerNonDominatedPoint() throws {
        let json = CLI.run(["pareto", example("video-pipeline.yaml"), "--format", "json"])
        #expect(json.status == 0)
        let points = try #require(try TrimtabCLITests.json(json.stdout)["points"] as? [[String: Any]])
        let accuracies = Set(points.compactMap { ($0["predicted"] as? [String: Any])?["accuracy"] as? Double }
            .map { String(format: "%.4f", $0) })
        let folder = URL(fileURLWithPath: try temporaryFile("x", "")).deletingLastPathComponent().path
        let svgPath = folder + "/front.svg"
        let r = CLI.run(["pareto", example("video-pipeline.yaml"), "-o", svgPath])
        #expect(r.status == 0)
        let svg = try String(contentsOfFile: svgPath, encoding: .utf8)
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.components(separatedBy: "<circle").count - 1 == points.count)
        // One series per distinct accuracy, named in the legend.
        for a in accuracies { #expect(svg.contains("data-name=\"accuracy \(a)\"")) }
        // .json and .yaml names get the document whatever --format says; it reads back.
        #expect(CLI.run(["pareto", example("video-pipeline.yaml"), "-o", folder + "/front.json"]).status == 0)
        let back = try TrimtabCLITests.json(try String(contentsOfFile: folder + "/front.json", encoding: .utf8))
        #expect((back["points"] as? [Any])?.count == points.count)
        #expect(CLI.run(["pareto", example("video-pipeline.yaml"), "-o", folder + "/front.yaml"]).status == 0)
        #expect(try String(contentsOfFile: folder + "/front.yaml", encoding: .utf8).hasPrefix("points:"))
    }

    @Test func plotWritesTheSVGAndRefusesBadInputOnOneLine() throws {
        let data = try temporaryFile("runs.csv", "policy,core_seconds\ntrimtab,2399\nautoscale,2398\nstatic,4797\n")
        let folder = URL(fileURLWithPath: data).deletingLastPathComponent().path
        let ok = CLI.run(["plot", data, "--x", "policy", "--y", "core_seconds", "--kind", "bars", "-o", folder + "/c.svg"])
        #expect(ok.status == 0)
        #expect(ok.stdout == "wrote \(folder)/c.svg: core_seconds (3)\n")
        let svg = try String(contentsOfFile: folder + "/c.svg", encoding: .utf8)
        for name in ["trimtab", "autoscale", "static"] { #expect(svg.contains(">\(name)</text>")) }

        let badKind = CLI.run(["plot", data, "--y", "core_seconds", "--kind", "pie"])
        #expect(badKind.status == 2)
        #expect(badKind.stderr == "trimtab: --kind: 'pie' is not one of line, step, points, bars, cdf\n")
        let badColumn = CLI.run(["plot", data, "--y", "cores"])
        #expect(badColumn.status == 2)
        #expect(badColumn.stderr == "trimtab: \(data): y: no column 'cores' (the header has policy, core_seconds)\n")
        let wrongName = CLI.run(["plot", data, "--y", "core_seconds", "-o", folder + "/c.json"])
        #expect(wrongName.status == 2)
        #expect(wrongName.stderr.hasPrefix("trimtab: \(folder)/c.json: the name says JSON but this output is SVG"))
        let missing = CLI.run(["plot", folder + "/none.csv", "--y", "a"])
        #expect(missing.status == 2)
        #expect(missing.stderr.split(separator: "\n").count == 1)
        #expect(CLI.run(["plot", "--help"]).stdout.contains("--kind"))
    }

    /// An output path that is a directory is named as one (not "NSCocoaErrorDomain error 512").
    @Test func outputThatIsADirectoryIsNamed() throws {
        let folder = URL(fileURLWithPath: try temporaryFile("x.txt", "")).deletingLastPathComponent().path
        expectBadInputLine(CLI.run(["pareto", example("slapp-app3.yaml"), "-o", folder]),
                           naming: ["\(folder): is a directory; give a file name to write"])
    }

    /// Values whose range overflows a Double (the ticks between −1e308 and 1e308 never ended):
    /// one line naming the file and the series, for every output.
    @Test func valuesBeyondTheChartsRangeAreNamed() throws {
        let data = try temporaryFile("p.csv", "x,y\n1,2\n2,4\n3,1e308\n4,-1e308\n")
        let folder = URL(fileURLWithPath: data).deletingLastPathComponent().path
        for output in [["-o", folder + "/p.svg"], ["-o", folder + "/p.json"], ["--format", "json"], []] {
            expectBadInputLine(CLI.run(["plot", data, "--x", "x", "--y", "y"] + output),
                               naming: ["\(data): series y: y = ", "is beyond ±1e300, the largest value a chart can draw"])
        }
        let wide = try temporaryFile("w.csv", "x,y\n1,-1e300\n2,1e300\n")
        #expect(CLI.run(["plot", wide, "--x", "x", "--y", "y", "-o", folder + "/w.svg"]).status == 0)
    }
}
