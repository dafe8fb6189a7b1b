import ArgumentParser
import Foundation
import Testing
import TrimtabKit
import TrimtabModel
@testable import TrimtabCLI

/// Every command path below `trimtab`: `["plan"]`, `["job"]`, `["job", "fit"]`, …
private func commandPaths(_ command: ParsableCommand.Type = TrimtabCommand.self, prefix: [String] = []) -> [(path: [String], type: ParsableCommand.Type)] {
    command.configuration.subcommands.flatMap { sub -> [(path: [String], type: ParsableCommand.Type)] in
        let path = prefix + [sub._commandName]
        return [(path, sub)] + commandPaths(sub, prefix: path)
    }
}

/// Splits a shell line into words (single quotes group; enough for the help examples).
private func words(_ line: String) -> [String] {
    var out: [String] = []
    var current = ""
    var quoted = false
    var started = false
    for c in line {
        if c == "'" { quoted.toggle(); started = true; continue }
        if c == " " && !quoted {
            if started { out.append(current) }
            current = ""
            started = false
            continue
        }
        current.append(c)
        started = true
    }
    if started { out.append(current) }
    return out
}

@Suite struct ConventionsCLITests {
    // MARK: --help, examples, --version

    @Test func helpOnEveryCommandShowsThatCommand() throws {
        let top = CLI.run(["--help"])
        #expect(top.status == 0)
        #expect(top.stdout.contains("USAGE: trimtab <subcommand>"))
        let paths = commandPaths()
        #expect(paths.count >= 22)
        for (path, _) in paths {
            let name = path.joined(separator: " ")
            for flag in ["--help", "-h"] {
                let r = CLI.run(path + [flag])
                #expect(r.status == 0, "\(name) \(flag)")
                #expect(r.stderr.isEmpty, "\(name) \(flag): \(r.stderr)")
                #expect(r.stdout.contains("USAGE: trimtab \(name)"), "\(name) \(flag) shows another command's help")
                #expect(r.stdout != top.stdout, "\(name) \(flag) shows the top-level help")
                #expect(r.stdout.contains("Example:"), "\(name) \(flag) has no example")
            }
            // `trimtab help PATH` is the same page.
            #expect(CLI.run(["help"] + path).stdout == CLI.run(path + ["--help"]).stdout, "help \(name)")
        }
        // After other arguments too.
        #expect(CLI.run(["plan", example("slapp-app3.yaml"), "--help"]).stdout.contains("USAGE: trimtab plan"))
    }

    @Test func everyHelpExampleParsesAsItsCommand() throws {
        for (path, type) in commandPaths() {
            let discussion = type.configuration.discussion
            // Lines fit an 80-column terminal (ArgumentParser wraps longer ones raggedly, and a line near 80).
            for line in discussion.split(separator: "\n") where line.count > 76 {
                Issue.record("\(path.joined(separator: " ")): discussion line over 76 columns: \(line)")
            }
            // Examples, their `\` continuation lines joined.
            let examples = discussion.replacingOccurrences(of: "\\\n", with: " ").split(separator: "\n")
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { $0.hasPrefix("trimtab ") }
            #expect(!examples.isEmpty, "\(path) has no example")
            for line in examples {
                let arguments = Array(words(line).dropFirst())
                #expect(ArgumentPreflight.commandPath(of: arguments, root: TrimtabCommand.self).starts(with: path), "\(line)")
                do {
                    _ = try TrimtabCommand.parseAsRoot(arguments)
                } catch {
                    Issue.record("example of \(path.joined(separator: " ")) does not parse: \(line): \(TrimtabCommand.fullMessage(for: error))")
                }
            }
        }
    }

    @Test func versionComesFromOnePlace() throws {
        let r = CLI.run(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout == TrimtabVersion.current + "\n")
        #expect(TrimtabVersion.current.range(of: #"^[0-9]+\.[0-9]+\.[0-9]+$"#, options: .regularExpression) != nil)
        #expect(CLI.run(["--help"]).stdout.contains("--version"))
    }

    @Test func completionScriptsAreGenerated() throws {
        let bash = CLI.run(["--generate-completion-script", "bash"])
        #expect(bash.status == 0)
        #expect(bash.stdout.contains("complete") && bash.stdout.contains("plan") && bash.stdout.contains("--max-latency-ms"))
        let zsh = CLI.run(["--generate-completion-script", "zsh"])
        #expect(zsh.stdout.hasPrefix("#compdef trimtab"))
    }

    // MARK: unknown commands

    @Test func aMistypedCommandGetsASuggestion() throws {
        let r = CLI.run(["plam", "x"])
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr == "trimtab: unknown command 'plam'. Did you mean 'plan'?\n")
        let nested = CLI.run(["job", "fitt", "runs.json"])
        #expect(nested.status == 2)
        #expect(nested.stderr == "trimtab: unknown command 'job fitt'. Did you mean 'job fit'?\n")
        let swapped = CLI.run(["valdiate", "x.yaml"])
        #expect(swapped.stderr == "trimtab: unknown command 'valdiate'. Did you mean 'validate'?\n")
        let far = CLI.run(["frobnicate"])
        #expect(far.status == 2)
        #expect(far.stderr.hasPrefix("trimtab: unknown command 'frobnicate' (commands: validate, evaluate, plan, pareto,"))
        #expect(far.stderr.split(separator: "\n").count == 1)
    }

    @Test func editDistanceMatchesHandCountedCases() {
        // Counted by hand: kitten→sitting (k→s, e→i, +g), flaw→lawn (−f, +n), an adjacent swap counts one.
        #expect(ArgumentPreflight.editDistance("kitten", "sitting") == 3)
        #expect(ArgumentPreflight.editDistance("flaw", "lawn") == 2)
        #expect(ArgumentPreflight.editDistance("paln", "plan") == 1)
        #expect(ArgumentPreflight.editDistance("", "plan") == 4)
        #expect(ArgumentPreflight.editDistance("plan", "plan") == 0)
        // Two names equally near: no guess.
        #expect(ArgumentPreflight.closest(to: "fix", among: ["fit", "fax"]) == nil)
    }

    // MARK: one error type, one status table

    @Test func statusTableIsTheDocumentedOne() {
        // The ground rules' table: 0 ok, 1 runtime failure, 2 bad input, 3 infeasible; HTTP 400/422/503/500,
        // and 429 for too many concurrent solves (issue 16).
        let expected: [(TrimtabError.Code?, Int32, Int)] = [
            (nil, 0, 200), (.invalidInput, 2, 400), (.io, 2, 400), (.unsupported, 2, 400),
            (.infeasible, 3, 422), (.unavailable, 1, 503), (.internal, 1, 500), (.overloaded, 1, 429),
        ]
        #expect(expected.count == TrimtabError.Code.allCases.count + 1)
        for (code, exit, http) in expected {
            #expect(TrimtabError.Code.statuses(of: code) == (exit, http), "\(String(describing: code))")
        }
        #expect(ExitStatus.success == 0 && ExitStatus.runtimeFailure == 1 && ExitStatus.badInput == 2 && ExitStatus.infeasible == 3)
        #expect(CommandResult(status: 3).code == .infeasible)
        #expect(CommandResult(status: 2).code == .invalidInput)
        #expect(CommandResult(status: 0).code == nil)
    }

    @Test func badInputNamesTheCommandsHelpAndInfeasibleCarriesItsCode() throws {
        let flag = CLI.run(["job", "predict", "--model", example("image-job.yaml"), "--no-such-flag"])
        #expect(flag.status == 2)
        #expect(flag.code == .invalidInput)
        #expect(flag.stderr.hasSuffix("(see trimtab job predict --help)\n"))
        let infeasible = CLI.run(["plan", example("image-tagging.yaml"), "--format", "json"])
        #expect(infeasible.status == 3)
        #expect(infeasible.code == .infeasible)
    }

    @Test(.timeLimit(.minutes(10))) func aPortInUseIsARuntimeFailureOnOneCleanLine() async throws {
        // A loopback port this test holds open: `serve` cannot bind it.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 && listen(fd, 1) == 0
            }
        }
        try #require(listening)
        let port = Int(UInt16(bigEndian: address.sin_port))
        // `serve` waits on its thread for the server task: run it off the test's pool thread.
        let r: CommandResult = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: CLI.run(["serve", "--port", String(port)])) }.start()
        }
        #expect(r.status == 1)
        #expect(r.code == .unavailable)
        #expect(r.stderr == "trimtab: serve: Address already in use\n")
    }

    @Test func systemErrorDumpsBecomeTheirCause() {
        // The shape AsyncHTTPClient's errors print as (NIOConnectionError's debug description).
        let dump = #"gave up after 3 attempts: GET http://127.0.0.1:9/api/v1/query: NIOConnectionError(host: "127.0.0.1", port: 9, dnsAError: nil, dnsAAAAError: nil, connectionErrors: [NIOCore.SingleConnectionFailure(target: [IPv4]127.0.0.1/127.0.0.1:9, error: connection reset (error set): Connection refused (errno: 111))])"#
        #expect(FailureMessage.clean(dump) == "gave up after 3 attempts: GET http://127.0.0.1:9/api/v1/query: Connection refused")
        #expect(FailureMessage.clean("serve: bind(descriptor:ptr:bytes:): Address already in use (errno: 98)") == "serve: Address already in use")
        // SwiftNIO's own description, as `trimtab control --once` printed it before (stray parentheses and all).
        let nio = "gave up after 2 attempts: GET http://127.0.0.1:39895/api/v1/query?query=q&time=1796416963.116: connection reset (error set): Connection refused) (errno: 111)"
        #expect(FailureMessage.clean(nio) == "gave up after 2 attempts: GET http://127.0.0.1:39895/api/v1/query?query=q&time=1796416963.116: Connection refused")
        #expect(FailureMessage.clean("connection reset (error set): Connection refused) (errno: 111)") == "Connection refused")
        #expect(FailureMessage.clean("app.yaml: edges[3].probability: 1.4 is not in (0, 1]") == "app.yaml: edges[3].probability: 1.4 is not in (0, 1]")
    }

    // MARK: messages

    @Test func aNegativeNumberReachesTheFlagsOwnCheck() throws {
        let predict = CLI.run(["job", "predict", "--model", example("image-job.yaml"), "--items", "-5", "--workers", "3"])
        #expect(predict.status == 2)
        #expect(predict.stderr == "trimtab: --items: -5 must be positive\n")
        let simulate = CLI.run(["simulate", example("sim-three-stage.yaml"), "--config", example("sim-three-stage-config.json"),
                                "--arrivals", "poisson:5", "--duration", "-5"])
        #expect(simulate.status == 2)
        #expect(simulate.stderr.hasPrefix("trimtab: --duration: -5"))
        #expect(simulate.stderr.contains("must be a positive"))
        #expect(!simulate.stderr.lowercased().contains("missing value"))
        // After `--` arguments are left alone.
        #expect(ArgumentPreflight.joiningNegativeValues(["--a", "-5", "--", "--b", "-1"]) == ["--a=-5", "--", "--b", "-1"])
        #expect(ArgumentPreflight.joiningNegativeValues(["-o", "-5", "--x=1", "-2"]) == ["-o", "-5", "--x=1", "-2"])
    }

    @Test func aMissingStageIsNamedOnce() throws {
        let config = try temporaryFile("c.json", #"{"configuration": {"resize": {"memory_mb": 512}}}"#)
        let r = CLI.run(["evaluate", example("image-tagging.yaml"), "--config", config])
        #expect(r.status == 2)
        #expect(r.stderr == "trimtab: \(config): configuration.classify: is missing\n")
    }

    // MARK: output files follow their extension; readers read what writers write

    @Test func jobFitWritesJSONForAJSONNameAndPredictReadsIt() throws {
        let dir = (try temporaryFile("x", "") as NSString).deletingLastPathComponent
        var predictions: [String: [String: Any]] = [:]
        for name in ["model.json", "model.yaml", "model.yml", "model"] {
            let path = dir + "/" + name
            let fit = CLI.run(["job", "fit", reference("obifaas/summary.json"), "-o", path])
            #expect(fit.status == 0, "\(fit.stderr)")
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let isJSON = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil
            #expect(isJSON == (name == "model.json"), "\(name) holds \(isJSON ? "JSON" : "YAML")")
            let p = CLI.run(["job", "predict", "--model", path, "--items", "17810", "--workers", "225", "--split-size", "32", "--format", "json"])
            #expect(p.status == 0, "\(name): \(p.stderr)")
            predictions[name] = try json(p.stdout)
        }
        // The same model whichever the syntax.
        let reference = try #require(predictions["model"])
        for (name, p) in predictions {
            #expect(p["cost_usd"] as? Double == reference["cost_usd"] as? Double, "\(name)")
            #expect(p["makespan_s"] as? Double == reference["makespan_s"] as? Double, "\(name)")
        }
    }

    @Test func aJobPlanWrittenAsYAMLDrivesTheManifest() throws {
        let dir = (try temporaryFile("x", "") as NSString).deletingLastPathComponent
        var manifests: [String] = []
        for name in ["plan.json", "plan.yaml"] {
            let plan = CLI.run(["job", "plan", "--model", example("image-job.yaml"), "--items", "20000", "--deadline-s", "30",
                                "-o", dir + "/" + name])
            #expect(plan.status == 0, "\(plan.stderr)")
            let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
            #expect(text.hasPrefix("{") == (name == "plan.json"))
            let m = CLI.run(["job", "manifest", "--plan", dir + "/" + name, "--image", "w:1", "--command", "./w"])
            #expect(m.status == 0, "\(m.stderr)")
            manifests.append(m.stdout)
        }
        #expect(manifests[0] == manifests[1])
        // A manifest named .json is JSON (kubectl reads both).
        let m = CLI.run(["job", "manifest", "--plan", dir + "/plan.yaml", "--image", "w:1", "--command", "./w", "-o", dir + "/job.json"])
        #expect(m.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/job.json"))) as? [String: Any])
        #expect(object["kind"] as? String == "Job")
        #expect((object["spec"] as? [String: Any])?["completionMode"] as? String == "Indexed")
    }

    @Test func anImportedWorkflowNamedJSONValidates() throws {
        let dir = (try temporaryFile("x", "") as NSString).deletingLastPathComponent
        for name in ["app8.json", "app8.yaml"] {
            let path = dir + "/" + name
            let r = CLI.run(["import", "step-functions", reference("slapp-aws/App8/App8.json"),
                             "--logs", reference("slapp-aws/App8/App8_Lambda_Logs.csv"), "-o", path])
            #expect(r.status == 0, "\(r.stderr)")
            let v = CLI.run(["validate", path, "--format", "json"])
            #expect(v.status == 0, "\(name): \(v.stderr)")
            #expect(try json(v.stdout)["stages"] as? Int ?? 0 > 1)
        }
        let a = try json(CLI.run(["plan", dir + "/app8.json", "--minimize", "cost", "--format", "json"]).stdout)
        let b = try json(CLI.run(["plan", dir + "/app8.yaml", "--minimize", "cost", "--format", "json"]).stdout)
        #expect(a["predicted"] as? [String: Double] == b["predicted"] as? [String: Double])
    }

    @Test func aTableOrCSVIsNotWrittenUnderAJSONName() throws {
        let dir = (try temporaryFile("x", "") as NSString).deletingLastPathComponent
        let r = CLI.run(["fit", referenceFile("slapp-alg/App3_Lambda_Logs.csv"), "--format", "table", "-o", dir + "/report.json"])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("trimtab: \(dir)/report.json: the name says JSON but this output is a table"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/report.json"))
        let stages = CLI.run(["fit", referenceFile("slapp-alg/App3_Lambda_Logs.csv"), "-o", dir + "/stages.json"])
        #expect(stages.status == 0, "\(stages.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/stages.json"))) as? [String: Any]
        #expect((object?["stages"] as? [Any])?.isEmpty == false)
    }

    @Test func yamlRenderingReadsBackAsTheSameValue() throws {
        let value = JSONValue.object([
            ("name", .string("a: b")), ("plain", .string("resnet50")), ("yes", .string("yes")), ("number", .string("42")),
            ("n", .integer(3)), ("x", .number(0.25)), ("flag", .bool(true)), ("none", .null), ("empty", .array([])),
            ("nested", .object([("list", .array([.integer(1), .object([("k", .string("v")), ("q", .string("\"quoted\"\n"))]),
                                                 .array([.integer(2), .integer(3)])]))])),
        ])
        let yaml = value.renderYAML()
        // Yams (through Value) reads it back; JSONSerialization compares the JSON renderings.
        let back = JSONValue(try Value.parseYAML(yaml))
        let a = try JSONSerialization.jsonObject(with: Data(back.render().utf8)) as? NSDictionary
        let b = try JSONSerialization.jsonObject(with: Data(value.render().utf8)) as? NSDictionary
        #expect(a == b, "\(yaml)")
    }

    // MARK: validate names the kind of file

    @Test func validateSaysWhatKindOfFileItIs() throws {
        let control = CLI.run(["validate", example("control-kubernetes.yaml")])
        #expect(control.status == 2)
        #expect(control.stderr == "trimtab: \(example("control-kubernetes.yaml")): this is a trimtab control configuration, not a v1 workflow; "
                + "use trimtab control \(example("control-kubernetes.yaml")) --dry-run\n")
        let job = CLI.run(["validate", example("image-job.yaml")])
        #expect(job.status == 2)
        #expect(job.stderr.contains("this is a trimtab job worker model, not a v1 workflow; use trimtab job plan --model"))
        let plan = try temporaryFile("plan.json", #"{"memory_mb": 3008, "split_size": 32, "workers": 125, "items": 20000}"#)
        #expect(CLI.run(["plan", plan]).stderr.contains("this is a trimtab job plan, not a v1 workflow; use trimtab job run --plan"))
        let workflowAsModel = CLI.run(["job", "predict", "--model", example("slapp-app3.yaml"), "--items", "10", "--workers", "1"])
        #expect(workflowAsModel.stderr.contains("this is a v1 workflow, not a trimtab job worker model; use trimtab validate"))
        let modelAsPlan = CLI.run(["job", "manifest", "--plan", example("image-job.yaml"), "--image", "w:1", "--command", "./w"])
        #expect(modelAsPlan.stderr.contains("this is a trimtab job worker model, not a trimtab job plan; use trimtab job plan --model"))
        // A workflow with a typo is still a workflow: its field is named.
        let typo = try temporaryFile("typo.yaml", "version: 1\nstages:\n  - {name: a, latency_ms: {128: 10}}\nedges:\n  - {from: start, to: a}\n  - {from: a, to: end}\ngoal: {minimise: cost}\n")
        let t = CLI.run(["validate", typo])
        #expect(t.status == 2)
        #expect(t.stderr.contains("goal.minimise"))
    }

    // MARK: one meaning per flag

    @Test func itemsIsACountAndJobRunReadsAnItemsFile() throws {
        let items = try temporaryFile("items.txt", "a\nb\n\nc\n")
        let plan = try temporaryFile("plan.json", #"{"memory_mb": 1024, "split_size": 2, "workers": 1}"#)
        let lineError = "trimtab: \(items): line 3: an item must not be empty (an empty line ends a split in the worker protocol)\n"
        let r = CLI.run(["job", "run", "--plan", plan, "--items-file", items, "--command", "cat"])
        #expect(r.status == 2)
        #expect(r.stderr == lineError)
        // The old spelling still reads the file, and says so; a count is refused.
        let good = try temporaryFile("good.txt", "a\nb\nc\n")
        let echo = try temporaryFile("echo.py", "import sys\nfor line in sys.stdin:\n    line = line.rstrip('\\n')\n    if line:\n        print(line)\n    else:\n        sys.stdout.flush()\n")
        let old = CLI.run(["job", "run", "--plan", plan, "--items", good, "--command", "python3 \(echo)", "-o", good + ".out"])
        #expect(old.status == 0, "\(old.stderr)")
        #expect(old.stderr.contains("--items FILE is --items-file FILE in job run"))
        #expect(try String(contentsOfFile: good + ".out", encoding: .utf8) == "a\nb\nc\n")
        let count = CLI.run(["job", "run", "--plan", plan, "--items", "20000", "--command", "cat"])
        #expect(count.status == 2)
        #expect(count.stderr == "trimtab: --items: job run reads the items from a file: give --items-file FILE\n")
        #expect(!CLI.run(["job", "run", "--help"]).stdout.contains("--items <"))
    }

    @Test func forecastHeadroomIsTheCapacityFactor() throws {
        // A constant load: the reactive predictor predicts it exactly, so with headroom F every
        // prediction is F·c and SMAPE = 2(F − 1)c / ((F + 1)c) = 2(F − 1)/(F + 1); nothing under-predicts.
        let trace = try temporaryFile("flat.txt", Array(repeating: "100", count: 2000).joined(separator: " "))
        let r = CLI.run(["forecast", "--trace", trace, "--train-until", "1000", "--predictor", "reactive", "--headroom", "1.25", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let test = try #require(try json(r.stdout)["test"] as? [String: Any])
        #expect(abs((test["smape"] as? Double ?? 0) - 2 * 0.25 / 2.25) < 1e-12)
        #expect(test["under_share"] as? Double == 0)
        let exact = try #require(try json(CLI.run(["forecast", "--trace", trace, "--train-until", "1000", "--predictor", "reactive",
                                                   "--format", "json"]).stdout)["test"] as? [String: Any])
        #expect(exact["smape"] as? Double == 0)
        // The old additive reading (0.25 for +25%) is refused, not silently taken as a factor.
        let old = CLI.run(["forecast", "--trace", trace, "--train-until", "1000", "--predictor", "reactive", "--headroom", "0.25"])
        #expect(old.status == 2)
        #expect(old.stderr.hasPrefix("trimtab: --headroom: 0.25 must be at least 1"))
        // adapt reads the same factor the same way.
        let adapt = CLI.run(["adapt", example("video-k8s.yaml"), "--plan-load", "20", "--headroom", "0.25"])
        #expect(adapt.status == 2)
        #expect(adapt.stderr.hasPrefix("trimtab: --headroom: 0.25 must be at least 1"))
    }
}
