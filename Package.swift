// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "lcplan",
    products: [
        .executable(name: "lcplan", targets: ["lcplan"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        // Golden snapshots in the CLI tests (its SnapshotTesting target has no dependencies of its own).
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing", exact: "1.19.7"),
        // Property tests with shrinking and fixed seeds (no dependencies of its own).
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
    ],
    targets: [
        // GMP and MPFR from the system (Debian: libgmp-dev, libmpfr-dev). No `pkgConfig:` so that
        // `make static` can link the .a archives (see shared/notes/toolchain.md, static linking).
        .systemLibrary(name: "CGMP", providers: [.apt(["libgmp-dev"])]),
        .systemLibrary(name: "CMPFR", providers: [.apt(["libmpfr-dev"])]),
        .target(name: "LCPlanPrecision", dependencies: ["CGMP", "CMPFR"]),
        .target(name: "LCPlanModel", dependencies: ["LCPlanPrecision", "Yams"]),
        .target(name: "LCPlanCalculators", dependencies: ["LCPlanModel", "LCPlanPrecision"]),
        .target(name: "LCPlanReport", dependencies: ["LCPlanModel", "LCPlanCalculators", "LCPlanPrecision"]),
        .executableTarget(
            name: "lcplan",
            dependencies: [
                "LCPlanReport", "LCPlanModel", "LCPlanCalculators",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Layout evaluations per second (make bench).
        .executableTarget(
            name: "lcplan-bench", dependencies: ["LCPlanCalculators", "LCPlanModel"], path: "Benchmarks/lcplan-bench"),
        .testTarget(name: "LCPlanPrecisionTests", dependencies: ["LCPlanPrecision"]),
        .testTarget(name: "LCPlanModelTests", dependencies: ["LCPlanModel", "LCPlanCalculators"]),
        .testTarget(name: "LCPlanCalculatorsTests", dependencies: ["LCPlanCalculators", "LCPlanModel"]),
        .testTarget(
            name: "LCPlanReportTests",
            dependencies: [
                "LCPlanReport", "LCPlanModel", "LCPlanCalculators", "Yams",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        // End-to-end tests run the built `lcplan` binary (a dependency, so `swift test` builds it).
        .testTarget(
            name: "LCPlanCLITests",
            dependencies: [
                "lcplan", "LCPlanReport", "LCPlanModel", "Yams",
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
            ]
        ),
    ]
)
