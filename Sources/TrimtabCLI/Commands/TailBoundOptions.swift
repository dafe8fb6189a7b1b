import Foundation
import ArgumentParser
import TrimtabFit
import TrimtabModel

/// `plan --max-latency-p95-ms / --max-latency-p99-ms`: bounds on the composed tail latency
/// (docs/fit.md states the rule), planned exactly by `TailBoundPlanner`.
struct TailBoundOptions: ParsableArguments {
    @Option(name: .customLong("max-latency-p95-ms"),
            help: "Bound on the end-to-end p95 latency (ms), composed as --tail-rule says.")
    var maxLatencyP95Ms: Double?
    @Option(name: .customLong("max-latency-p99-ms"),
            help: "Bound on the end-to-end p99 latency (ms), composed as --tail-rule says.")
    var maxLatencyP99Ms: Double?
    @Option(name: .customLong("tail-rule"),
            help: "composed: Monte Carlo over every stage's latency_spread (default when every stage has one); conservative: the comonotone bound from latency_p95_ms/latency_p99_ms (default otherwise).")
    var tailRule: String?
    @Option(name: .customLong("tail-runs"), help: "Monte Carlo runs of the composed rule (default 20000).")
    var tailRuns: Int?

    func rule() throws(TrimtabError) -> TailRule? {
        guard let text = tailRule else { return nil }
        guard let r = TailRule(rawValue: text) else {
            throw TrimtabError(field: "--tail-rule", "'\(text)' is not a tail rule (expected composed or conservative)")
        }
        return r
    }

    func runs() throws(TrimtabError) -> Int {
        guard let n = tailRuns else { return ComposedTailLatency.defaultRuns }
        guard n >= 100, n <= 10_000_000 else { throw TrimtabError(field: "--tail-runs", "\(n) is not in 100...10000000") }
        return n
    }

    func bounds() throws(TrimtabError) -> [TailBound] {
        var result: [TailBound] = []
        for (value, q, flag) in [(maxLatencyP95Ms, 0.95, "--max-latency-p95-ms"), (maxLatencyP99Ms, 0.99, "--max-latency-p99-ms")] {
            guard let v = value else { continue }
            guard v.isFinite, v > 0 else { throw TrimtabError(field: flag, "\(v) must be a positive number") }
            result.append(TailBound(quantile: q, maxMs: v, flag: flag))
        }
        return result
    }

    static func key(_ b: TailBound) -> String { b.quantile >= 0.99 ? "latency_p99_ms" : "latency_p95_ms" }

    /// Plans under the tail bounds and renders like `plan` (the tail values join `predicted`).
    func plan(_ model: WorkflowModel, goal: Goal, tails: [TailBound], format: OutputFormat, file: String) throws(TrimtabError) -> CommandResult {
        let r: TailPlan
        let rule = try rule(), runs = try runs()
        do { r = try TailBoundPlanner.plan(model, goal: goal, tails: tails, rule: rule, runs: runs) } catch {
            throw error.code == .invalidInput ? error.inFile(file) : error
        }
        let status = r.status == .infeasible ? ExitStatus.infeasible : ExitStatus.success
        let solver = r.rule == .composed
            ? "tail-bound (branch and bound; composed tails, Monte Carlo \(r.runs ?? runs) runs)"
            : "tail-bound (branch and bound; conservative tails)"
        switch format {
        case .json:
            var fields: [(String, JSONValue)] = [("status", .string(r.status.rawValue))]
            if let indices = r.optionIndices, let p = r.prediction {
                fields.append(("configuration", Render.configuration(model, indices)))
                var predicted: [(String, JSONValue)] = [("latency_ms", .number(p.latencyMs)), ("cost_per_million_usd", .number(p.costPerMillion)),
                                                        ("accuracy", .number(p.accuracy))]
                for (b, v) in zip(tails, r.tails) { predicted.append((Self.key(b), .number(v))) }
                fields.append(("predicted", .object(predicted)))
            } else {
                let closest = zip(tails, r.closestTails).map { b, best -> JSONValue in
                    .object([("bound", .string(Self.key(b))), ("limit", .number(b.maxMs)), ("best", best.map { .number($0) } ?? .null),
                             ("relative_gap", best.map { .number(($0 - b.maxMs) / b.maxMs) } ?? .null)])
                }
                fields.append(("closest", .array(closest)))
            }
            fields.append(("solver", .string(solver)))
            return CommandResult(stdout: JSONValue.object(fields).render() + "\n", status: status)
        case .table:
            var goalText = PlanCommand.describe(goal)
            for b in tails { goalText += "; \(Self.key(b)) ≤ \(JSONValue.format(b.maxMs)) ms" }
            var out = "\(model.workflow.name): \(goalText)\n"
            guard let indices = r.optionIndices, let p = r.prediction else {
                out += "status: infeasible (\(solver)) — no configuration meets the bounds\n"
                for (b, best) in zip(tails, r.closestTails) {
                    if let best {
                        out += "  \(Self.key(b)): limit \(JSONValue.format(b.maxMs)), best reachable with the other bounds kept \(Render.fixed(best, 4))"
                            + " (\(Render.fixed((best - b.maxMs) / b.maxMs * 100, 1))% short)\n"
                    } else {
                        out += "  \(Self.key(b)): the other bounds cannot all be met even without this one\n"
                    }
                }
                return CommandResult(stdout: out, status: status)
            }
            out += "status: \(r.status.rawValue) (\(solver))\n\n"
            out += Render.stageTable(model, indices) + "\n"
            out += "predicted: " + Render.summary(p)
            for (b, v) in zip(tails, r.tails) { out += ", \(Self.key(b)) \(Render.fixed(v, 1)) ms" }
            return CommandResult(stdout: out + "\n", status: status)
        }
    }
}
