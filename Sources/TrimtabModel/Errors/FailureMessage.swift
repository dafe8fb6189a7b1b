import Foundation

/// One clean line for a failure whose message embeds a system error's debug dump, such as
/// `GET http://127.0.0.1:9/api/v1/query: NIOConnectionError(host: …, connectionErrors: [… error:
/// connection reset (error set): Connection refused (errno: 111))])`: the dump becomes its cause,
/// `GET http://127.0.0.1:9/api/v1/query: Connection refused`. Messages without such a dump are
/// only joined onto one line.
public enum FailureMessage {
    public static func clean(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        // The cause of a system error: the words before its "(errno: N)".
        let causes = matches(#"[A-Za-z][A-Za-z ',-]*[A-Za-z](?= \(errno: [0-9]+\))"#, in: line)
        guard let cause = causes.last else { return line }
        if let dump = line.range(of: #"[A-Z][A-Za-z.]*(Error|Failure)\("#, options: .regularExpression) {
            var head = line[..<dump.lowerBound].trimmingCharacters(in: .whitespaces)
            while head.hasSuffix(":") { head = String(head.dropLast()).trimmingCharacters(in: .whitespaces) }
            return head.isEmpty ? cause : head + ": " + cause
        }
        // A bare system error: `connect(descriptor:addr:size:): Connection refused (errno: 111)`.
        return line.replacingOccurrences(of: #"[a-z][A-Za-z]*\([A-Za-z:]*\): "#, with: "", options: .regularExpression)
            .replacingOccurrences(of: #" \(errno: [0-9]+\)"#, with: "", options: .regularExpression)
    }

    /// An error's cause on one clean line (`clean` of its description).
    public static func describe(_ error: any Error) -> String { clean("\(error)") }

    private static func matches(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).compactMap { Range($0.range, in: text).map { String(text[$0]) } }
    }
}
