import Foundation
import TrimtabModel

/// One stage's tables for the `stages:` part of a v1 workflow file.
public struct StageTables: Sendable {
    public var name: String
    /// nil for a plain stage; otherwise one entry per variant.
    public var variants: [(name: String, tables: Tables)]?
    public var tables: Tables
    public var overheadMs: Double?
    /// Comment lines written above the stage (the fit report).
    public var comments: [String]

    public struct Tables: Sendable {
        public var latency: [(Int, Double)]
        public var p95: [(Int, Double)]
        public var p99: [(Int, Double)]
        public var billed: [(Int, Double)]
        /// `latency_spread`: latency relative to the mean, as a quantile function.
        public var spread: QuantileFunction?
        public init(latency: [(Int, Double)], p95: [(Int, Double)] = [], p99: [(Int, Double)] = [], billed: [(Int, Double)] = [],
                    spread: QuantileFunction? = nil) {
            self.latency = latency
            self.p95 = p95
            self.p99 = p99
            self.billed = billed
            self.spread = spread
        }
    }

    public init(name: String, tables: Tables, variants: [(name: String, tables: Tables)]? = nil,
                overheadMs: Double? = nil, comments: [String] = []) {
        self.name = name
        self.tables = tables
        self.variants = variants
        self.overheadMs = overheadMs
        self.comments = comments
    }
}

/// Writes YAML for v1 workflow files: flow-style latency tables, plain scalars where safe.
public enum YAMLWriter {
    /// The `stages:` block.
    public static func stages(_ stages: [StageTables]) -> String {
        var out = "stages:\n"
        for s in stages {
            for c in s.comments { out += "  # \(c)\n" }
            out += "  - name: \(scalar(s.name))\n"
            if let o = s.overheadMs { out += "    overhead_ms: \(number(o))\n" }
            if let variants = s.variants {
                out += "    variants:\n"
                for v in variants {
                    out += "      - name: \(scalar(v.name))\n"
                    out += "        accuracy: 1  # set the variant's measured accuracy\n"
                    out += tables(v.tables, indent: "        ")
                }
            } else {
                out += tables(s.tables, indent: "    ")
            }
        }
        return out
    }

    static func tables(_ t: StageTables.Tables, indent: String) -> String {
        var out = "\(indent)latency_ms: \(table(t.latency))\n"
        if !t.p95.isEmpty { out += "\(indent)latency_p95_ms: \(table(t.p95))\n" }
        if !t.p99.isEmpty { out += "\(indent)latency_p99_ms: \(table(t.p99))\n" }
        if !t.billed.isEmpty { out += "\(indent)billed_ms: \(table(t.billed))\n" }
        if let f = t.spread { out += "\(indent)latency_spread: \(quantileFunction(f))\n" }
        return out
    }

    /// `{quantiles: [...], values: [...]}` in flow style.
    public static func quantileFunction(_ f: QuantileFunction) -> String {
        "{quantiles: [" + f.quantiles.map { number($0) }.joined(separator: ", ") + "], values: ["
            + f.values.map { number($0) }.joined(separator: ", ") + "]}"
    }

    public static func table(_ entries: [(Int, Double)]) -> String {
        "{" + entries.map { "\($0.0): \(number($0.1))" }.joined(separator: ", ") + "}"
    }

    /// A number with at most 4 decimals, no trailing zeros.
    public static func number(_ x: Double) -> String {
        var s = String(format: "%.4f", x)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    /// A YAML scalar: plain when it is a simple word, else double-quoted.
    public static func scalar(_ s: String) -> String {
        let plain = !s.isEmpty && s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "_-./".unicodeScalars.contains($0) }
            && !["true", "false", "yes", "no", "null", "on", "off", "~"].contains(s.lowercased())
            && Double(s) == nil && !s.hasPrefix("-")
        if plain { return s }
        return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
