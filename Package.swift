// swift-tools-version:6.0
import Foundation
import PackageDescription

/// The CPU the kernels are compiled for: on x86-64, AVX2 + FMA for the kernels (haswell) and AVX-512 for
/// their wide variants (called only when the CPU reports avx512f); elsewhere (aarch64, Apple silicon) the
/// compiler's default for the target, the wide variants never called.
#if arch(x86_64)
    let kernelCPU = ["-target-cpu", "haswell"]
    let wideKernelCPU = ["-target-cpu", "skylake-avx512"]
#else
    let kernelCPU: [String] = []
    let wideKernelCPU: [String] = []
#endif

let package = Package(
    name: "lcplan",
    products: [
        .executable(name: "lcplan", targets: ["lcplan"]),
        // The libraries, for the fuzzing package in Fuzz/ (make fuzz).
        .library(name: "LCPlanFuzzing", targets: ["LCPlanFuzzing"]),
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
        // Optimized in debug builds too: the layout search costs hundreds of thousands of layouts per spec,
        // and every test, fuzz input and sanitizer run goes through it (about 20 times faster than -Onone).
        .target(
            name: "LCPlanCalculators", dependencies: ["LCPlanModel", "LCPlanPrecision"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // Reference kernels for validation, on the precision module only: the one place where unchecked SIMD
        // arithmetic is allowed (-Ounchecked), built for AVX2 + FMA (haswell: every x86-64 CPU since 2013,
        // Zen 4 and Xeon included) so SIMD.addingProduct is an instruction, not a libcall (toolchain.md sec. 5).
        // The same kernels' AVX-512 variants, built for skylake-avx512 and called only when the CPU reports
        // avx512f at run time (a binary must still run on AVX2 machines).
        .target(name: "LCPlanKernelsWide", swiftSettings: [.unsafeFlags(["-Ounchecked"] + wideKernelCPU)]),
        .target(
            name: "LCPlanKernels", dependencies: ["LCPlanPrecision", "LCPlanKernelsWide"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"] + kernelCPU)]),
        // Validation: the kernels run on a scaled-down plan and compared with the calculators' predictions.
        .target(
            name: "LCPlanValidation", dependencies: ["LCPlanKernels", "LCPlanCalculators", "LCPlanModel", "LCPlanPrecision"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "LCPlanReport", dependencies: ["LCPlanModel", "LCPlanCalculators", "LCPlanPrecision", "LCPlanValidation"]),
        .target(
            name: "LCPlanCLI",
            dependencies: [
                "LCPlanReport", "LCPlanModel", "LCPlanCalculators", "LCPlanValidation", "LCPlanKernels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "lcplan", dependencies: ["LCPlanCLI"]),
        // What the fuzzers run on each input (libFuzzer targets in Fuzz/, the mutational fuzzer in the tests).
        .target(name: "LCPlanFuzzing", dependencies: ["LCPlanCLI", "LCPlanReport", "LCPlanCalculators", "LCPlanModel"]),
        // Layout evaluations per second (make bench).
        .executableTarget(
            name: "lcplan-bench", dependencies: ["LCPlanCalculators", "LCPlanModel", "LCPlanKernels", "LCPlanPrecision"],
            path: "Benchmarks/lcplan-bench"),
        .testTarget(name: "LCPlanPrecisionTests", dependencies: ["LCPlanPrecision"]),
        .testTarget(name: "LCPlanModelTests", dependencies: ["LCPlanModel", "LCPlanCalculators"]),
        .testTarget(name: "LCPlanCalculatorsTests", dependencies: ["LCPlanCalculators", "LCPlanModel"]),
        .testTarget(
            name: "LCPlanValidationTests", dependencies: ["LCPlanValidation", "LCPlanKernels", "LCPlanCalculators", "LCPlanModel"]),
        .testTarget(
            name: "LCPlanReportTests",
            dependencies: [
                "LCPlanReport", "LCPlanModel", "LCPlanCalculators", "Yams",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "LCPlanFuzzingTests", dependencies: ["LCPlanFuzzing", "LCPlanModel"]),
        // End-to-end tests run the built `lcplan` binary (a dependency, so `swift test` builds it).
        .testTarget(
            name: "LCPlanCLITests",
            dependencies: [
                "lcplan", "LCPlanReport", "LCPlanModel", "LCPlanCalculators", "Yams",
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)

// libFuzzer targets, built only by `make fuzz` (LCPLAN_FUZZ=1, `--sanitize=fuzzer`): each is a file with
// `LLVMFuzzerTestOneInput` and no main, which an ordinary build could not link.
if ProcessInfo.processInfo.environment["LCPLAN_FUZZ"] != nil {
    for name in ["FuzzSpec", "FuzzHFConfig", "FuzzCommandLine", "FuzzFileSystem"] {
        package.targets.append(
            .executableTarget(
                name: name, dependencies: ["LCPlanFuzzing"], path: "Fuzz/\(name)",
                swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    }
}
