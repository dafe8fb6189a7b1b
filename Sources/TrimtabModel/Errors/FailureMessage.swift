import Foundation

/// One clean line for a failure whose message embeds a system error, such as
/// `GET http://127.0.0.1:9/api/v1/query: connection reset (error set): Connection refused) (errno: 111)`
/// (SwiftNIO's description) or a debug dump (`NIOConnectionError(host: …, connectionErrors: [… error:
/// … Connection refused (errno: 111))])`): the system error becomes its cause,
/// `GET http://127.0.0.1:9/api/v1/query: Connection refused`. Other messages are only joined
/// onto one line.
public enum FailureMessage {
    public static func clean(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        // The cause of a system error: the words before its "(errno: N)", stray parentheses dropped.
        guard let regex = try? NSRegularExpression(pattern: #"([A-Za-z][A-Za-z ',-]*[A-Za-z])\)*\s*\(errno: [0-9]+\)"#),
              let match = regex.matches(in: line, range: NSRange(line.startIndex..., in: line)).last,
              let causeRange = Range(match.range(at: 1), in: line) else { return line }
        let cause = String(line[causeRange])
        // What precedes the system error (or its debug dump, `NIOConnectionError(…`) is the context.
        var end = causeRange.lowerBound
        if let dump = line.range(of: #"[A-Z][A-Za-z.]*(Error|Failure)\("#, options: .regularExpression), dump.lowerBound < end {
            end = dump.lowerBound
        }
        var head = line[..<end].components(separatedBy: ": ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // `connect(descriptor:addr:size:)`, `connection reset (error set)`: framing, not context.
        while let last = head.last, isSystemFraming(last) { head.removeLast() }
        return (head + [cause]).joined(separator: ": ")
    }

    /// An error's cause on one clean line (`clean` of its description).
    public static func describe(_ error: any Error) -> String { clean("\(error)") }

    /// Parts of a system error's description that are not its cause: `connect(descriptor:addr:size:)`,
    /// `connection reset (error set)`.
    private static func isSystemFraming(_ segment: String) -> Bool {
        segment.range(of: #"^[a-z][A-Za-z]*\([A-Za-z:]*\)$"#, options: .regularExpression) != nil
            || segment.range(of: #"^[a-z][a-z ]*\([a-z ]+\)$"#, options: .regularExpression) != nil
    }
}
