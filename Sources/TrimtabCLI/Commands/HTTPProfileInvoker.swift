import Foundation
import TrimtabAdapters
import TrimtabFit
import TrimtabModel

/// Profiles a function behind a URL (`trimtab profile --url`) with the one HTTP client, TrimtabAdapters'
/// `AsyncHTTPTransport` (AsyncHTTPClient), as the Lambda profiler and the controller's adapters do:
/// POSTs the payload per invocation with the setting in `X-Trimtab-Memory-MB` and
/// `X-Trimtab-Batch-Size`. A 2xx status is success; the latency is the request's round trip.
struct HTTPProfileInvoker: Invoker {
    var url: URL
    var payload: Data

    func prepare(_ setting: ProfileSetting) throws {}

    func invoke(_ setting: ProfileSetting, timeout: Double) -> InvocationOutcome {
        let transport = AsyncHTTPTransport(timeout: .milliseconds(Int64((timeout * 1000).rounded(.up))))
        let request = HTTPRequestData(method: "POST", url: url.absoluteString, headers: [
            ("Content-Type", "application/octet-stream"),
            ("X-Trimtab-Memory-MB", String(setting.memoryMB)),
            ("X-Trimtab-Batch-Size", String(setting.batchSize)),
        ], body: payload)
        return AsyncBridge.wait {
            let start = ContinuousClock.now
            do {
                let response = try await transport.send(request)
                let ms = (ContinuousClock.now - start) / .milliseconds(1)
                return (200..<300).contains(response.status) ? .success(latencyMs: ms) : .failure("HTTP \(response.status)")
            } catch {
                // The transport's deadline is the timeout: say so rather than the HTTP client's error name.
                if ContinuousClock.now - start >= .milliseconds(Int64(timeout * 1000)) { return .failure("timed out after \(timeout) s") }
                return .failure(FailureMessage.describe(error))
            }
        }
    }
}
