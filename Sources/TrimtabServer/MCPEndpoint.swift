import Foundation
import HTTPTypes
import Hummingbird
import MCP
import TrimtabKit
import TrimtabMCP

/// `POST /mcp`: the MCP tools of `trimtab mcp` over streamable HTTP with the SDK's stateless
/// transport: one JSON answer per POST, no sessions. Each POST gets its own MCP server (cheap:
/// handlers only), so any number of clients may initialize; the tools share the server's gate.
struct MCPEndpoint: Sendable {
    private let mcp: TrimtabMCPServer

    init(workflowDirectory: String?, gate: OperationGate, defaultTimeLimit: Double) {
        var mcp = TrimtabMCPServer(workflowDirectory: workflowDirectory, gate: gate)
        mcp.defaultTimeLimit = defaultTimeLimit
        self.mcp = mcp
    }

    func respond(to request: Request, body: ByteBuffer?) async -> Response {
        let transport = StatelessHTTPServerTransport()
        let server = await mcp.makeServer()
        do { try await server.start(transport: transport) } catch {
            return TrimtabServer.json(.serviceUnavailable, TrimtabServer.errorBody("mcp: cannot start: \(error)"))
        }
        defer { Task { await server.stop() } }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let mcpRequest = MCP.HTTPRequest(method: request.method.rawValue, headers: headers,
                                         body: body.map { Data($0.readableBytesView) }, path: request.uri.path)
        let answer = await transport.handleRequest(mcpRequest)
        var responseHeaders = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { responseHeaders[field] = value }
        }
        let data = answer.bodyData ?? Data()
        return Response(status: HTTPTypes.HTTPResponse.Status(code: answer.statusCode), headers: responseHeaders,
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
