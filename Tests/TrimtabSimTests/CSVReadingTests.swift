import Foundation
import Testing
import TrimtabModel
import TrimtabSim

/// Empirical samples and arrival timestamps are read with the one CSV reader (`CSVTable`): quoted
/// fields holding commas, blank lines and line numbers as in the file.
@Suite struct CSVReadingTests {
    func write(_ text: String, _ ext: String = "csv") throws -> String {
        let path = NSTemporaryDirectory() + "csv-\(UUID().uuidString).\(ext)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func samplesWithQuotedCommasAndBlankLines() throws {
        let path = try write("Function,\"Note, free text\",Duration\nf,\"a, b\",12.5\n\ng,x,7\nf,\"c\",30\n")
        #expect(try EmpiricalSamples.load(path: path, column: "Duration", filter: ["Function": "f"], baseDirectory: nil) == [12.5, 30])
        let bad = try write("Function,Duration\nf,1\n\nf,oops\n")
        #expect(throws: TrimtabError(file: bad, field: "line 4", "'oops' is not a positive duration")) {
            try EmpiricalSamples.load(path: bad, column: "Duration", filter: [:], baseDirectory: nil)
        }
    }

    @Test func timestampsWithAndWithoutAHeader() throws {
        #expect(try ArrivalTimestamps.read(path: try write("3.5\n1\n\n2\n")) == [2.5, 0, 1])
        #expect(try ArrivalTimestamps.read(path: try write("t,id\n\"4\",a\n2,b\n"), scale: 2) == [1, 0])
        let bad = try write("t\n1\nx\n")
        #expect(throws: TrimtabError(file: bad, field: "line 3", "'x' is not a timestamp in seconds")) {
            try ArrivalTimestamps.read(path: bad)
        }
        let empty = try write("")
        #expect(throws: TrimtabError(file: empty, "the file holds no timestamps")) { try ArrivalTimestamps.read(path: empty) }
    }
}
