import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Serves `ControlMetrics` on `GET /metrics` (Hummingbird), with `GET /healthz` (the process
/// serves) and `GET /readyz` (the loop has finished its warm-up: 503 before) for probes.
public enum MetricsServer {
    public static func router(_ metrics: ControlMetrics) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/healthz") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/readyz") { _, _ -> Response in
            let ready = metrics.isReady
            return Response(status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: ready ? "ready\n" : "warming up\n")))
        }
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        return router
    }

    /// Runs until the task is cancelled, then shuts down gracefully; `onRunning` receives the
    /// bound port (0 picks a free one). `address` is 127.0.0.1 unless the configuration says
    /// otherwise (0.0.0.0 in a cluster, where Prometheus and the kubelet reach the pod).
    public static func run(_ metrics: ControlMetrics, address: String = "127.0.0.1", port: Int, logger: Logger = Logger(label: "trimtab.metrics"),
                           onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var quiet = logger
        quiet.logLevel = .warning
        let app = Application(router: router(metrics), configuration: .init(address: .hostname(address, port: port)),
                              onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
                              logger: quiet)
        // Idle keep-alive connections (a scraper's) must not hold the shutdown: cancel after 2 s.
        var configuration = ServiceGroupConfiguration(services: [.init(service: app)], logger: quiet)
        configuration.maximumGracefulShutdownDuration = .seconds(2)
        let group = ServiceGroup(configuration: configuration)
        // Cancelling the caller shuts the server down gracefully (cancelling the group itself
        // would cut open connections).
        let running = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await running.value
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }
}
