import Foundation
import Testing
import TrimtabModel
@testable import TrimtabFit

/// `trimtab fit --workflow` on CSVs of `trimtab profile --ray-serve`, against values computed by hand.
@Suite struct ServeProfileFitTests {
    static let base = """
        # an offline workflow (header comments are replaced)
        version: 1
        name: served
        platform: {kind: kubernetes, price_per_core_hour: 0.04}
        stages:
          - name: a
            variants:
              - name: x
                accuracy: 0.8
                latency_ms_by_batch:
                  1: {1000: 0.5}
              - name: y
                accuracy: 0.9
                latency_ms_by_batch:
                  1: {1000: 1}
          - name: b
            variants:
              - name: z
                accuracy: 0.95
                latency_ms: {1000: 2}
        edges: [{from: start, to: a}, {from: a, to: b}, {from: b, to: end}]
        goal: {maximize: accuracy, subject_to: {latency_ms: 100}}
        """

    /// Stage a, variant x: at 0.5 CPUs, batch 1 took 2 and 4 ms (mean 3) with overheads 10 and 14,
    /// two throughput runs of 40 and 44 requests/s (mean 42); batch 2 took 6, 8, 7, 7 ms (mean 7)
    /// with overheads of 50 ms (simultaneous requests queue at the proxy: not overhead) at 60
    /// requests/s. At 1 CPU batch 1 took 3 ms (overhead 12) but batch 2 failed, so 1 CPU is left
    /// out of x's tables. Overhead: the mean of the batch-1 requests, (10 + 14 + 12) / 3 = 12 ms,
    /// on the first stage.
    static let csv = """
        stage,variant,cpus,batch_size,concurrency,latency_ms,overhead_ms,throughput_rps,status
        a,x,0.5,1,1,2.000,10.000,,ok
        a,x,0.5,1,1,4.000,14.000,,ok
        a,x,0.5,1,4,,,40.000,ok
        a,x,0.5,1,4,,,44.000,ok
        a,x,0.5,2,2,6.000,50.000,,ok
        a,x,0.5,2,2,8.000,50.000,,ok
        a,x,0.5,2,2,7.000,50.000,,ok
        a,x,0.5,2,2,7.000,50.000,,ok
        a,x,0.5,2,8,,,60.000,ok
        a,x,1,1,1,3.000,12.000,,ok
        a,x,1,1,2,,,50.000,ok
        a,x,1,2,2,,,,"infeasible: HTTP 500: boom, twice"
        """

    @Test func fittedWorkflowHoldsTheHandComputedTables() throws {
        var fit = ServeProfileFit()
        let table = try CSVTable(text: Self.csv, file: "a.csv")
        #expect(ServeProfileFit.recognises(table))
        try fit.add(table)
        #expect(fit.overheadMs == 12)
        let x = try #require(fit.tables()["a"]?["x"])
        #expect(x.latency == [1: [500: 3], 2: [500: 7]])
        #expect(x.throughput == [1: [500: 42], 2: [500: 60]])
        #expect(x.omitted == ["1 CPUs left out: batch size 2 infeasible: HTTP 500: boom, twice"])
        // The spread pools each kept request's time over its setting's mean: 2/3, 4/3 (batch 1) and
        // 6/7, 8/7, 1, 1 (batch 2); the left-out 1-CPU setting does not count.
        let spread = try #require(x.spread)
        #expect(abs(spread.value(at: 0) - 2.0 / 3) < 1e-12 && abs(spread.value(at: 1) - 4.0 / 3) < 1e-12)
        #expect(abs(spread.value(at: 0.5) - 1) < 1e-12)
        // Type-7 quantile at 0.9 of the six sorted ratios: between the 5th (8/7) and 6th (4/3), halfway.
        #expect(abs(spread.value(at: 0.9) - (8.0 / 7 + 4.0 / 3) / 2) < 1e-9)

        let text = try fit.workflowYAML(base: Self.base, baseFile: "base.yaml", command: "trimtab fit a.csv --workflow base.yaml")
        #expect(text.hasPrefix("# trimtab fit a.csv --workflow base.yaml\n"))
        #expect(!text.contains("an offline workflow"))
        let workflow = try WorkflowParser.parse(text: text)
        let a = workflow.stages[0], b = workflow.stages[1]
        #expect(a.overheadMs == 12 && b.overheadMs == 0)
        let fx = a.variants[0]
        #expect(fx.name == "x" && fx.accuracy == 0.8)
        #expect(fx.latencyMs(memoryMB: 500, batchSize: 1) == 3 && fx.latencyMs(memoryMB: 500, batchSize: 2) == 7)
        #expect(fx.throughputRps(memoryMB: 500, batchSize: 1) == 42 && fx.throughputRps(memoryMB: 500, batchSize: 2) == 60)
        #expect(fx.latency.map(\.memoryMB) == [500])
        // The spread is written and reads back (to the writer's precision).
        #expect(abs((fx.tails.spread?.value(at: 1) ?? 0) - 4.0 / 3) < 1e-4)
        // Not profiled: kept as the base has them.
        #expect(a.variants[1].name == "y" && a.variants[1].latencyMs(memoryMB: 1000, batchSize: 1) == 1 && a.variants[1].batchThroughput.isEmpty)
        #expect(b.variants[0].latencyMs(memoryMB: 1000) == 2 && b.variants[0].accuracy == 0.95)
        #expect(workflow.edges.count == 3 && workflow.platform.kind == .kubernetes)
        #expect(text.contains("# 1 CPUs left out: batch size 2 infeasible: HTTP 500: boom, twice"))
    }

    @Test func aStageOrVariantTheBaseLacksIsBadInput() throws {
        for (prefix, message) in [("c,x", "'c' is not a stage of base.yaml"), ("a,w", "'w' is not a variant of stage 'a' in base.yaml")] {
            var fit = ServeProfileFit()
            try fit.add(try CSVTable(text: "stage,variant,cpus,batch_size,concurrency,latency_ms,overhead_ms,throughput_rps,status\n"
                                     + "\(prefix),1,1,1,3.000,12.000,,ok\n\(prefix),1,1,2,,,50,ok\n", file: "m.csv"))
            #expect(throws: TrimtabError.self) { try fit.workflowYAML(base: Self.base, baseFile: "base.yaml", command: "fit") }
            do { _ = try fit.workflowYAML(base: Self.base, baseFile: "base.yaml", command: "fit") } catch {
                #expect(error.description.contains(message), "\(error.description)")
                #expect(error.description.hasPrefix("m.csv"), "\(error.description)")
            }
        }
        // A latency that is not a number names the file, line and column.
        var fit = ServeProfileFit()
        #expect(throws: TrimtabError.self) {
            try fit.add(try CSVTable(text: "stage,variant,cpus,batch_size,concurrency,latency_ms,overhead_ms,throughput_rps,status\na,x,1,1,1,fast,1,,ok\n",
                                     file: "m.csv"))
        }
    }
}
