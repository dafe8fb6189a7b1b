import Foundation
import TrimtabAdapters
import TrimtabFit
import TrimtabModel

/// Profiles an HTTP endpoint: one POST of the payload per invocation through the project's one
/// HTTP client (`AsyncHTTPTransport`, async-http-client), with the setting in the
/// `X-Trimtab-Memory-MB` and `X-Trimtab-Batch-Size` headers, sent with the transport's blocking
/// call (`sendWaiting`): `Profiler` invokes from synchronous threads. A 2xx status is success; the latency
/// is the request's round trip.
struct HTTPProfileInvoker: Invoker {
    var url: String
    var payload: Data
    var transport: AsyncHTTPTransport

    init(url: String, payload: Data, timeout: Double) {
        self.url = url
        self.payload = payload
        transport = AsyncHTTPTransport(timeout: .milliseconds(Int64((timeout * 1000).rounded(.up))))
    }

    func prepare(_ setting: ProfileSetting) throws {}

    func invoke(_ setting: ProfileSetting, timeout: Double) -> InvocationOutcome {
        let request = HTTPRequestData(method: "POST", url: url, headers: [
            ("Content-Type", "application/octet-stream"),
            ("X-Trimtab-Memory-MB", String(setting.memoryMB)),
            ("X-Trimtab-Batch-Size", String(setting.batchSize)),
        ], body: payload)
        let start = ContinuousClock.now
        do {
            let response = try transport.sendWaiting(request)
            let elapsed = ContinuousClock.now - start
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            return (200..<300).contains(response.status) ? .success(latencyMs: ms) : .failure("HTTP \(response.status)")
        } catch {
            let cause = FailureMessage.describe(error)
            if ContinuousClock.now - start >= .milliseconds(Int64(timeout * 1000)) { return .failure("timed out after \(timeout) s (\(cause))") }
            return .failure(cause)
        }
    }
}
