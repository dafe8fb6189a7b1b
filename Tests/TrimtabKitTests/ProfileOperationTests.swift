import Foundation
import Testing
import TrimtabFit
import TrimtabKit
import TrimtabModel

/// `ProfileOperation` with instruments of the test's own: invokers whose latencies are known, so
/// the summary, the stopping rule, the adaptive search and the CSV are checked against values
/// computed here, and bad input against the one-line errors it must get.
struct ProfileOperationTests {
    /// An invoker whose latency is a known function of the setting; it fails at `failingMemory`.
    struct KnownInvoker: Invoker {
        var latency: @Sendable (ProfileSetting) -> Double
        var failingMemory: Int? = nil
        func prepare(_ setting: ProfileSetting) throws {}
        func invoke(_ setting: ProfileSetting, timeout: Double) -> InvocationOutcome {
            setting.memoryMB == failingMemory ? .failure("HTTP 500") : .success(latencyMs: latency(setting))
        }
    }

    /// A serving profiler that returns fixed series (or fails its check).
    struct FixedServing: ServingProfiler {
        var series: [ServingProfileSeries]
        var verifyError: TrimtabError? = nil
        func verify() async throws(TrimtabError) { if let verifyError { throw verifyError } }
        func run(progress: @Sendable (Int, Int) -> Void) async -> [ServingProfileSeries] {
            for k in series.indices { progress(k + 1, series.count) }
            return series
        }
    }

    final class Record: @unchecked Sendable {
        let lock = NSLock()
        var calls: [String] = []
        var plan: ServingProfilePlan?
        var progress: [(Int, Int)] = []
        func add(_ s: String) { lock.lock(); calls.append(s); lock.unlock() }
        func tick(_ d: Int, _ t: Int) { lock.lock(); progress.append((d, t)); lock.unlock() }
    }

    struct Instruments: ProfileInstruments {
        var invoker: KnownInvoker
        var serving: FixedServing = FixedServing(series: [])
        var record = Record()
        func httpInvoker(url: String, payload: Data, timeout: Double) -> any Invoker {
            record.add("http \(url) \(payload.count)")
            return invoker
        }
        func lambdaInvoker(function: String, endpoint: String?, region: String?, payload: Data?, timeout: Double) throws(TrimtabError) -> any Invoker {
            guard function != "no-credentials" else { throw TrimtabError(field: "--lambda", "AWS credentials are missing") }
            record.add("lambda \(function) \(endpoint ?? "-") \(region ?? "-")")
            return invoker
        }
        func servingProfiler(dashboard: String, application: String, stage: String, deployment: String, endpoint: String,
                             payload: Data, plan: ServingProfilePlan, waitSeconds: Double,
                             settled: @escaping @Sendable ([Double]) -> Bool) -> any ServingProfiler {
            record.add("serve \(dashboard) \(application) \(stage)->\(deployment) \(endpoint)")
            record.plan = plan
            return serving
        }
    }

    static func payloadFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("profile-op-\(UUID().uuidString).json").path
        try Data("{\"x\": 1}".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func constantLatenciesStopAtTheMinimumAndSummariseExactly() async throws {
        // latency = 100 + 51200 / memory + 3·batch: every series is constant (CV 0), so each stops at min_repeats.
        let latency: @Sendable (ProfileSetting) -> Double = { 100 + 51_200 / Double($0.memoryMB) + 3 * Double($0.batchSize) }
        let instruments = Instruments(invoker: KnownInvoker(latency: latency))
        let payload = try Self.payloadFile()
        let record = Record()
        let r = try await ProfileOperation.run(
            .init(url: "http://127.0.0.1:9/", payload: payload, stage: "resize", memory: "256,512", batchSizes: [1, 4], minRepeats: 4),
            instruments: instruments) { record.tick($0, $1) }
        #expect(instruments.record.calls == ["http http://127.0.0.1:9/ 8"])
        #expect(r.target == .url && r.stage == "resize" && r.settings.count == 4)
        for s in r.settings {
            let m = try #require(s.memoryMB)
            let expected = 100 + 51_200 / Double(m) + 3 * Double(s.batchSize)
            #expect(s.n == 4 && s.status == "ok" && s.cv == 0)
            #expect(abs((s.meanMs ?? .nan) - expected) < 1e-9)
        }
        // 256 MB: 300 + 3 ms per invocation; 512 MB: 200 + 3. Cost per item (memory × time / batch) is lower at 256.
        #expect(r.memoryOrder == [256, 512] && r.cheapestMemoryMB == 256)
        // The CSV: a header and one row per invocation, 16 in all.
        let csv = try #require(r.csv)
        let rows = csv.split(separator: "\n")
        #expect(rows.first == "stage,memory_mb,batch_size,concurrency,latency_ms,status" && rows.count == 17)
        #expect(rows.contains("resize,512,4,1,212.000,ok"))
        #expect(record.progress.last.map { $0.0 == 4 && $0.1 == 4 } == true)
        // The synchronous entry measures the same on the calling thread; a Ray Serve stage is not its.
        let blocking = try ProfileOperation.runFunction(
            .init(url: "http://127.0.0.1:9/", payload: payload, stage: "resize", memory: "256,512", batchSizes: [1, 4], minRepeats: 4),
            instruments: instruments)
        #expect(blocking.settings == r.settings && blocking.csv == r.csv)
        #expect(throws: TrimtabError.self) {
            try ProfileOperation.runFunction(.init(rayServe: "http://h:8265", application: "a", variants: ["x"]), instruments: instruments)
        }
    }

    @Test func adaptiveSearchFindsTheBruteForceCheapestSize() async throws {
        // Time per item t(m) = 40 + 2·10⁷ / m² ms: cost m·t(m) = 40m + 2·10⁷/m is least near 707 MB, inside the grid.
        let t: @Sendable (Int) -> Double = { m in 40 + 20_000_000 / (Double(m) * Double(m)) }
        let grid = Array(stride(from: 128, through: 3008, by: 64))
        let bruteForce = try #require(grid.min { Double($0) * t($0) < Double($1) * t($1) })
        let instruments = Instruments(invoker: KnownInvoker(latency: { t($0.memoryMB) }))
        let viaURL = try await ProfileOperation.run(.init(url: "http://h/", payload: try Self.payloadFile(), memory: "128:3008:64", adaptive: true),
                                                    instruments: instruments)
        #expect(bruteForce > 128 && bruteForce < 3008)
        #expect(viaURL.cheapestMemoryMB == bruteForce)
        #expect((viaURL.memoryOrder?.count ?? 99) < grid.count / 2, "adaptive measured \(viaURL.memoryOrder ?? [])")
        #expect(viaURL.plannedMemorySizes == grid.count)
    }

    @Test func aFailingSettingIsInfeasibleAndTheRunGoesOn() async throws {
        let instruments = Instruments(invoker: KnownInvoker(latency: { _ in 10 }, failingMemory: 512))
        let r = try await ProfileOperation.run(.init(lambda: "fn", region: "eu-west-1", memory: "256,512,1024"), instruments: instruments)
        #expect(instruments.record.calls == ["lambda fn - eu-west-1"])
        #expect(r.target == .lambda)
        #expect(r.settings.map(\.status) == ["ok", "infeasible: HTTP 500", "ok"])
        #expect(r.settings[1].meanMs == nil && r.settings[1].n == 0)
        #expect(r.csv?.contains("function,512,1,1,,infeasible: HTTP 500") == true)
    }

    @Test func aLocalCommandRunsThroughTheCoresInvoker() async throws {
        // No instruments are asked: `true` succeeds and `false` fails (exit status 1) at every setting.
        let instruments = Instruments(invoker: KnownInvoker(latency: { _ in 1 }))
        let ok = try await ProfileOperation.run(.init(command: "true", memory: "128", minRepeats: 2, maxRepeats: 3), instruments: instruments)
        #expect(ok.target == .command && ok.settings.count == 1 && ok.settings[0].status == "ok" && (2...3).contains(ok.settings[0].n))
        let failing = try await ProfileOperation.run(.init(command: "false", memory: "128,256"), instruments: instruments)
        #expect(failing.settings.count == 2 && failing.settings.allSatisfy { $0.status.hasPrefix("infeasible") && $0.n == 0 })
        #expect(failing.cheapestMemoryMB == nil && instruments.record.calls.isEmpty)
    }

    @Test func aServingStageIsSummarisedFromItsSeries() async throws {
        let series = [
            ServingProfileSeries(variant: "mlp", cpus: 1, batchSize: 2, latencies: [10, 12, 14], overheads: [1, 2, 3],
                                 throughputConcurrency: 4, throughputRps: 150),
            ServingProfileSeries(variant: "svm", cpus: 0.5, batchSize: 2, throughputConcurrency: 4, infeasible: "HTTP 503"),
        ]
        let instruments = Instruments(invoker: KnownInvoker(latency: { _ in 1 }), serving: FixedServing(series: series))
        let payload = try Self.payloadFile()
        let r = try await ProfileOperation.run(
            .init(url: "http://127.0.0.1:8000/", payload: payload, stage: "classify", batchSizes: [2], rayServe: "http://127.0.0.1:8265",
                  application: "digits", deployment: "Classifier", variants: ["mlp", "svm"], cpus: [1, 0.5], throughputSeconds: 2),
            instruments: instruments)
        #expect(instruments.record.calls == ["serve http://127.0.0.1:8265 digits classify->Classifier http://127.0.0.1:8000/"])
        let plan = try #require(instruments.record.plan)
        #expect(plan.variants == ["mlp", "svm"] && plan.cpus == [1, 0.5] && plan.batchSizes == [2] && plan.throughputSeconds == 2)
        #expect(r.target == .rayServe && r.settings.count == 2)
        let mlp = r.settings[0]
        // mean 12, sample sd 2 → CV 1/6; overhead mean 2.
        let mlpCV: Double = mlp.cv ?? 0
        #expect(mlp.meanMs == 12 && mlp.overheadMs == 2 && mlp.throughputRps == 150)
        #expect(abs(mlpCV - 1.0 / 6) < 1e-12)
        #expect(r.settings[1].status == "infeasible: HTTP 503" && r.settings[1].meanMs == nil)
        let rows = (r.csv ?? "").split(separator: "\n")
        // A header, mlp's three requests and its throughput row, svm's infeasible row.
        #expect(rows.count == 6)
        #expect(rows.contains("classify,mlp,1,2,2,12.000,2.000,,ok") && rows.contains("classify,mlp,1,2,4,,,150.000,ok"))
        #expect(rows.contains("classify,svm,0.5,2,2,,,,infeasible: HTTP 503"))
    }

    @Test func aServingCheckFailureIsTheCallersError() async throws {
        let failing = FixedServing(series: [], verifyError: TrimtabError(field: "--deployment", "no deployment 'Nope' in digits"))
        let instruments = Instruments(invoker: KnownInvoker(latency: { _ in 1 }), serving: failing)
        await #expect(throws: TrimtabError(field: "--deployment", "no deployment 'Nope' in digits")) {
            try await ProfileOperation.run(.init(url: "http://h:8000/", payload: try Self.payloadFile(), rayServe: "http://h:8265",
                                                 application: "digits", deployment: "Nope", variants: ["a"]), instruments: instruments)
        }
    }

    @Test func badInputGetsOneErrorNamingTheFlag() async throws {
        let instruments = Instruments(invoker: KnownInvoker(latency: { _ in 1 }))
        let payload = try Self.payloadFile()
        func field(_ request: ProfileOperation.Request) async -> (TrimtabError.Code, String?, String?) {
            do {
                _ = try await ProfileOperation.run(request, instruments: instruments)
                return (.internal, "no error", nil)
            } catch {
                return (error.code, error.field, error.file)
            }
        }
        let cases: [(ProfileOperation.Request, String)] = [
            (.init(url: "http://h/", command: "true", payload: payload), "--url"),
            (.init(), "--url"),
            (.init(url: "ftp://h/", payload: payload), "--url"),
            (.init(url: "http://h/"), "--payload"),
            (.init(lambda: "fn"), "--memory"),
            (.init(lambda: "fn", endpoint: "not a url", memory: "128"), "--endpoint"),
            (.init(lambda: "no-credentials", memory: "128"), "--lambda"),
            (.init(command: "true", endpoint: "http://h/"), "--endpoint"),
            (.init(command: "true", batchSizes: [0]), "--batch-sizes"),
            (.init(command: "true", concurrency: []), "--concurrency"),
            (.init(command: "true", minRepeats: 5, maxRepeats: 4), "--max-repeats"),
            (.init(command: "true", cv: 0), "--cv"),
            (.init(command: "true", timeout: .nan), "--timeout"),
            (.init(command: "true", variants: ["a"]), "--ray-serve"),
            (.init(url: "http://h/", payload: payload, rayServe: "h:8265", application: "a", variants: ["x"]), "--ray-serve"),
            (.init(url: "http://h/", payload: payload, rayServe: "http://h:8265", variants: ["x"]), "--application"),
            (.init(url: "http://h/", payload: payload, memory: "128", rayServe: "http://h:8265", application: "a", variants: ["x"]), "--ray-serve"),
            (.init(payload: payload, rayServe: "http://h:8265", application: "a", variants: ["x"]), "--url"),
            (.init(url: "http://h/", payload: payload, rayServe: "http://h:8265", application: "a"), "--variants"),
            (.init(url: "http://h/", payload: payload, rayServe: "http://h:8265", application: "a", variants: ["x"], cpus: [0]), "--cpus"),
            (.init(url: "http://h/", payload: payload, rayServe: "http://h:8265", application: "a", variants: ["x"], throughputSeconds: -1),
             "--throughput-seconds"),
        ]
        for (request, flag) in cases {
            let (code, got, _) = await field(request)
            #expect(code == .invalidInput && got == flag, "\(request): \(code) \(got ?? "nil"), expected \(flag)")
        }
        let (code, _, file) = await field(.init(url: "http://h/", payload: "/nonexistent/body.json"))
        #expect(code == .io && file == "/nonexistent/body.json")
    }
}
