/// Request schemas of the operations beyond plan: simulate, batch, forecast, job plan and job
/// predict, as remote callers (the HTTP API, MCP) may send them: no field names a file on the
/// server (traces, tables and models travel as text or values).
extension RequestSchema {
    static let positive = 0.0

    /// `simulate` (remote: Poisson arrivals only).
    public static let simulate = RequestSchema(
        operation: "simulate", summary: "Simulate the workflow under load: tail latency, cost, cold starts, instances.",
        fields: [workflow,
                 Field(name: "configuration", type: .object,
                       description: "Stage name → {variant?, memory_mb, batch_size?, batch_timeout_ms?, replicas?, cores?}; or give plan."),
                 Field(name: "plan", type: .boolean, description: "Plan first with the file's goal (exact solver) and simulate that configuration."),
                 Field(name: "arrivals", type: .string,
                       description: "poisson:RATE (requests per second); default: Poisson at the goal's load_rps."),
                 Field(name: "duration", type: .number, description: "Seconds of arrivals (default 3600).", exclusiveMinimum: positive),
                 Field(name: "seed", type: .integer, description: "Random seed: the same seed gives the same result.", minimum: 0),
                 Field(name: "service_time", type: .string, description: "deterministic, exponential or lognormal:CV for every stage."),
                 Field(name: "cold_start_ms", type: .number, description: "Cold start of every stage (ms); 0 turns cold starts off.", minimum: 0),
                 Field(name: "mode", type: .string, description: "serverless or kubernetes (default: from the platform).",
                       values: ["serverless", "kubernetes"]),
                 Field(name: "slo_ms", type: .number, description: "Latency objective for the share over the SLO (ms).", exclusiveMinimum: positive),
                 Field(name: "timeline", type: .boolean, description: "Also each second's arrivals, completions, latency p95 and instances.")])

    /// `batch` on a workflow's stage (remote: Poisson arrivals; MBS tables stay with the CLI).
    public static let batch = RequestSchema(
        operation: "batch", summary: "The best batch size and timeout for one stage under its arrivals (analytic model).",
        fields: [workflow,
                 Field(name: "stage", type: .string, description: "The stage to batch.", required: true),
                 Field(name: "variant", type: .string, description: "The variant of the stage (when it has variants)."),
                 Field(name: "arrivals", type: .string, description: "poisson:RATE (requests per second).", required: true),
                 Field(name: "minimize", type: .string, description: "Objective (default cost).", values: ["cost", "latency-p95"]),
                 Field(name: "max_latency_p95_ms", type: .number, description: "Bound on the 95th percentile of request latency (ms).",
                       exclusiveMinimum: positive),
                 Field(name: "max_cost_per_million", type: .number, description: "Bound on the cost of 1M requests (USD).",
                       exclusiveMinimum: positive),
                 Field(name: "timeouts_ms", type: .string, description: "Timeout grid: START:STOP:STEP or a comma list."),
                 Field(name: "max_batch_size", type: .integer, description: "Largest batch size to consider.", minimum: 1)])

    /// `forecast`.
    public static let forecast = RequestSchema(
        operation: "forecast", summary: "Score load predictors on a per-second trace, or choose one on its training part.",
        fields: [Field(name: "trace", type: .trace, description: "Requests per second: a list of counts, or their text.", required: true),
                 Field(name: "scale", type: .number, description: "Multiply every count by this factor, fractions carried.",
                       exclusiveMinimum: positive),
                 Field(name: "history", type: .integer, description: "Seconds of history the predictor sees (default 120).", minimum: 1),
                 Field(name: "bin", type: .integer, description: "Seconds per bin (default 10).", minimum: 1),
                 Field(name: "horizon", type: .integer, description: "Seconds ahead whose maximum load is predicted (default 20).", minimum: 1),
                 Field(name: "step", type: .integer, description: "Seconds between predictions (default 10).", minimum: 1),
                 Field(name: "train_until", type: .string,
                       description: "Fit on the seconds before this one (a second, or a share such as 60%).", required: true),
                 Field(name: "predictor", type: .string, description: "The predictor to evaluate."),
                 Field(name: "select", type: .boolean, description: "Choose the predictor on the training data only."),
                 Field(name: "compare", type: .boolean, description: "Evaluate every predictor and list them."),
                 Field(name: "headroom", type: .number, description: "Capacity factor the predictions are scored with (default 1).",
                       exclusiveMinimum: positive)])

    static let workerModel = Field(name: "model", type: .workflow,
                                   description: "A worker model (the output of `trimtab job fit -o`): its YAML or JSON text, or the object.",
                                   required: true)

    /// `job plan`.
    public static let jobPlan = RequestSchema(
        operation: "job-plan", summary: "Workers and split size of an offline batch job for a deadline or a cost bound.",
        fields: [workerModel,
                 Field(name: "items", type: .integer, description: "Number of items in the job.", required: true, minimum: 1),
                 Field(name: "deadline_s", type: .number, description: "Makespan bound (s).", exclusiveMinimum: positive),
                 Field(name: "max_cost_per_million", type: .number, description: "Bound on the cost per million items (USD).",
                       exclusiveMinimum: positive),
                 Field(name: "minimize", type: .string, description: "cost or makespan.", values: ["cost", "makespan"])])

    /// `job predict`.
    public static let jobPredict = RequestSchema(
        operation: "job-predict", summary: "Makespan and cost of an offline batch job with given workers and split size.",
        fields: [workerModel,
                 Field(name: "items", type: .integer, description: "Number of items.", required: true, minimum: 1),
                 Field(name: "workers", type: .integer, description: "Number of workers.", required: true, minimum: 1),
                 Field(name: "split_size", type: .integer, description: "Items per split (default: the model's only split size).", minimum: 1),
                 Field(name: "memory_mb", type: .integer, description: "Worker memory (default: the model's only setup).", minimum: 1)])
}
