import TrimtabKit

/// The OpenAPI 3.1 document of `TrimtabServer`, served at `/openapi.json`. Built from the same
/// route table and request schemas (`RequestSchema`) the router and the MCP tools use, so it
/// lists exactly the routes the server answers; `OpenAPIDocumentTests` checks each route and
/// parameter against the running router, and CI fuzzes the server against it (schemathesis).
enum OpenAPIDocument {
    static func make(routes: [RemoteOperation], authenticated: Bool = false, history: Bool = false) -> JSONValue {
        var paths: [(String, JSONValue)] = []
        for route in routes {
            paths.append((TrimtabServer.path(of: route.schema), .object([("post", operation(route, authenticated: authenticated))])))
        }
        var mcpPost: [(String, JSONValue)] = [
            ("operationId", .string("mcp")),
            ("summary", .string("Model Context Protocol over streamable HTTP (stateless): the tools of `trimtab mcp`.")),
            ("requestBody", .object([("required", .bool(true)), ("content", .object([
                ("application/json", .object([("schema", .object([("type", .string("object"))]))])),
            ]))])),
            ("responses", .object([("default", .object([("description", .string("A JSON-RPC answer, or 202 for a notification."))]))])),
        ]
        if authenticated { mcpPost.append(("security", .array([.object([("bearer", .array([]))])]))) }
        if history {
            paths.append(("/v1/history", .object([("get", .object([
                ("operationId", .string("history")),
                ("summary", .string("The controller's history: every iteration's load, forecast, plan, changes and errors (as `trimtab history --format json`).")),
                ("parameters", .array([.object([("name", .string("since")), ("in", .string("query")), ("required", .bool(false)),
                                                ("schema", .object([("type", .string("string")), ("description", .string("Seconds since 1970, an ISO 8601 time, or a duration back from now (90s, 15m, 2h, 1d)."))]))])])),
                ("responses", .object([
                    ("200", .object([("description", .string("The iterations, oldest first.")),
                                     ("content", .object([("application/json", .object([("schema", .object([("type", .string("array")), ("items", .object([("type", .string("object"))]))]))]))]))])),
                    ("400", .object([("description", .string("A bad `since`, or an unknown parameter.")),
                                     ("content", .object([("application/json", .object([("schema", .object([("$ref", .string("#/components/schemas/Error"))]))]))]))])),
                    ("503", .object([("description", .string("The database cannot be read.")),
                                     ("content", .object([("application/json", .object([("schema", .object([("$ref", .string("#/components/schemas/Error"))]))]))]))])),
                ])),
            ]))])))
        }
        paths += [
            ("/", get("dashboard", "The dashboard: one self-contained page.", "text/html", .object([("type", .string("string"))]))),
            ("/healthz", get("health", "Liveness: `ok`, answered while solves run.", "text/plain", .object([("type", .string("string"))]))),
            ("/openapi.json", get("openapi", "This document.", "application/json", .object([("type", .string("object"))]))),
            ("/metrics", get("metrics", "Prometheus metrics (text format 0.0.4).", "text/plain", .object([("type", .string("string"))]))),
            ("/mcp", .object([("post", .object(mcpPost))])),
        ]
        return .object([
            ("openapi", .string("3.1.0")),
            ("info", .object([("title", .string("Trimtab")), ("version", .string(TrimtabVersion.current)),
                              ("description", .string("Plans ML inference workflows: latency, cost and accuracy. Answers are what `trimtab COMMAND --format json` prints."))])),
            ("paths", .object(paths)),
            ("components", .object([("securitySchemes", .object([("bearer", .object([("type", .string("http")), ("scheme", .string("bearer"))]))])),
                                    ("schemas", .object([
                ("Error", .object([("type", .string("object")), ("required", .array([.string("error")])),
                                   ("properties", .object([("error", .object([("type", .string("string")),
                                                                               ("description", .string("One line naming the field or cause."))]))]))])),
                ("Result", .object([("type", .string("object")), ("description", .string("The operation's JSON (docs and the workflow spec list its fields)."))])),
            ]))])),
        ])
    }

    static func operation(_ route: RemoteOperation, authenticated: Bool) -> JSONValue {
        let schema = route.schema
        let parameters: [JSONValue] = schema.fields.filter { $0.inQuery }.map { field in
            .object([("name", .string(field.name)), ("in", .string("query")), ("required", .bool(false)),
                     ("schema", RequestSchema.schema(of: field))])
        }
        var content: [(String, JSONValue)] = [("application/json", .object([("schema", schema.jsonSchema())]))]
        if route.bodyIsWorkflow {
            let text = JSONValue.object([("type", .string("string")), ("description", .string("A v1 workflow as YAML (or JSON) text."))])
            content.append(("application/yaml", .object([("schema", text)])))
            content.append(("text/plain", .object([("schema", text)])))
        }
        let error = JSONValue.object([("$ref", .string("#/components/schemas/Error"))])
        func response(_ description: String, _ schema: JSONValue) -> JSONValue {
            .object([("description", .string(description)), ("content", .object([("application/json", .object([("schema", schema)]))]))])
        }
        var responses: [(String, JSONValue)] = [("200", response("The result.", .object([("$ref", .string("#/components/schemas/Result"))])))]
        responses.append(("400", response("Bad input: a malformed workflow, an unknown or ill-typed field or parameter.", error)))
        if authenticated { responses.append(("401", response("The bearer token is missing or not valid.", error))) }
        responses.append(("413", response("The body is larger than the server accepts.", error)))
        responses.append(("415", response("The body's content type is not JSON, YAML or text.", error)))
        if route.canBeInfeasible {
            responses.append(("422", response("No configuration meets the bounds: the plan JSON with `closest`.",
                                              .object([("$ref", .string("#/components/schemas/Result"))]))))
        }
        responses.append(("429", response("Too many solves running; retry after the Retry-After header's seconds.", error)))
        responses.append(("500", response("A defect in Trimtab.", error)))
        responses.append(("503", response("A dependency is unavailable, or the server is shutting down.", error)))
        var pairs: [(String, JSONValue)] = [
            ("operationId", .string(schema.operation)), ("summary", .string(schema.summary)),
            ("parameters", .array(parameters)),
            ("requestBody", .object([("required", .bool(true)), ("content", .object(content))])),
            ("responses", .object(responses)),
        ]
        if authenticated { pairs.append(("security", .array([.object([("bearer", .array([]))])]))) }
        return .object(pairs)
    }

    static func get(_ id: String, _ summary: String, _ type: String, _ schema: JSONValue) -> JSONValue {
        .object([("get", .object([
            ("operationId", .string(id)), ("summary", .string(summary)),
            ("responses", .object([("200", .object([("description", .string("OK")),
                                                    ("content", .object([(type, .object([("schema", schema)]))]))]))])),
        ]))])
    }
}
