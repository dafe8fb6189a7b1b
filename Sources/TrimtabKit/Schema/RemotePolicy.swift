import TrimtabModel

/// What a remote caller (the HTTP API, an MCP client) may ask beyond what the CLI checks: no
/// file on the server is read (arrivals are `poisson:RATE`; traces and models come as values),
/// a workflow has at most `maxStages` stages, and a simulation is bounded in the arrivals it
/// replays, so one request cannot hold a core for hours or gigabytes of memory. The CLI, run by
/// the machine's own user, has none of these limits.
public enum RemotePolicy {
    /// Most arrivals one remote simulation may replay.
    public static let maxSimulatedArrivals = 2_000_000.0
    /// Most stages a remote request's workflow may have: the exact planner's memory grows with
    /// the stages (about 80 MiB for two concurrent 1,000-stage plans, 2.3 GiB for two
    /// 10,000-stage ones), and this bounds what one request can take.
    public static let maxStages = 2_000

    /// Refuses a workflow of more than `maxStages` stages. The workflow is parsed once: the
    /// source comes back holding it read, so the operation after the check does not parse again.
    /// - Complexity: O(S + E) parsing.
    public static func checkSize(_ workflow: inout WorkflowSource) throws(TrimtabError) {
        let (parsed, source) = try workflow.readOnce()
        workflow = source
        let count = parsed.stages.count
        if count > maxStages {
            throw TrimtabError(code: .unsupported, field: "workflow", "\(count) stages is more than \(maxStages), the limit of a remote request; plan it with trimtab plan")
        }
    }

    /// Refuses arrivals that would read a server file.
    public static func checkArrivals(_ text: String?) throws(TrimtabError) {
        guard let text else { return }
        guard text.hasPrefix("poisson:") else {
            throw TrimtabError(field: "--arrivals", "'\(text)' reads a file on the server; remote requests take poisson:RATE (replay a trace with trimtab simulate)")
        }
    }

    /// Refuses a simulation of more than `maxSimulatedArrivals` expected arrivals.
    /// The request comes back holding its workflow read (parsed once for the checks and the run).
    public static func check(_ request: inout SimulateOperation.Request) throws(TrimtabError) {
        try checkArrivals(request.arrivals)
        try checkSize(&request.workflow)
        let rate: Double
        if let text = request.arrivals {
            rate = Double(text.dropFirst("poisson:".count)) ?? 0
        } else {
            rate = try request.workflow.parse().goal?.loadRps ?? 0
        }
        let duration = request.duration ?? 3600
        if rate * duration > maxSimulatedArrivals {
            throw TrimtabError(field: "--duration", "\(JSONValue.format(rate, nonFinite: true)) requests/s for \(JSONValue.format(duration, nonFinite: true)) s is more than \(Int(maxSimulatedArrivals)) arrivals, the limit of a remote simulation; shorten it or run trimtab simulate")
        }
    }
}
