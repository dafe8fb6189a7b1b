import Foundation
import Testing
import TrimtabModel
@testable import TrimtabJob

/// The Ray engine's bookkeeping without Ray: the measurement against hand-computed values, and
/// the parts folder (every item once; a retried batch's identical copy dropped; two different
/// answers for an item refused). The run on a real cluster is in TrimtabCLITests/RayDataJobTests.
struct RayDataRunnerTests {
    @Test func measurementMatchesTheHandComputedSums() {
        // Actor A: init 0→1, batches 1→3 (10 items) and 3→4 (5); actor B: init 0.5→1, batch 1→2.5 (8).
        let batches: [RayRunMeasurement.Batch] = [
            .init(items: 10, actor: "A", start: 1, end: 3, initStart: 0, initEnd: 1),
            .init(items: 8, actor: "B", start: 1, end: 2.5, initStart: 0.5, initEnd: 1),
            .init(items: 5, actor: "A", start: 3, end: 4, initStart: 0, initEnd: 1),
        ]
        let m = RayRunMeasurement(batches: batches, start: -1, end: 5, cpusPerActor: 2)
        #expect(m.items == 23)
        #expect(m.batches == 3 && m.actors == 2 && m.largestBatch == 10)
        #expect(m.makespanS == 6)
        let busy: Double = 2 * ((1 + 0.5) + (2 + 1 + 1.5))   // inits + batches, × 2 CPUs
        let held: Double = 2 * ((5 - 0) + (5 - 0.5))          // each actor from its init to the end, × 2 CPUs
        #expect(m.busyCoreSeconds == busy)
        #expect(m.heldCoreSeconds == held)
        #expect(m.initCoreSeconds == 3)
        #expect(m.medianInitS == 0.75)
        #expect(m.medianBatchS == 1.5)
        #expect(m.startupS == 1)
    }

    @Test func partsGiveEveryItemOnceAndRefuseConflictingAnswers() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trimtab-parts-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "0\tseven\n1\tone\n".write(toFile: folder + "/part-000000000-a-1.tsv", atomically: true, encoding: .utf8)
        try "2\ttwo\n".write(toFile: folder + "/part-000000002-a-2.tsv", atomically: true, encoding: .utf8)
        try "1\tone\n".write(toFile: folder + "/part-000000001-b-1.tsv", atomically: true, encoding: .utf8)   // a retried batch
        try "3\tunfinished\n".write(toFile: folder + "/part-000000003-b-2.tmp", atomically: true, encoding: .utf8)
        let read = try RayDataRunner.readParts(folder, items: 4)
        #expect(read.answers == [0: "seven", 1: "one", 2: "two"])
        #expect(read.duplicates == 1)
        try "2\tTWO\n".write(toFile: folder + "/part-000000002-c-1.tsv", atomically: true, encoding: .utf8)
        #expect(throws: TrimtabError.self) { try RayDataRunner.readParts(folder, items: 4) }
        #expect(throws: TrimtabError.self) { try RayDataRunner.readParts(folder, items: 2) }   // item 2 is not in a 2-item job
    }
}
