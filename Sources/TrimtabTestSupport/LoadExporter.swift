import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A small Prometheus exporter that tests drive with a known load: it serves a counter
/// `requests_total` that grows at `rate` per second, so `rate(requests_total[…])` reads it back.
///
/// Every sample carries its own timestamp (the moment its value was computed), so Prometheus
/// computes the rate from the exporter's clock rather than from when it began the scrape: a
/// scrape that a loaded machine delays does not skew the reading.
public actor LoadExporter {
    private var total = 0.0
    private var rate: Double
    private var last: Date

    public init(rate: Double) {
        self.rate = rate
        last = Date()
    }

    /// Changes the arrival rate from now on.
    public func setRate(_ newRate: Double) {
        advance(to: Date())
        rate = newRate
    }

    private func advance(to now: Date) {
        total += rate * max(0, now.timeIntervalSince(last))
        last = max(last, now)
    }

    /// The exposition text at this moment, the sample stamped with this moment (milliseconds).
    public func exposition() -> String {
        let milliseconds = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        advance(to: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
        return "# HELP requests_total Requests received.\n# TYPE requests_total counter\nrequests_total \(total) \(milliseconds)\n"
    }

    /// Serves `/metrics` on a free loopback port in the background.
    public func serve() async throws -> RunningHTTPServer {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: await self.exposition())))
        }
        return try await RunningHTTPServer.start(router: router)
    }
}

/// A Hummingbird server running in the background of a test process.
public final class RunningHTTPServer: Sendable {
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.group = group
        self.task = task
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Serves `router` on a free loopback port; returns once it accepts connections.
    public static func start(router: Router<BasicRequestContext>) async throws -> RunningHTTPServer {
        var logger = Logger(label: "trimtab.test-server")
        logger.logLevel = .critical
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
                              logger: logger)
        // Idle keep-alive connections (the shared HTTP client's) must not hold the shutdown.
        var configuration = ServiceGroupConfiguration(services: [.init(service: app)], logger: logger)
        configuration.maximumGracefulShutdownDuration = .milliseconds(500)
        let group = ServiceGroup(configuration: configuration)
        let task = Task { try await group.run() }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw TestServerError("the test HTTP server did not start")
        }
        return RunningHTTPServer(port: port, group: group, task: task)
    }

    /// Shuts the server down gracefully and waits for it.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}
