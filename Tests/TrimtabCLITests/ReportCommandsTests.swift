import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import TrimtabCLI

/// Every command that `docs/report.md` quotes in a ```sh block still runs, and the figure script
/// draws every figure the report shows. The rules are written down in the report's
/// "Reproducing" section; this test enforces them.
@Suite struct ReportCommandsTests {
    /// One ```sh block of the report: its commands in order (continuation lines joined).
    struct Block: Sendable, CustomTestStringConvertible {
        var line: Int
        var commands: [Command]
        var testDescription: String { "block at docs/report.md:\(line)" }
    }

    struct Command: Sendable {
        var line: Int
        var words: [String]
        /// `# test: --flag value …`: flag values replaced (or added) for the test run only.
        var overrides: [(flag: String, value: String)]
    }

    static let reportPath = root() + "/docs/report.md"

    static func blocks() -> [Block] {
        guard let text = try? String(contentsOfFile: reportPath, encoding: .utf8) else { return [] }
        var blocks: [Block] = []
        var current: Block?
        var pending = ""
        var pendingLine = 0
        for (index, raw) in text.components(separatedBy: "\n").enumerated() {
            let number = index + 1
            if current == nil {
                if raw.trimmingCharacters(in: .whitespaces) == "```sh" { current = Block(line: number, commands: []) }
                continue
            }
            if raw.trimmingCharacters(in: .whitespaces) == "```" {
                if let block = current { blocks.append(block) }
                current = nil
                continue
            }
            if pending.isEmpty { pendingLine = number }
            if raw.hasSuffix("\\") {
                pending += String(raw.dropLast()) + " "
                continue
            }
            pending += raw
            let (words, comment) = shellWords(pending)
            pending = ""
            guard !words.isEmpty else { continue }
            current?.commands.append(Command(line: pendingLine, words: words, overrides: overrides(comment)))
        }
        return blocks
    }

    /// Words of a shell line (single and double quotes, backslash escapes) and its trailing comment.
    static func shellWords(_ line: String) -> (words: [String], comment: String) {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        var characters = Array(line)[...]
        while let c = characters.popFirst() {
            if escaped { word.append(c); escaped = false; continue }
            if let q = quote {
                if c == q { quote = nil } else if c == "\\" && q == "\"" { escaped = true } else { word.append(c) }
                continue
            }
            switch c {
            case "'", "\"": quote = c; inWord = true
            case "\\": escaped = true; inWord = true
            case " ", "\t":
                if inWord { words.append(word); word = ""; inWord = false }
            case "#" where !inWord:
                return (words, String(characters))
            default: word.append(c); inWord = true
            }
        }
        if inWord { words.append(word) }
        return (words, "")
    }

    static func overrides(_ comment: String) -> [(flag: String, value: String)] {
        let text = comment.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("test:") else { return [] }
        let words = shellWords(String(text.dropFirst("test:".count))).words
        return stride(from: 0, to: words.count - 1, by: 2).map { (words[$0], words[$0 + 1]) }
    }

    /// A path of the report as the test sees it: repository paths made absolute, other file names
    /// in the block's own folder.
    static func resolve(_ word: String, folder: String) -> String {
        if word.hasPrefix("-") { return word }
        for prefix in ["examples/", "docs/", "bench/"] where word.hasPrefix(prefix) { return root() + "/" + word }
        if word.hasPrefix("../shared/") || word.contains(":../shared/") {
            return word.replacingOccurrences(of: "../shared/", with: root() + "/../shared/")
        }
        let fileExtensions: Set<String> = ["yaml", "yml", "json", "jsonl", "csv", "svg", "sqlite", "txt"]
        if !word.contains("/"), let ext = word.split(separator: ".").last, word.contains("."), fileExtensions.contains(String(ext)) {
            return folder + "/" + word
        }
        return word
    }

    @Test func reportQuotesItsCommands() throws {
        let blocks = Self.blocks()
        let commands = blocks.flatMap(\.commands)
        #expect(blocks.count >= 10, "docs/report.md has \(blocks.count) sh blocks")
        #expect(commands.filter { $0.words.first == "trimtab" }.count >= 15)
        #expect(commands.contains { $0.words.first == "docs/figures/make-figures.sh" })
    }

    @Test(arguments: blocks()) func everyQuotedCommandRuns(_ block: Block) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trimtab-report-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for command in block.commands {
            let place = "docs/report.md:\(command.line)"
            switch command.words[0] {
            case "trimtab":
                try runTrimtab(command, folder: folder, place: place)
            case "python3":
                try checkPython(command, place: place)
            case let word where word.hasPrefix("bench/") && word.hasSuffix(".sh"):
                let path = root() + "/" + word
                #expect(FileManager.default.isExecutableFile(atPath: path), "\(place): \(word) is not an executable script")
                let check = try Self.process("/bin/sh", ["-n", path])
                #expect(check.status == 0, "\(place): sh -n \(word): \(check.stderr)")
            case ".build/release/trimtab-bench":
                let bench = try String(contentsOfFile: root() + "/Sources/trimtab-bench/Bench.swift", encoding: .utf8)
                let subcommand = command.words.count > 1 ? command.words[1] : "all"
                let dispatched = bench.contains("what == \"\(subcommand)\"")
                #expect(dispatched, "\(place): trimtab-bench has no subcommand '\(subcommand)'")
            case "swift":
                #expect(["build", "test"].contains(command.words.dropFirst().first ?? ""), "\(place): only swift build and swift test are quoted")
            case "docs/figures/make-figures.sh":
                #expect(FileManager.default.isExecutableFile(atPath: root() + "/docs/figures/make-figures.sh"), "\(place)")
            default:
                Issue.record("\(place): the test does not know how to check '\(command.words.joined(separator: " "))'")
            }
        }
    }

    func runTrimtab(_ command: Command, folder: String, place: String) throws {
        var words = Array(command.words.dropFirst())
        var stdoutFile: String?
        if let redirect = words.firstIndex(of: ">"), redirect + 1 < words.count {
            stdoutFile = words[redirect + 1]
            words.removeSubrange(redirect...)
        }
        for (flag, value) in command.overrides {
            if let i = words.firstIndex(of: flag), i + 1 < words.count { words[i + 1] = value } else { words += [flag, value] }
        }
        let arguments = words.map { Self.resolve($0, folder: folder) }
        let result = CLI.run(arguments)
        #expect(result.status == 0, "\(place): trimtab \(words.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        if let stdoutFile {
            try result.stdout.write(toFile: Self.resolve(stdoutFile, folder: folder), atomically: true, encoding: .utf8)
        }
    }

    func checkPython(_ command: Command, place: String) throws {
        guard command.words.count > 1, command.words[1].hasPrefix("bench/"), command.words[1].hasSuffix(".py") else {
            Issue.record("\(place): only python3 bench/*.py is quoted")
            return
        }
        let path = root() + "/" + command.words[1]
        let source = try String(contentsOfFile: path, encoding: .utf8)
        let parse = try Self.process("/usr/bin/env", ["python3", "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", path])
        #expect(parse.status == 0, "\(place): \(command.words[1]) does not parse: \(parse.stderr)")
        for option in command.words.dropFirst(2) where option.hasPrefix("--") {
            let defined = source.contains("\"\(option)\"")
            #expect(defined, "\(place): \(command.words[1]) defines no option \(option)")
        }
    }

    /// The figure script, run in full into a temporary folder, draws every SVG the report shows.
    @Test(.timeLimit(.minutes(10))) func figureScriptDrawsEveryFigure() throws {
        let binary = try #require(trimtabExecutable(), "the trimtab executable is not built next to the tests; run swift build first")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("trimtab-figures-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        var environment = ProcessInfo.processInfo.environment
        environment["TRIMTAB"] = binary
        let run = try Self.process("/bin/sh", [root() + "/docs/figures/make-figures.sh", out], environment: environment)
        #expect(run.status == 0, "make-figures.sh: \(run.stderr)")

        let report = try String(contentsOfFile: Self.reportPath, encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"!\[[^\]]*\]\(figures/([A-Za-z0-9_-]+\.svg)\)"#)
        let names = Set(pattern.matches(in: report, range: NSRange(report.startIndex..., in: report)).compactMap {
            Range($0.range(at: 1), in: report).map { String(report[$0]) }
        })
        #expect(names.count >= 10, "the report shows \(names.count) figures")
        for name in names.sorted() {
            let path = out + "/" + name
            let data = try #require(FileManager.default.contents(atPath: path), "make-figures.sh did not draw \(name)")
            let document = try? XMLDocument(data: data)
            #expect(document?.rootElement()?.name == "svg", "\(name) is not an SVG document")
            #expect(FileManager.default.fileExists(atPath: root() + "/docs/figures/" + name), "\(name) is not committed under docs/figures")
        }
    }

    static func process(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: root())
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stderrRead = DispatchGroup()
        nonisolated(unsafe) var stderr = Data()
        DispatchQueue.global().async(group: stderrRead) { stderr = err.fileHandleForReading.readDataToEndOfFile() }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        stderrRead.wait()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}
