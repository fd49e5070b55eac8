// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6)
]

let package = Package(
    name: "ftth-acceptance",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "FTTHCore", targets: ["FTTHCore"]),
        .library(name: "FTTHConfig", targets: ["FTTHConfig"]),
        .library(name: "FTTHSQLite", targets: ["FTTHSQLite"]),
        .library(name: "SNMPModel", targets: ["SNMPModel"]),
        .executable(name: "ftthctl", targets: ["ftthctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // The domain and its rules: no I/O, no dependencies.
        .target(name: "FTTHCore", swiftSettings: swiftSettings),
        // SNMP values, OIDs, credentials and errors: shared by the client, the agent and the drivers.
        .target(name: "SNMPModel", swiftSettings: swiftSettings),
        // `config/ftth-acceptd.toml` → typed configuration.
        .target(
            name: "FTTHConfig",
            dependencies: ["FTTHCore", .product(name: "TOMLKit", package: "TOMLKit")],
            swiftSettings: swiftSettings
        ),
        // The SQLite store (GRDB).
        .target(
            name: "FTTHSQLite",
            dependencies: ["FTTHCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ftthctl",
            dependencies: [
                "FTTHCore", "FTTHConfig", "FTTHSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FTTHCoreTests",
            dependencies: ["FTTHCore", .product(name: "PropertyBased", package: "swift-property-based")],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FTTHConfigTests",
            dependencies: ["FTTHConfig"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FTTHSQLiteTests",
            dependencies: ["FTTHSQLite", "FTTHCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ftthctlTests",
            dependencies: ["FTTHCore", "FTTHSQLite", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
    ]
)
