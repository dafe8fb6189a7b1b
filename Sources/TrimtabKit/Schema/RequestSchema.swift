/// The fields of an operation's request, described once: the MCP tools' input schemas and the
/// OpenAPI document's request bodies and query parameters are generated from it, and a test
/// checks it against the request's `Codable` keys.
public struct RequestSchema: Sendable {
    public enum FieldType: String, Sendable {
        case string, number, integer, boolean
        /// A v1 workflow: YAML or JSON text, or the workflow object.
        case workflow
        /// A JSON object.
        case object
        /// A per-second trace: a list of counts, or their text.
        case trace
    }

    public struct Field: Sendable {
        public var name: String
        public var type: FieldType
        public var description: String
        public var required = false
        /// Allowed values of a string.
        public var values: [String]? = nil
        /// Bounds of a number: exclusive minimum, inclusive minimum and maximum.
        public var exclusiveMinimum: Double? = nil
        public var minimum: Double? = nil
        public var maximum: Double? = nil
        public init(name: String, type: FieldType, description: String, required: Bool = false, values: [String]? = nil,
                    exclusiveMinimum: Double? = nil, minimum: Double? = nil, maximum: Double? = nil) {
            self.name = name
            self.type = type
            self.description = description
            self.required = required
            self.values = values
            self.exclusiveMinimum = exclusiveMinimum
            self.minimum = minimum
            self.maximum = maximum
        }

        /// Whether the HTTP API takes it as a query parameter too (scalars only).
        public var inQuery: Bool { type != .workflow && type != .object && type != .trace }
    }

    /// The operation's name (`plan`), its one-line summary and its fields.
    public var operation: String
    public var summary: String
    public var fields: [Field]

    public init(operation: String, summary: String, fields: [Field]) {
        self.operation = operation
        self.summary = summary
        self.fields = fields
    }

    /// The request's JSON Schema (draft 2020-12, as OpenAPI 3.1 and MCP use it).
    public func jsonSchema() -> JSONValue {
        var properties: [(String, JSONValue)] = []
        for f in fields { properties.append((f.name, Self.schema(of: f))) }
        var pairs: [(String, JSONValue)] = [("type", .string("object")), ("properties", .object(properties))]
        let required = fields.filter(\.required).map { JSONValue.string($0.name) }
        if !required.isEmpty { pairs.append(("required", .array(required))) }
        pairs.append(("additionalProperties", .bool(false)))
        return .object(pairs)
    }

    /// One field's JSON Schema.
    public static func schema(of f: Field) -> JSONValue {
        var pairs: [(String, JSONValue)] = []
        switch f.type {
        case .workflow:
            pairs.append(("type", .array([.string("string"), .string("object")])))
        case .object:
            pairs.append(("type", .string("object")))
        case .trace:
            pairs.append(("type", .array([.string("string"), .string("array")])))
            pairs.append(("items", .object([("type", .string("integer")), ("minimum", .integer(0))])))
        default:
            pairs.append(("type", .string(f.type.rawValue)))
        }
        pairs.append(("description", .string(f.description)))
        if let values = f.values { pairs.append(("enum", .array(values.map { .string($0) }))) }
        if let m = f.exclusiveMinimum { pairs.append(("exclusiveMinimum", .number(m))) }
        if let m = f.minimum { pairs.append(("minimum", .number(m))) }
        if let m = f.maximum { pairs.append(("maximum", .number(m))) }
        return .object(pairs)
    }
}

extension RequestSchema {
    static let workflow = Field(name: "workflow", type: .workflow,
                                description: "A v1 workflow: its YAML or JSON text, or the workflow object.", required: true)
    static let maxLatency = Field(name: "max_latency_ms", type: .number,
                                  description: "Bound on the expected end-to-end latency (ms).", exclusiveMinimum: 0)
    static let maxCost = Field(name: "max_cost_per_million", type: .number,
                               description: "Bound on the expected cost of one million runs (USD).", exclusiveMinimum: 0)
    static let minAccuracy = Field(name: "min_accuracy", type: .number,
                                   description: "Floor on the combined accuracy.", minimum: 0, maximum: 1)

    /// `validate`.
    public static let validate = RequestSchema(operation: "validate", summary: "Check a workflow and summarise it.",
                                               fields: [workflow])

    /// `evaluate`.
    public static let evaluate = RequestSchema(
        operation: "evaluate", summary: "Predict latency, cost and accuracy of one configuration.",
        fields: [workflow,
                 Field(name: "configuration", type: .object,
                       description: "Stage name → {variant?, memory_mb, batch_size?, batch_timeout_ms?}.", required: true),
                 Field(name: "tails", type: .boolean, description: "Also the composed end-to-end p95 and p99 (Monte Carlo)."),
                 Field(name: "tail_runs", type: .integer, description: "Monte Carlo runs for tails (default 20000).",
                       minimum: 100, maximum: 10_000_000)])

    /// `plan`.
    public static let plan = RequestSchema(
        operation: "plan", summary: "The best configuration for the workflow's goal (the file's, with these overrides).",
        fields: [workflow,
                 Field(name: "minimize", type: .string, description: "Objective to minimise (overrides the file's goal).",
                       values: ["cost", "latency"]),
                 Field(name: "maximize", type: .string, description: "Objective to maximise (overrides the file's goal).",
                       values: ["accuracy"]),
                 maxLatency, maxCost, minAccuracy,
                 Field(name: "max_latency_p95_ms", type: .number, description: "Bound on the composed end-to-end p95 latency (ms).",
                       exclusiveMinimum: 0),
                 Field(name: "max_latency_p99_ms", type: .number, description: "Bound on the composed end-to-end p99 latency (ms).",
                       exclusiveMinimum: 0),
                 Field(name: "tail_rule", type: .string, description: "How tails compose.", values: ["composed", "conservative"]),
                 Field(name: "tail_runs", type: .integer, description: "Monte Carlo runs of the composed rule (default 20000).",
                       minimum: 100, maximum: 10_000_000),
                 Field(name: "solver", type: .string, description: "exact (proven optimal; default), greedy or exhaustive.",
                       values: ["exact", "greedy", "exhaustive"]),
                 Field(name: "time_limit", type: .number,
                       description: "Seconds the exact solver may take; past it the best found is answered as feasible.",
                       exclusiveMinimum: 0),
                 Field(name: "gap", type: .number,
                       description: "The exact solver stops once its answer is proven within this relative gap of the optimum (0.01: 1 %); the answer is then feasible, with objective_bound and gap.",
                       minimum: 0),
                 Field(name: "explain", type: .boolean,
                       description: "Explain the plan: binding bounds, critical path, shares, sensitivity, best single changes.")])

    /// `pareto`.
    public static let pareto = RequestSchema(
        operation: "pareto", summary: "Every non-dominated (latency, cost, accuracy) configuration meeting the bounds.",
        fields: [workflow, maxLatency, maxCost, minAccuracy])
}
