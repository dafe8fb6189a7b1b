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
    ],
    targets: [
        // Core: workflow files, validation, structure and the analytic model. No networking.
        .target(name: "TrimtabModel", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Optimisers: exact, greedy, exhaustive, Pareto.
        .target(name: "TrimtabSolve", dependencies: ["TrimtabModel"]),
        // Command implementations, kept in a library so tests can drive them in-process.
        .target(name: "TrimtabCLI", dependencies: [
            "TrimtabModel", "TrimtabSolve",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "TextTable", package: "TextTable"),
        ]),
        .executableTarget(name: "trimtab", dependencies: ["TrimtabCLI"]),
        .executableTarget(name: "trimtab-bench", dependencies: ["TrimtabModel", "TrimtabSolve"]),
        .testTarget(name: "TrimtabModelTests", dependencies: ["TrimtabModel"]),
        .testTarget(name: "TrimtabSolveTests", dependencies: ["TrimtabModel", "TrimtabSolve"]),
        .testTarget(name: "TrimtabCLITests", dependencies: ["TrimtabCLI", "TrimtabModel"]),
    ]
)
