import Foundation
@testable import TrimtabAdapters

/// A transport that answers from a script and records what it was sent.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [Result<HTTPResponseData, any Error>]
    private(set) var sent: [HTTPRequestData] = []

    init(_ answers: [Result<HTTPResponseData, any Error>]) { self.answers = answers }

    func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        let next: Result<HTTPResponseData, any Error> = lock.withLock {
            sent.append(request)
            return answers.isEmpty ? .success(HTTPResponseData(status: 599)) : answers.removeFirst()
        }
        return try next.get()
    }

    var requests: [HTTPRequestData] { lock.withLock { sent } }
}

struct TransportFailure: Error {}
