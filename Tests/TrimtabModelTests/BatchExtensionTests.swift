import Testing
@testable import TrimtabModel

private let batchedWorkflow = """
version: 1
name: batched
stages:
  - name: pre
    latency_ms: {512: 20}
  - name: classify
    variants:
      - name: small
        accuracy: 0.7
        latency_ms_by_batch:
          1: {1024: 100, 2048: 60}
          4: {1024: 220, 2048: 130}
          8: {1024: 380, 2048: 230}
edges:
  - {from: start, to: pre}
  - {from: pre, to: classify}
  - {from: classify, to: end}
goal: {minimize: cost, load_rps: 25}
"""

@Test func batchTablesParseAndInterpolate() throws {
    let workflow = try WorkflowParser.parse(text: batchedWorkflow)
    let variant = workflow.stages[1].variants[0]
    #expect(variant.batchSizes == [1, 4, 8])
    // Without latency_ms the smallest batch's row is the unbatched table.
    #expect(variant.latency == [LatencyPoint(memoryMB: 1024, latencyMs: 100), LatencyPoint(memoryMB: 2048, latencyMs: 60)])
    #expect(variant.latencyMs(memoryMB: 1024, batchSize: 4) == 220)
    // Between 4 (220) and 8 (380): linear, so 6 → 300.
    #expect(variant.latencyMs(memoryMB: 1024, batchSize: 6) == 300)
    // Beyond the last measured size the last segment extends: 10 → 380 + 2·40.
    #expect(variant.latencyMs(memoryMB: 1024, batchSize: 10) == 460)
    #expect(variant.latencyMs(memoryMB: 4096, batchSize: 4) == nil)
    // A stage without a batch dimension serves every batch size with its table.
    #expect(workflow.stages[0].variants[0].latencyMs(memoryMB: 512, batchSize: 7) == 20)
    #expect(workflow.goal?.loadRps == 25)
}

@Test func batchTablesRejectBadInput() {
    let mismatched = batchedWorkflow.replacingOccurrences(of: "4: {1024: 220, 2048: 130}", with: "4: {1024: 220}")
    #expect(throws: TrimtabError.self) { try WorkflowParser.parse(text: mismatched) }
    do {
        _ = try WorkflowParser.parse(text: batchedWorkflow.replacingOccurrences(of: "          4: {", with: "          0: {"))
        Issue.record("batch size 0 accepted")
    } catch {
        #expect(error.description.contains("stages[1].variants[0].latency_ms_by_batch.0"))
    }
    #expect(throws: TrimtabError.self) {
        try WorkflowParser.parse(text: batchedWorkflow.replacingOccurrences(of: "load_rps: 25", with: "load_rps: -1"))
    }
}

@Test func configurationExtensionsParse() throws {
    let text = """
    {"configuration": {"classify": {"variant": "small", "memory_mb": 2048, "batch_size": 4,
                                    "batch_timeout_ms": 50, "replicas": 3, "cores": 2}}}
    """
    let configuration = try ConfigurationParser.parse(FieldReader(Value.parseYAML(text)).required("configuration"))
    #expect(configuration["classify"] == StageChoice(variant: "small", memoryMB: 2048, batchSize: 4,
                                                     batchTimeoutMs: 50, replicas: 3, cores: 2))
}
