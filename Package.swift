// swift-tools-version:6.1
import PackageDescription

// Ringfence is split at the syscall boundary (see docs/architecture.md):
//   RingfenceContent  pure Swift domain: templates, channel files, validator, faults
//   RingfenceSensor   telemetry events and the three content interpreters
//   RingfenceSystem   small typed wrappers over POSIX (signals, wait status, spawning)
//   RingfenceSandbox  seccomp policies, the child setup, the fork server and the
//                     exec launcher: the only Swift code that touches CSandbox
//   RingfenceHost     the simulated host: kernel, disk, supervisor, the built-in agent
//   RingfenceLab      the lab: trials, boot loops, records, demos, benchmarks
//   ringfence         the command users run: a small front that launches
//                     `sandbox run` itself and execs ringfence-cli for the rest
//   ringfence-cli     the thin command-line tool over those libraries
// C lives only under Sandbox/, where it has to be C.
let package = Package(
    name: "Ringfence",
    products: [
        .executable(name: "ringfence", targets: ["ringfence"]),
        .executable(name: "ringfence-cli", targets: ["ringfence-cli"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CSeccomp",
            path: "Sandbox/CSeccomp",
            pkgConfig: "libseccomp",
            providers: [.apt(["libseccomp-dev"])]
        ),
        .target(
            name: "RingfenceContent",
            dependencies: [
                "RingfenceSystem",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "RingfenceSensor",
            dependencies: ["RingfenceContent"]
        ),
        .target(
            name: "CSandbox",
            path: "Sandbox/CSandbox"
        ),
        .executableTarget(
            name: "ringfence-probe",
            dependencies: ["CSandbox"],
            path: "Sandbox/Probe"
        ),
        .target(name: "RingfenceSystem"),
        .target(
            name: "RingfenceSandbox",
            dependencies: [
                "CSandbox", "CSeccomp", "RingfenceSystem",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "RingfenceHost",
            dependencies: [
                "RingfenceContent", "RingfenceSensor", "RingfenceSystem", "RingfenceSandbox", "CSandbox",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(
            name: "RingfenceLab",
            dependencies: [
                "RingfenceContent", "RingfenceSensor", "RingfenceSystem", "RingfenceSandbox", "RingfenceHost",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Only RingfenceSandbox and RingfenceSystem: no Foundation, no
        // ArgumentParser. Linked fully statically in release builds, which
        // halves its start-up (BENCHMARKS.md, issue 6).
        .executableTarget(
            name: "ringfence",
            dependencies: ["RingfenceSandbox", "RingfenceSystem", .product(name: "Crypto", package: "swift-crypto")],
            linkerSettings: [.unsafeFlags(["-static-executable"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "ringfence-cli",
            dependencies: [
                "RingfenceContent",
                "RingfenceSensor",
                "RingfenceSystem",
                "RingfenceSandbox",
                "RingfenceHost",
                "RingfenceLab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Fully static in release builds: every boot of a simulated host and
            // every fork server is a fresh process of this executable, and a
            // dynamic one spends most of its start resolving relocations (BENCHMARKS.md, issue 10).
            linkerSettings: [.unsafeFlags(["-static-executable"], .when(configuration: .release))]
        ),
        // The decoders under libFuzzer (`make fuzz`, built with -sanitize=fuzzer
        // -DRINGFENCE_FUZZ), or replaying the committed corpus and every crash
        // found so far (`make test`).
        .executableTarget(
            name: "ringfence-fuzz",
            dependencies: ["RingfenceContent", "RingfenceHost", "RingfenceLab", "RingfenceSandbox"],
            path: "Tests/Fuzz",
            exclude: ["Corpus", "Crashes"]
        ),
        .target(
            name: "RingfenceTestSupport",
            dependencies: ["RingfenceContent", "RingfenceSystem"],
            path: "Tests/RingfenceTestSupport",
            // Compiled by the tests themselves (cc -shared) and preloaded into the real binary.
            exclude: ["Interposer"]
        ),
        .testTarget(
            name: "RingfenceContentTests",
            dependencies: ["RingfenceContent", "RingfenceTestSupport"]
        ),
        .testTarget(
            name: "RingfenceSensorTests",
            dependencies: ["RingfenceSensor", "RingfenceContent", "RingfenceSystem", "RingfenceTestSupport"]
        ),
        .testTarget(
            name: "RingfenceSandboxTests",
            dependencies: ["RingfenceSandbox", "RingfenceSystem", "RingfenceTestSupport", "ringfence-probe"]
        ),
        .testTarget(
            name: "RingfenceHostTests",
            dependencies: ["RingfenceHost", "RingfenceLab", "RingfenceContent", "RingfenceSensor", "RingfenceSystem", "RingfenceTestSupport"]
        ),
        .testTarget(
            name: "RingfenceLabTests",
            dependencies: ["RingfenceLab", "RingfenceHost", "RingfenceContent", "RingfenceSystem", "RingfenceTestSupport"]
        ),
        .testTarget(
            name: "RingfenceReliabilityTests",
            dependencies: ["ringfence", "ringfence-probe", "ringfence-fuzz", "RingfenceSandbox", "RingfenceSystem", "RingfenceTestSupport"],
            // Compiled by the test itself with the sanitizers.
            exclude: ["ASan"]
        ),
        .testTarget(
            name: "RingfenceCLITests",
            dependencies: ["ringfence", "ringfence-cli", "ringfence-probe", "RingfenceSandbox", "RingfenceSystem", "RingfenceTestSupport"],
            // The malformed-input corpus: data files read by BadInputTests, not sources.
            exclude: ["BadInput"]
        ),
    ]
)
