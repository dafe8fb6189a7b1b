import Foundation
import Testing
import TrimtabKit
import TrimtabModel

@Test func importTakesBranchProbabilitiesFromTheInvocationCounts() throws {
    // A → Choice → B (else end), stages named by their functions fa and fb. 100 invocations of fa
    // and 30 of fb: the branch to fb has probability 30/100, the other 70/100; fa's latency table is
    // its measured mean at 1024 MB.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let definition = #"""
        {"StartAt": "A", "States": {
          "A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-2:1:function:fa", "Next": "C"},
          "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "B"}], "Default": "D"},
          "B": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-2:1:function:fb", "End": true},
          "D": {"Type": "Succeed"}}}
        """#
    var logs = "Function,Memory Size,Duration,Billed Duration\n"
    for i in 0..<100 { logs += "fa,1024,\(i % 2 == 0 ? 90 : 110),\(i % 2 == 0 ? 90 : 110)\n" }
    for _ in 0..<30 { logs += "fb,1024,200,200\n" }
    let definitionPath = dir.appendingPathComponent("flow.json").path, logsPath = dir.appendingPathComponent("logs.csv").path
    try definition.write(toFile: definitionPath, atomically: true, encoding: .utf8)
    try logs.write(toFile: logsPath, atomically: true, encoding: .utf8)

    let result = try ImportStepFunctionsOperation.run(.init(definition: definitionPath, logs: logsPath))
    let workflow = try WorkflowSource.text(result.workflow, label: "imported").parse()
    #expect(workflow.name == "flow")
    let toB = try #require(workflow.edges.first { $0.to == "fb" })
    #expect(abs(toB.probability - 0.3) < 1e-9 && toB.from == "fa", "\(toB)")
    #expect(abs((workflow.edges.first { $0.from == "fa" && $0.to == "end" }?.probability ?? 0) - 0.7) < 1e-9)
    let a = try #require(workflow.stages.first { $0.name == "fa" })
    #expect(abs((a.variants.first?.latency.first { $0.memoryMB == 1024 }?.latencyMs ?? 0) - 100) < 1e-9)
}
