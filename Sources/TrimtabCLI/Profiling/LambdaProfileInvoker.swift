import Foundation
import TrimtabAdapters
import TrimtabFit
import TrimtabModel

/// Profiles an AWS Lambda function through the Lambda API (the SigV4 client of TrimtabAdapters):
/// before each series it sets the function's memory (UpdateFunctionConfiguration) and waits until
/// `LastUpdateStatus` is no longer `InProgress`; each invocation is a synchronous `Invoke` timed by
/// the client. A function error, a non-2xx answer or a timeout is a failed invocation.
struct LambdaProfileInvoker: Invoker {
    var sink: LambdaSink
    var function: String
    var payload: Data?
    /// GetFunctionConfiguration polls after a memory change, one `pollInterval` apart.
    var polls: Int = 30
    var pollInterval: Duration = .seconds(1)

    static let stage = "profile"

    init(function: String, endpoint: String?, region: String, credentials: AWSCredentials, payload: Data?, timeout: Double) {
        let settings = LambdaSettings(endpoint: endpoint, region: region, functions: [Self.stage: function])
        let millis = Int64((timeout * 1000).rounded(.up))
        sink = LambdaSink(settings: settings, credentials: credentials, transport: AsyncHTTPTransport(timeout: .milliseconds(millis)))
        self.function = function
        self.payload = payload
    }

    func prepare(_ setting: ProfileSetting) throws {
        let sink = self.sink, function = self.function, polls = self.polls, interval = pollInterval
        let memory = setting.memoryMB
        let outcome: Result<LambdaFunctionState, LambdaCallFailure> = AsyncBridge.wait {
            do {
                try await sink.apply(StageSetting(stage: Self.stage, memoryMB: memory))
                return .success(try await sink.waitForUpdate(function: function, polls: polls, interval: interval))
            } catch {
                return .failure(LambdaCallFailure(description: FailureMessage.describe(error)))
            }
        }
        let state = try outcome.get()
        if state.lastUpdateStatus == "InProgress" {
            throw LambdaCallFailure(description: "memory update still in progress after \(polls) polls")
        }
        if let m = state.memoryMB, m != memory {
            throw LambdaCallFailure(description: "memory is \(m) MB after setting \(memory) MB")
        }
    }

    func invoke(_ setting: ProfileSetting, timeout: Double) -> InvocationOutcome {
        let sink = self.sink, function = self.function, payload = self.payload
        return AsyncBridge.wait {
            let start = ContinuousClock.now
            do {
                let invocation = try await sink.invoke(function: function, payload: payload)
                if let reason = invocation.failureReason { return .failure(reason) }
                return .success(latencyMs: invocation.latencyMs)
            } catch {
                // The transport's deadline is --timeout: say so rather than the HTTP client's error name.
                if ContinuousClock.now - start >= .milliseconds(Int64(timeout * 1000)) { return .failure("timed out after \(timeout) s") }
                return .failure(FailureMessage.describe(error))
            }
        }
    }
}

/// A Lambda API call that failed while profiling, with a one-line reason.
struct LambdaCallFailure: Error, CustomStringConvertible {
    var description: String
}
