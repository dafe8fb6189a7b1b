import Foundation
import TextTable
import TrimtabKit
import TrimtabModel
import TrimtabSolve

/// Output formats every command offers.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json
}

/// Turns model results into the spec's JSON shapes and into terminal tables.
enum Render {
    static func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

    /// A table of rows of strings with a header (TextTable, simple style).
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let table = TextTable<[String]> { row in
            header.indices.map { Column(title: header[$0], value: $0 < row.count ? row[$0] : "") }
        }
        return table.string(for: rows, style: Style.simple) ?? ""
    }

    /// Per-stage table of a configuration: choice, latency, executions and cost share.
    static func stageTable(_ stages: [StageBreakdown]) -> String {
        let batched = stages.contains { $0.batchSize != nil }
        let rows: [[String]] = stages.map { s in
            let batch = s.batchSize.map { "\($0) / \(JSONValue.format(s.batchTimeoutMs ?? 0)) ms" } ?? "-"
            return [s.stage, s.variant ?? "-", String(s.memoryMB)] + (batched ? [batch] : [])
                + [fixed(s.latencyMs, 1), fixed(s.executions, 4), fixed(s.costPerMillionUSD, 4),
                   s.costShare.map { fixed($0 * 100, 1) + "%" } ?? "-"]
        }
        return table(["stage", "variant", "memory_mb"] + (batched ? ["batch (B / timeout)"] : [])
                     + ["latency_ms", "executions", "cost_per_1M_usd", "share"], rows)
    }

    static func summary(_ p: PredictedQuantities) -> String {
        "latency \(fixed(p.latencyMs, 2)) ms · cost \(fixed(p.costPerMillionUSD, 4)) USD per 1M runs · accuracy \(fixed(p.accuracy, 4))"
    }

    /// A small scatter plot of latency (x) against cost (y); `*` marks points.
    static func scatter(_ points: [(x: Double, y: Double)], width: Int = 60, height: Int = 16,
                        xLabel: String, yLabel: String) -> String {
        guard let minX = points.map(\.x).min(), let maxX = points.map(\.x).max(),
              let minY = points.map(\.y).min(), let maxY = points.map(\.y).max() else { return "" }
        var grid = Array(repeating: Array(repeating: Character(" "), count: width), count: height)
        for p in points {
            let cx = maxX > minX ? Int(((p.x - minX) / (maxX - minX) * Double(width - 1)).rounded()) : 0
            let cy = maxY > minY ? Int(((p.y - minY) / (maxY - minY) * Double(height - 1)).rounded()) : 0
            grid[height - 1 - cy][cx] = "*"
        }
        var out = "\(yLabel)\n"
        let top = fixed(maxY, 2), bottom = fixed(minY, 2)
        let margin = max(top.count, bottom.count)
        for (i, row) in grid.enumerated() {
            let label = i == 0 ? top : i == height - 1 ? bottom : ""
            out += String(repeating: " ", count: margin - label.count) + label + " |" + String(row) + "\n"
        }
        out += String(repeating: " ", count: margin) + " +" + String(repeating: "-", count: width) + "\n"
        let left = fixed(minX, 1), right = fixed(maxX, 1)
        out += String(repeating: " ", count: margin + 2) + left
            + String(repeating: " ", count: max(1, width - left.count - right.count)) + right + "\n"
        out += String(repeating: " ", count: margin + 2) + xLabel + "\n"
        return out
    }
}
