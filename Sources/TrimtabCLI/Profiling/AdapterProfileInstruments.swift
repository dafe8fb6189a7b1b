import Foundation
import TrimtabAdapters
import TrimtabFit
import TrimtabKit
import TrimtabModel

/// The instruments `trimtab profile` measures with: the adapters' HTTP client, Lambda API client
/// (credentials and default region from `environment`) and Ray Serve profiler.
struct AdapterProfileInstruments: ProfileInstruments {
    var environment: [String: String]

    func httpInvoker(url: String, payload: Data, timeout: Double) -> any Invoker {
        HTTPProfileInvoker(url: url, payload: payload, timeout: timeout)
    }

    func lambdaInvoker(function: String, endpoint: String?, region: String?, payload: Data?,
                       timeout: Double) throws(TrimtabError) -> any Invoker {
        guard let credentials = AWSCredentials.fromEnvironment(environment) else {
            throw TrimtabError(field: "--lambda", "AWS credentials are missing: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }
        let chosenRegion = region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        return LambdaProfileInvoker(function: function, endpoint: endpoint, region: chosenRegion, credentials: credentials,
                                    payload: payload, timeout: timeout)
    }

    func servingProfiler(dashboard: String, application: String, stage: String, deployment: String, endpoint: String,
                         payload: Data, plan: ServingProfilePlan, waitSeconds: Double,
                         settled: @escaping @Sendable ([Double]) -> Bool) -> any ServingProfiler {
        let settings = RayServeSettings(address: dashboard, application: application, deployments: [stage: deployment],
                                        waitTimeout: .milliseconds(Int((waitSeconds * 1000).rounded(.up))))
        return RayServeProfiler(sink: RayServeSink(settings: settings), stage: stage, endpoint: endpoint, payload: payload,
                                plan: plan, settled: settled)
    }
}
