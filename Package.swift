// swift-tools-version:6.2
import PackageDescription

/// Settings every HISPay target shares: Swift 6 mode (the tools default) with warnings as errors.
let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "HISPay",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "HISPay", targets: ["HISPay"]),
        .library(name: "HISPayGateway", targets: ["HISPayGateway"]),
        .library(name: "HISPayTesting", targets: ["HISPayTesting"]),
        .executable(name: "hispay", targets: ["hispay"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // System libraries and the one C shim for their variadic/macro APIs.
        .systemLibrary(
            name: "CHISPayOpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CHISPayCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CHISPayZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "CHISPayShims", dependencies: ["CHISPayOpenSSL", "CHISPayCurl"]),

        // Library modules, dependencies pointing down.
        .target(
            name: "HISPayCore",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "HISPayCrypto",
            dependencies: ["CHISPayOpenSSL", "CHISPayShims"],
            swiftSettings: strict
        ),
        .target(
            name: "HISPayCurl",
            dependencies: [
                "HISPayCore", "CHISPayCurl", "CHISPayShims",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "HISPayCompression",
            dependencies: ["HISPayCore", "CHISPayZlib", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strict
        ),
        .target(
            name: "WeChatPay",
            dependencies: ["HISPayCore", "HISPayCrypto", "HISPayCompression"],
            swiftSettings: strict
        ),
        .target(
            name: "Alipay",
            dependencies: [
                "HISPayCore", "HISPayCrypto", "HISPayCompression",
            ],
            swiftSettings: strict
        ),
        .target(
            name: "UnionPay",
            dependencies: [
                "HISPayCore", "HISPayCrypto", "HISPayCompression",
            ],
            swiftSettings: strict
        ),
        .target(
            name: "MedicalInsurance",
            dependencies: ["HISPayCore", "HISPayCrypto", "HISPayCompression", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "HISPayStore",
            dependencies: [
                "HISPayCore", .product(name: "SQLiteNIO", package: "sqlite-nio"), .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // The hospital's prepaid card: a channel the hospital operates, its ledger in the store.
        .target(
            name: "HospitalCard",
            dependencies: ["HISPayCore", "HISPayStore"],
            swiftSettings: strict
        ),
        .target(
            name: "Reconciliation",
            dependencies: ["HISPayCore"],
            swiftSettings: strict
        ),
        .target(
            name: "HISPayService",
            dependencies: [
                "HISPayCore", "HISPayCrypto", "HISPayCurl", "WeChatPay", "Alipay", "UnionPay", "MedicalInsurance", "HospitalCard", "HISPayStore",
                "Reconciliation", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "HISPayGateway",
            dependencies: [
                "HISPayCore", "HISPayCrypto", "HISPayService", "HISPayStore", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"), .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "HISPay",
            dependencies: [
                "HISPayCore", "HISPayCrypto", "HISPayCurl", "HISPayCompression", "WeChatPay", "Alipay", "UnionPay", "MedicalInsurance",
                "HospitalCard", "HISPayStore", "Reconciliation", "HISPayService",
            ],
            swiftSettings: strict
        ),

        // The test tooling a HIS imports only into its tests: simulators, cassettes, sandbox keys.
        .target(
            name: "HISPayTesting",
            dependencies: [
                "HISPayCore", "HISPayCrypto", "HISPayCompression", "HISPayCurl", "WeChatPay", "Alipay", "UnionPay", "MedicalInsurance",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "hispay",
            dependencies: [
                "HISPay", "HISPayGateway", "HISPayTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Examples/hispay",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "his-server",
            dependencies: ["HISPay", "HISPayGateway", "HISPayTesting", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Examples/his-server",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "hispay-bench",
            dependencies: ["HISPay", "HISPayTesting", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            path: "Benchmarks/hispay-bench",
            swiftSettings: strict
        ),

        // Fuzzing: the targets (a library the tests replay), and their libFuzzer driver (scripts/fuzz.sh).
        .target(
            name: "HISPayFuzzing",
            dependencies: [
                "HISPayCore", "HISPayCrypto", "HISPayCurl", "HISPayCompression", "WeChatPay", "Alipay", "UnionPay", "MedicalInsurance", "Reconciliation",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            path: "Tests/Fuzzing/HISPayFuzzing",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "hispay-fuzz",
            dependencies: ["HISPayFuzzing"],
            path: "Tests/Fuzzing/hispay-fuzz",
            swiftSettings: strict
        ),

        // Tests.
        .target(
            name: "HISPayTestSupport",
            dependencies: ["WeChatPay", "UnionPay", "MedicalInsurance", "HISPayCrypto", "HISPayTesting", "HISPayCore", "HISPayStore", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            path: "Tests/HISPayTestSupport",
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReconciliationTests",
            dependencies: ["Reconciliation", "HISPayCore", "HISPayTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HISPayStoreTests",
            dependencies: ["HISPayService", "HISPayStore", "HISPayCore", "HISPayTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HISPayCoreTests",
            dependencies: ["HISPayTesting", "HISPayCore", "HISPayCrypto", "HISPayTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HISPayCryptoTests",
            dependencies: ["HISPayCrypto", "HISPayTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HISPayCurlTests",
            dependencies: ["HISPay", "HISPayTesting", "HISPayCurl", "HISPayCore", "HISPayTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HISPayCompressionTests",
            dependencies: ["HISPayCompression", "HISPayCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WeChatPayTests",
            dependencies: ["HISPayService", "HISPayTesting", "WeChatPay", "MedicalInsurance", "HISPayStore", "HISPayCurl", "HISPayCore", "HISPayCrypto", "HISPayTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AlipayTests",
            dependencies: ["HISPayService", "HISPayTesting", "Alipay", "MedicalInsurance", "HISPayCore", "HISPayCrypto", "HISPayTestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "UnionPayTests",
            dependencies: ["HISPayTesting", "UnionPay", "HISPayCore", "HISPayCrypto", "HISPayTestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MedicalInsuranceTests",
            dependencies: ["HISPayService", "HISPayTesting", 
                "MedicalInsurance", "HISPayCore", "HISPayCrypto", "HISPayCompression", "HISPayTestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HISPayServiceTests",
            dependencies: [
                "HISPayService", "HISPayCore", "HISPayCrypto", "HISPayCompression", "HISPayStore", "HISPayTesting", "HISPayTestSupport", "WeChatPay",
                "Alipay", "UnionPay", "MedicalInsurance", "HospitalCard", "Reconciliation", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HISPayGatewayTests",
            dependencies: [
                "HISPayGateway", "HISPayService", "HISPayCore", "HISPayCrypto", "HISPayCurl", "HISPayStore", "Reconciliation", "HISPayTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HospitalCardTests",
            dependencies: ["HospitalCard", "HISPayStore", "HISPayCore", "HISPayTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HISPayFuzzingTests",
            dependencies: ["HISPayFuzzing"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HISPayTestingTests",
            dependencies: ["HISPay", "HISPayTesting", "HISPayCore", "HISPayCrypto", "HISPayCurl", "MedicalInsurance", "HISPayTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "hispayTests",
            dependencies: [
                "HISPay", "HISPayCrypto", "HISPayTesting", "HISPayTestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strict
        ),
    ]
)
