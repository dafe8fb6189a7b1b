import Foundation
import TextTable
import TrimtabModel
import TrimtabSolve

/// Output formats every command offers.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json
}

/// Turns model results into the spec's JSON shapes and into terminal tables.
enum Render {
    static func configuration(_ model: WorkflowModel, _ indices: [Int]) -> JSONValue {
        let config = model.configuration(optionIndices: indices)
        return .object(model.workflow.stages.compactMap { stage in
            guard let choice = config[stage.name] else { return nil }
            var fields: [(String, JSONValue)] = []
            if let v = choice.variant { fields.append(("variant", .string(v))) }
            fields.append(("memory_mb", .integer(choice.memoryMB)))
            if let b = choice.batchSize { fields.append(("batch_size", .integer(b))) }
            if let t = choice.batchTimeoutMs { fields.append(("batch_timeout_ms", .number(t))) }
            return (stage.name, .object(fields))
        })
    }

    static func predicted(_ p: Prediction) -> JSONValue {
        .object([("latency_ms", .number(p.latencyMs)), ("cost_per_million_usd", .number(p.costPerMillion)),
                 ("accuracy", .number(p.accuracy))])
    }

    static func executions(_ model: WorkflowModel) -> JSONValue {
        .object(model.workflow.stages.enumerated().map { ($0.element.name, .number(model.executions[$0.offset])) })
    }

    static func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

    /// A table of rows of strings with a header (TextTable, simple style).
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let table = TextTable<[String]> { row in
            header.indices.map { Column(title: header[$0], value: $0 < row.count ? row[$0] : "") }
        }
        return table.string(for: rows, style: Style.simple) ?? ""
    }

    /// Per-stage table of a configuration: choice, latency, executions and cost share.
    static func stageTable(_ model: WorkflowModel, _ indices: [Int]) -> String {
        var total = 0.0
        var costs: [Double] = []
        for (s, k) in indices.enumerated() {
            let c = model.executions[s] * model.options[s][k].invocationCost * 1e6
            costs.append(c)
            total += c
        }
        let batched = indices.enumerated().contains { model.options[$0.offset][$0.element].batchSize != nil }
        let rows: [[String]] = indices.enumerated().map { s, k in
            let stage = model.workflow.stages[s]
            let o = model.options[s][k]
            let batch = o.batchSize.map { "\($0) / \(JSONValue.format(o.batchTimeoutMs ?? 0)) ms" } ?? "-"
            return [stage.name, stage.hasVariants ? stage.variants[o.variant].name : "-", String(o.memoryMB)] + (batched ? [batch] : [])
                + [fixed(o.latencyMs, 1), fixed(model.executions[s], 4), fixed(costs[s], 4),
                   total > 0 ? fixed(costs[s] / total * 100, 1) + "%" : "-"]
        }
        return table(["stage", "variant", "memory_mb"] + (batched ? ["batch (B / timeout)"] : [])
                     + ["latency_ms", "executions", "cost_per_1M_usd", "share"], rows)
    }

    static func summary(_ p: Prediction) -> String {
        "latency \(fixed(p.latencyMs, 2)) ms · cost \(fixed(p.costPerMillion, 4)) USD per 1M runs · accuracy \(fixed(p.accuracy, 4))"
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
