import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// The production transport: AsyncHTTPClient's shared client (or `client`), with a per-request
/// timeout and, for https peers with their own CA (a Kubernetes API server), that CA as the only
/// trust root.
public struct AsyncHTTPTransport: HTTPTransport {
    public var timeout: Duration
    public var caFile: String?
    /// The client that sends: the shared one (at most 8 connections per host), or one with a larger
    /// pool for load that needs more requests in flight (the caller shuts it down).
    public var client: HTTPClient

    public init(timeout: Duration = .seconds(10), caFile: String? = nil, client: HTTPClient = .shared) {
        self.timeout = timeout
        self.caFile = caFile
        self.client = client
    }

    /// A client whose pool keeps up to `connections` connections per host open at once.
    public static func client(connections: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Sends `request` and blocks the calling thread until the answer (AsyncHTTPClient's
    /// future-based API: the work runs on the client's event loops, not on Swift's cooperative
    /// threads, so a synchronous caller — `profile`'s invokers — cannot starve them). Never call
    /// it from an event loop or from async code.
    public func sendWaiting(_ request: HTTPRequestData) throws -> HTTPResponseData {
        var headers = HTTPHeaders()
        for (name, value) in request.headers { headers.add(name: name, value: value) }
        var outgoing = try HTTPClient.Request(url: request.url, method: HTTPMethod(rawValue: request.method), headers: headers,
                                              body: request.body.map { .byteBuffer(ByteBuffer(bytes: $0)) })
        if let caFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            outgoing.tlsConfiguration = tls
        }
        let millis = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        let response = try client.execute(request: outgoing, deadline: .now() + .milliseconds(millis)).wait()
        let body = response.body.map { Data($0.readableBytesView) } ?? Data()
        return HTTPResponseData(status: Int(response.status.code), body: body, headers: response.headers.map { ($0.name, $0.value) })
    }

    public func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        if let caFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            outgoing.tlsConfiguration = tls
        }
        let millis = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        let response = try await client.execute(outgoing, timeout: .milliseconds(millis))
        let buffer = try await response.body.collect(upTo: 16 << 20)
        return HTTPResponseData(status: Int(response.status.code), body: Data(buffer.readableBytesView),
                                headers: response.headers.map { ($0.name, $0.value) })
    }
}
