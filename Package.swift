// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Trimtab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "trimtab", targets: ["trimtab"]),
        .executable(name: "trimtab-bench", targets: ["trimtab-bench"]),
        .library(name: "TrimtabModel", targets: ["TrimtabModel"]),
        .library(name: "TrimtabSolve", targets: ["TrimtabSolve"]),
    ],
    dependencies: [
        // Core: file formats, data structures, statistics.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        // Application layer: history in SQLite, metrics, logging, service lifecycle.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Adapters: HTTP clients, TLS, signing.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // Front ends: HTTP server, MCP, command line, tables.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/ordo-one/TextTable", from: "0.0.2"),
    ],
    targets: [
        // MARK: Core — no networking.

        // Workflow files, validation, structure and the analytic model.
        .target(name: "TrimtabModel", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Optimisers: exact, greedy, exhaustive, Pareto; the Kubernetes pipeline planner.
        .target(name: "TrimtabSolve", dependencies: [
            "TrimtabModel", .product(name: "HeapModule", package: "swift-collections"),
        ]),
        // Measurements to models: curve fitting, Step Functions import, profiling.
        .target(name: "TrimtabFit", dependencies: ["TrimtabModel"]),
        // Discrete-event simulation of a workflow under a trace.
        .target(name: "TrimtabSim", dependencies: [
            "TrimtabModel", .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
        // Analytic batching model (Poisson, MAP arrivals) and batch planning.
        .target(name: "TrimtabBatch", dependencies: ["TrimtabModel", "TrimtabSolve"]),
        // Load forecasting: forecasters, their evaluation and selection, load traces.
        .target(name: "TrimtabForecast", dependencies: ["TrimtabModel"]),
        // Offline batch inference jobs.
        .target(name: "TrimtabJob", dependencies: ["TrimtabModel", .product(name: "Yams", package: "Yams")]),

        // MARK: Application layer — operations on the core. No networking of their own.

        // Every operation as a typed request → typed, Codable result, which the CLI, the HTTP
        // server and the MCP server all call.
        .target(name: "TrimtabKit", dependencies: [
            "TrimtabModel", "TrimtabSolve", "TrimtabFit", "TrimtabSim", "TrimtabBatch", "TrimtabForecast", "TrimtabReplay", "TrimtabJob",
        ]),
        // The step of the adaptive loop the replay and the live controller share: forecast → plan →
        // guardrails; the Kubernetes pipeline's interval planner. No networking, no simulator.
        .target(name: "TrimtabAdaptation", dependencies: ["TrimtabModel", "TrimtabSolve", "TrimtabForecast"]),
        // The offline adaptive loop: a trace replayed through forecast → re-plan → reconfigure on a
        // simulated cluster (TrimtabSim, or a small queueing model as a cross-check).
        .target(name: "TrimtabReplay", dependencies: ["TrimtabModel", "TrimtabSolve", "TrimtabForecast", "TrimtabAdaptation", "TrimtabSim"]),
        // The live control loop: forecast, re-plan, guardrails, apply; history in SQLite; /metrics.
        .target(name: "TrimtabControl", dependencies: [
            "TrimtabModel", "TrimtabSolve", "TrimtabForecast", "TrimtabAdaptation", "TrimtabAdapters",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        // MARK: Adapters — the outside world.

        // Metrics sources (Prometheus) and configuration sinks (Kubernetes, AWS Lambda with SigV4,
        // files). HTTP only; no planning.
        .target(name: "TrimtabAdapters", dependencies: [
            "TrimtabModel", "TrimtabFit",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Yams", package: "Yams"),
        ]),

        // MARK: Front ends — the CLI, the HTTP API and agents.

        // The MCP server: the application layer's operations as tools for AI agents.
        .target(name: "TrimtabMCP", dependencies: ["TrimtabKit", "TrimtabModel", .product(name: "MCP", package: "swift-sdk")]),
        // The HTTP service and dashboard: the application layer as a JSON API (and MCP over HTTP);
        // /metrics and graceful shutdown.
        .target(name: "TrimtabServer", dependencies: [
            "TrimtabKit", "TrimtabModel", "TrimtabMCP", .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "MCP", package: "swift-sdk"), .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"), .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Command implementations, kept in a library so tests can drive them in-process.
        .target(name: "TrimtabCLI", dependencies: [
            "TrimtabModel", "TrimtabSolve", "TrimtabFit", "TrimtabSim", "TrimtabBatch",
            "TrimtabForecast", "TrimtabReplay", "TrimtabJob", "TrimtabServer", "TrimtabKit", "TrimtabMCP",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "TextTable", package: "TextTable"),
            .product(name: "MCP", package: "swift-sdk"),
            "TrimtabControl", "TrimtabAdapters",
        ]),
        .executableTarget(name: "trimtab", dependencies: ["TrimtabCLI"]),
        .executableTarget(name: "trimtab-bench", dependencies: [
            "TrimtabModel", "TrimtabSolve", "TrimtabSim", "TrimtabBatch", "TrimtabFit", "TrimtabSampling",
        ]),

        // MARK: Tests

        // Seeded random workflow and pipeline generators for property tests and benchmarks (not a product).
        .target(name: "TrimtabSampling", dependencies: ["TrimtabModel", "TrimtabSolve"]),
        // Test support: the in-repo Kubernetes API test server (Deployments and their scale
        // subresource) and launchers for the real servers tests use (Prometheus, moto).
        .target(name: "TrimtabTestSupport", dependencies: [
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "trimtab-kube-testserver", dependencies: ["TrimtabTestSupport"]),
        .testTarget(name: "TrimtabModelTests", dependencies: ["TrimtabModel"]),
        .testTarget(name: "TrimtabSolveTests", dependencies: ["TrimtabModel", "TrimtabSolve", "TrimtabSampling"]),
        .testTarget(name: "TrimtabFitTests", dependencies: ["TrimtabFit", "TrimtabModel", "TrimtabSampling"]),
        .testTarget(name: "TrimtabSimTests", dependencies: ["TrimtabSim", "TrimtabModel", "TrimtabSampling"]),
        .testTarget(name: "TrimtabBatchTests", dependencies: ["TrimtabBatch", "TrimtabModel", "TrimtabSim", "TrimtabSampling"]),
        .testTarget(name: "TrimtabForecastTests", dependencies: ["TrimtabForecast", "TrimtabModel", "TrimtabSim"]),
        .testTarget(name: "TrimtabReplayTests", dependencies: ["TrimtabReplay", "TrimtabAdaptation", "TrimtabForecast", "TrimtabSolve", "TrimtabModel"]),
        .testTarget(name: "TrimtabJobTests", dependencies: ["TrimtabJob", "TrimtabModel", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "TrimtabKitTests", dependencies: ["TrimtabKit", "TrimtabModel", "TrimtabSolve", "TrimtabSampling"]),
        .testTarget(name: "TrimtabControlTests", dependencies: [
            "TrimtabControl", "TrimtabAdaptation", "TrimtabReplay", "TrimtabAdapters", "TrimtabModel", "TrimtabSolve", "TrimtabForecast",
            "TrimtabTestSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "TrimtabAdaptersTests", dependencies: [
            "TrimtabAdapters", "TrimtabModel", "TrimtabTestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "TrimtabServerTests", dependencies: [
            "TrimtabServer", "TrimtabKit", "TrimtabCLI", "TrimtabModel",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "TrimtabCLITests", dependencies: [
            "TrimtabCLI", "TrimtabKit", "TrimtabModel", "TrimtabTestSupport", "TrimtabControl", "TrimtabServer", "TrimtabAdapters",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ]
)
