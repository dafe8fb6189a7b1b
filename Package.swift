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
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/ordo-one/TextTable", from: "0.0.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // Core: workflow files, validation, structure and the analytic model. No networking.
        .target(name: "TrimtabModel", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Optimisers: exact, greedy, exhaustive, Pareto.
        .target(name: "TrimtabSolve", dependencies: ["TrimtabModel"]),
        // Measurements to models: curve fitting, Step Functions import, profiling.
        .target(name: "TrimtabFit", dependencies: ["TrimtabModel"]),
        // Discrete-event simulation of a workflow under a trace.
        .target(name: "TrimtabSim", dependencies: [
            "TrimtabModel", .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
        // Analytic batching model (Poisson, MAP arrivals) and batch planning.
        .target(name: "TrimtabBatch", dependencies: ["TrimtabModel", "TrimtabSolve"]),
        // Load forecasting and Kubernetes pipeline planning.
        .target(name: "TrimtabForecast", dependencies: ["TrimtabModel", "TrimtabSolve"]),
        // Offline batch inference jobs.
        .target(name: "TrimtabJob", dependencies: ["TrimtabModel", .product(name: "Yams", package: "Yams")]),
        // The HTTP service and dashboard: the commands as a JSON API.
        .target(name: "TrimtabServer", dependencies: [.product(name: "Hummingbird", package: "hummingbird")]),
        // Command implementations, kept in a library so tests can drive them in-process.
        .target(name: "TrimtabCLI", dependencies: [
            "TrimtabModel", "TrimtabSolve", "TrimtabFit", "TrimtabSim", "TrimtabBatch",
            "TrimtabForecast", "TrimtabJob", "TrimtabServer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "TextTable", package: "TextTable"),
        ]),
        .executableTarget(name: "trimtab", dependencies: ["TrimtabCLI"]),
        .executableTarget(name: "trimtab-bench", dependencies: ["TrimtabModel", "TrimtabSolve", "TrimtabForecast", "TrimtabSim", "TrimtabBatch"]),
        .testTarget(name: "TrimtabModelTests", dependencies: ["TrimtabModel"]),
        .testTarget(name: "TrimtabSolveTests", dependencies: ["TrimtabModel", "TrimtabSolve"]),
        .testTarget(name: "TrimtabFitTests", dependencies: ["TrimtabFit", "TrimtabModel"]),
        .testTarget(name: "TrimtabSimTests", dependencies: ["TrimtabSim", "TrimtabModel"]),
        .testTarget(name: "TrimtabBatchTests", dependencies: ["TrimtabBatch", "TrimtabModel", "TrimtabSim"]),
        .testTarget(name: "TrimtabForecastTests", dependencies: ["TrimtabForecast", "TrimtabModel"]),
        .testTarget(name: "TrimtabJobTests", dependencies: ["TrimtabJob", "TrimtabModel", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "TrimtabServerTests", dependencies: [
            "TrimtabServer", "TrimtabCLI",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "TrimtabCLITests", dependencies: ["TrimtabCLI", "TrimtabModel"]),
    ]
)
