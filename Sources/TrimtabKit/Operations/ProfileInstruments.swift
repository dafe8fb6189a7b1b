import Foundation
import TrimtabFit
import TrimtabModel

/// The outside world a profile reaches, given by the caller of `ProfileOperation.run`: the CLI's
/// are the adapters' (the one HTTP client, the Lambda API with SigV4, the `ray_serve` sink); a
/// test gives its own. Local commands need none: `CommandInvoker` is the core's.
public protocol ProfileInstruments: Sendable {
    /// POSTs `payload` to `url` per invocation, the setting in `X-Trimtab-Memory-MB` and
    /// `X-Trimtab-Batch-Size`; a 2xx answer is a success timed by its round trip.
    func httpInvoker(url: String, payload: Data, timeout: Double) -> any Invoker
    /// Sets the function's memory before each series and invokes it with `payload`; `region` nil:
    /// the instruments' default. Throws bad input when credentials are missing.
    func lambdaInvoker(function: String, endpoint: String?, region: String?, payload: Data?,
                       timeout: Double) throws(TrimtabError) -> any Invoker
    /// Profiles `stage` (deployed as `deployment` in `application`, managed through the dashboard
    /// at `dashboard`) through the application's endpoint; `settled` is the stopping rule.
    func servingProfiler(dashboard: String, application: String, stage: String, deployment: String, endpoint: String,
                         payload: Data, plan: ServingProfilePlan, waitSeconds: Double,
                         settled: @escaping @Sendable ([Double]) -> Bool) -> any ServingProfiler
}
