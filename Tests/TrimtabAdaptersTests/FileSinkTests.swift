import Foundation
import Testing
import TrimtabTestSupport
@testable import TrimtabAdapters

@Suite struct FileSinkTests {
    @Test func writesJSONAndKeepsEarlierStages() async throws {
        let folder = try ExternalServer.temporaryDirectory("trimtab-filesink")
        let path = folder.appendingPathComponent("config.json").path
        let sink = FileSink(path: path)
        _ = await sink.apply([StageSetting(stage: "a", variant: "small", memoryMB: 512, concurrency: 2),
                              StageSetting(stage: "b", replicas: 3)])
        _ = await sink.apply([StageSetting(stage: "b", replicas: 4)])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == """
            {
              "stages" : {
                "a" : {
                  "concurrency" : 2,
                  "memory_mb" : 512,
                  "variant" : "small"
                },
                "b" : {
                  "replicas" : 4
                }
              }
            }

            """)
    }

    @Test func writesYAML() async throws {
        let folder = try ExternalServer.temporaryDirectory("trimtab-filesink")
        let path = folder.appendingPathComponent("config.yaml").path
        let report = await FileSink(path: path).apply([StageSetting(stage: "a", memoryMB: 1024, replicas: 2)])
        #expect(report.isComplete)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "stages:\n  a:\n    memory_mb: 1024\n    replicas: 2\n")
    }

    @Test func unwritablePathFailsEveryStage() async {
        let report = await FileSink(path: "/nonexistent-dir/x.json").apply([StageSetting(stage: "a", replicas: 1)])
        #expect(report.applied.isEmpty)
        #expect(report.failed.map(\.stage) == ["a"])
    }
}
