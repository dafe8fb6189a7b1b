import ArgumentParser

/// Checks and repairs of the raw arguments before ArgumentParser sees them: a mistyped command
/// gets a suggestion, and a negative number after a flag reaches the flag as its value (so the
/// command's own check says what the value must be, instead of ArgumentParser's "missing value").
enum ArgumentPreflight {
    /// `--max-latency-ms -5` → `--max-latency-ms=-5`. ArgumentParser reads `-5` as an option
    /// (and reports the flag's value missing); no option of Trimtab is named by a number, so a
    /// negative number after a long flag without a value is that flag's value. Arguments after
    /// `--` are left alone.
    static func joiningNegativeValues(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var terminated = false
        for token in arguments {
            defer { if token == "--" { terminated = true } }
            if !terminated, isNegativeNumber(token), let flag = out.last,
               flag.hasPrefix("--"), flag.count > 2, !flag.contains("=") {
                out[out.count - 1] = flag + "=" + token
            } else {
                out.append(token)
            }
        }
        return out
    }

    static func isNegativeNumber(_ token: String) -> Bool {
        token.hasPrefix("-") && token.count > 1 && Double(token) != nil
    }

    /// The names of the (nested) commands the arguments select: `["job", "fit"]` for
    /// `job fit RUNS.json -o m.json`; empty for the top level.
    static func commandPath(of arguments: [String], root: ParsableCommand.Type) -> [String] {
        walk(arguments, root: root).path
    }

    /// The one-line error for a word that names no command where a command group expects one
    /// (`trimtab plam x` → `unknown command 'plam'. Did you mean 'plan'?`), or nil.
    ///
    /// Command groups (`trimtab`, `trimtab job`, `trimtab import`) take no arguments of their
    /// own, so any word there must be a command.
    static func unknownCommand(in arguments: [String], root: ParsableCommand.Type) -> String? {
        let position = walk(arguments, root: root)
        let path = position.path
        let names = subcommandNames(of: position.command)
        guard let word = position.next, !names.isEmpty, !word.hasPrefix("-"), word != "help" else { return nil }
        let prefix = path.map { $0 + " " }.joined()
        guard let suggestion = closest(to: word, among: names) else {
            return "unknown command '\(prefix)\(word)' (commands: \(names.joined(separator: ", ")))"
        }
        return "unknown command '\(prefix)\(word)'. Did you mean '\(prefix)\(suggestion)'?"
    }

    static func subcommandNames(of command: ParsableCommand.Type) -> [String] {
        var names: [String] = []
        for sub in command.configuration.subcommands { names.append(sub._commandName) }
        return names
    }

    /// Follows command names from the root: the deepest command named, the names, and the first
    /// argument that is not a command name (if any).
    private static func walk(_ arguments: [String], root: ParsableCommand.Type)
        -> (command: ParsableCommand.Type, path: [String], next: String?) {
        var command = root
        var path: [String] = []
        for token in arguments {
            guard let sub = command.configuration.subcommands.first(where: {
                $0._commandName == token || $0.configuration.aliases.contains(token)
            }) else { return (command, path, token) }
            command = sub
            path.append(sub._commandName)
        }
        return (command, path, nil)
    }

    /// The name nearest to `word`: the only name it begins, or the nearest by edit distance
    /// within a third of the word's length (at least 1); nil when none is near enough or two tie.
    static func closest(to word: String, among names: [String]) -> String? {
        let prefixed = names.filter { $0.hasPrefix(word) }
        if prefixed.count == 1 { return prefixed[0] }
        let limit = max(1, word.count / 3)
        let scored = names.map { (name: $0, distance: editDistance(word, $0)) }.filter { $0.distance <= limit }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        return scored.filter { $0.distance == best.distance }.count == 1 ? best.name : nil
    }

    /// Levenshtein distance (insertions, deletions, substitutions; an adjacent swap counts 1).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[x.count][y.count]
    }
}
