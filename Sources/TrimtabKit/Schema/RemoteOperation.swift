import TrimtabModel

/// An operation a remote caller (the HTTP API, an MCP client) may run: its request schema, and
/// how to run it from the request's fields with `RemotePolicy` applied. One table for both front
/// ends, so a route and a tool of the same name decode, check and plan alike.
public struct RemoteOperation: Sendable {
    public var schema: RequestSchema
    /// Whether the HTTP body may be the workflow itself (else it is a request object).
    public var bodyIsWorkflow: Bool
    /// Whether an infeasible goal (exit 3, HTTP 422) is one of its answers.
    public var canBeInfeasible: Bool
    let perform: @Sendable ([(String, JSONValue)], OperationCancellation, Double) throws(TrimtabError) -> any OperationResult

    /// Decodes the fields into the request, applies the remote policy and runs the operation; a
    /// plan without `time_limit` gets `defaultTimeLimit`; `cancellation` stops the exact solver.
    /// - Complexity: the operation's.
    public func run(_ fields: [(String, JSONValue)], cancellation: OperationCancellation,
                    defaultTimeLimit: Double) throws(TrimtabError) -> any OperationResult {
        try perform(fields, cancellation, defaultTimeLimit)
    }

    /// Every operation the HTTP API offers, in the order its document lists them.
    public static let all: [RemoteOperation] = [validate, evaluate, plan, pareto, simulate, batch, forecast, jobPlan, jobPredict]

    public static let validate = RemoteOperation(schema: .validate, bodyIsWorkflow: true, canBeInfeasible: false) { f, _, _ throws(TrimtabError) in
        try ValidateOperation.run(try RequestDecoder.decode(f))
    }
    public static let evaluate = RemoteOperation(schema: .evaluate, bodyIsWorkflow: false, canBeInfeasible: false) { f, _, _ throws(TrimtabError) in
        var request: EvaluateOperation.Request = try RequestDecoder.decode(f)
        try RemotePolicy.checkSize(&request.workflow)
        return try EvaluateOperation.run(request)
    }
    public static let plan = RemoteOperation(schema: .plan, bodyIsWorkflow: true, canBeInfeasible: true) { f, cancel, limit throws(TrimtabError) in
        try runPlan(try RequestDecoder.decode(f), cancel, limit)
    }
    /// `plan` with its explanation; the request has no `explain` field.
    public static let explain = RemoteOperation(
        schema: RequestSchema(operation: "explain", summary: RequestSchema.plan.summary,
                              fields: RequestSchema.plan.fields.filter { $0.name != "explain" }),
        bodyIsWorkflow: true, canBeInfeasible: true
    ) { f, cancel, limit throws(TrimtabError) in
        try runPlan(try RequestDecoder.decode(f + [("explain", .bool(true))]), cancel, limit)
    }
    public static let pareto = RemoteOperation(schema: .pareto, bodyIsWorkflow: true, canBeInfeasible: false) { f, _, _ throws(TrimtabError) in
        var request: ParetoOperation.Request = try RequestDecoder.decode(f)
        try RemotePolicy.checkSize(&request.workflow)
        return try ParetoOperation.run(request)
    }
    public static let simulate = RemoteOperation(schema: .simulate, bodyIsWorkflow: true, canBeInfeasible: true) { f, _, _ throws(TrimtabError) in
        var request: SimulateOperation.Request = try RequestDecoder.decode(f)
        try RemotePolicy.check(&request)
        return try SimulateOperation.run(request)
    }
    public static let batch = RemoteOperation(schema: .batch, bodyIsWorkflow: false, canBeInfeasible: true) { f, _, _ throws(TrimtabError) in
        let request: BatchOperation.Request = try RequestDecoder.decode(f)
        try RemotePolicy.checkArrivals(request.arrivals)
        return try BatchOperation.run(request)
    }
    public static let forecast = RemoteOperation(schema: .forecast, bodyIsWorkflow: false, canBeInfeasible: false) { f, _, _ throws(TrimtabError) in
        try ForecastOperation.run(try RequestDecoder.decode(f))
    }
    public static let jobPlan = RemoteOperation(schema: .jobPlan, bodyIsWorkflow: false, canBeInfeasible: true) { f, _, _ throws(TrimtabError) in
        try JobPlanOperation.run(try RequestDecoder.decode(f))
    }
    public static let jobPredict = RemoteOperation(schema: .jobPredict, bodyIsWorkflow: false, canBeInfeasible: false) { f, _, _ throws(TrimtabError) in
        try JobPredictOperation.run(try RequestDecoder.decode(f))
    }

    static func runPlan(_ request: PlanOperation.Request, _ cancel: OperationCancellation, _ limit: Double) throws(TrimtabError) -> PlanOperation.Result {
        var request = request
        try RemotePolicy.checkSize(&request.workflow)
        if request.timeLimit == nil { request.timeLimit = limit }
        return try PlanOperation.run(request, cancellation: cancel)
    }
}
