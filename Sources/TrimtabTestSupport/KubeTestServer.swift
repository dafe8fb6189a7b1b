import Foundation
import Hummingbird
import NIOCore

/// The Kubernetes test API over HTTP (Hummingbird): every path goes to a `KubeAPIStore`, and
/// `POST /_test/faults?count=N&status=S` injects faults from outside the process.
public enum KubeTestServer {
    /// The router: in-process tests drive it with HummingbirdTesting; `run` serves it on a socket.
    public static func router(store: KubeAPIStore) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/_test/faults") { request, _ -> Response in
            let count = request.uri.queryParameters.get("count").flatMap { Int($0) } ?? 1
            let status = request.uri.queryParameters.get("status").flatMap { Int($0) } ?? 503
            await store.injectFaults(count: count, status: status)
            return Response(status: .noContent)
        }
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let body = try await request.body.collect(upTo: 4 << 20)
            let kube = KubeRequest(method: request.method.rawValue, path: request.uri.path,
                                   contentType: request.headers[.contentType], authorization: request.headers[.authorization],
                                   body: Data(body.readableBytesView))
            let answer = await store.handle(kube)
            return Response(status: .init(code: answer.status), headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        for method in [HTTPRequest.Method.get, .put, .patch, .post, .delete] {
            router.on("/**", method: method, use: handler)
        }
        return router
    }

    /// Serves the API on 127.0.0.1:`port` (0 picks a free port) until the task is cancelled;
    /// `onRunning` receives the bound port.
    public static func run(store: KubeAPIStore, port: Int = 0,
                           onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = Application(router: router(store: store),
                              configuration: .init(address: .hostname("127.0.0.1", port: port)),
                              onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) })
        try await app.runService()
    }
}

extension KubeTestServer {
    /// Starts the API for `store` on a free loopback port in the background.
    public static func start(store: KubeAPIStore) async throws -> RunningHTTPServer {
        try await RunningHTTPServer.start(router: router(store: store))
    }
}
