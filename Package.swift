// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6)
]

// `FTTH_FUZZ=1 swift build ... -Xswiftc -sanitize=fuzzer` (scripts/fuzz.sh): ftth-fuzz then hands
// its command line to libFuzzer's driver instead of replaying files.
let fuzzSettings: [SwiftSetting] =
    Context.environment["FTTH_FUZZ"] == "1"
    ? [.define("FTTH_FUZZING"), .unsafeFlags(["-parse-as-library"])] : []

let package = Package(
    name: "ftth-acceptance",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "FTTHCore", targets: ["FTTHCore"]),
        .library(name: "FTTHConfig", targets: ["FTTHConfig"]),
        .library(name: "FTTHSQLite", targets: ["FTTHSQLite"]),
        .library(name: "FTTHPostgres", targets: ["FTTHPostgres"]),
        .library(name: "SNMPModel", targets: ["SNMPModel"]),
        .library(name: "CLIModel", targets: ["CLIModel"]),
        .library(name: "FTTHCLI", targets: ["FTTHCLI"]),
        .library(name: "FTTHSNMP", targets: ["FTTHSNMP"]),
        .library(name: "SNMPAgent", targets: ["SNMPAgent"]),
        .library(name: "FTTHDrivers", targets: ["FTTHDrivers"]),
        .library(name: "OLTSim", targets: ["OLTSim"]),
        .library(name: "FTTHEngine", targets: ["FTTHEngine"]),
        .library(name: "FTTHMetrics", targets: ["FTTHMetrics"]),
        .library(name: "FTTHPrometheus", targets: ["FTTHPrometheus"]),
        .library(name: "FTTHWebhook", targets: ["FTTHWebhook"]),
        .library(name: "FTTHWire", targets: ["FTTHWire"]),
        .library(name: "FTTHAPI", targets: ["FTTHAPI"]),
        .library(name: "FTTHReport", targets: ["FTTHReport"]),
        .library(name: "FTTHProbe", targets: ["FTTHProbe"]),
        .executable(name: "ftthctl", targets: ["ftthctl"]),
        .executable(name: "olt-sim", targets: ["olt-sim"]),
        .executable(name: "ftth-acceptd", targets: ["ftth-acceptd"]),
        .executable(name: "ftth-probe", targets: ["ftth-probe"]),
        .library(name: "PPPCore", targets: ["PPPCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // The domain and its rules: no I/O, no dependencies.
        .target(name: "FTTHCore", swiftSettings: swiftSettings),
        // SNMP values, OIDs, credentials and errors: shared by the client, the agent and the drivers.
        .target(name: "SNMPModel", swiftSettings: swiftSettings),
        // CLI sessions, errors, terminal styles and Telnet framing: shared by the Telnet/SSH
        // client, olt-sim's CLI servers and the CLI drivers. No I/O.
        .target(name: "CLIModel", swiftSettings: swiftSettings),
        // libssh (libssh-dev) as a system library, with a shim header: the CLI client's SSH and
        // olt-sim's SSH server.
        .systemLibrary(name: "CLibSSH", pkgConfig: "libssh", providers: [.apt(["libssh-dev"])]),
        // The CLI client: one session engine, over Telnet (SwiftNIO) or SSH (libssh), and a per-OLT pool.
        .target(
            name: "FTTHCLI",
            dependencies: [
                "CLIModel", "CLibSSH", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // net-snmp (libsnmp-dev) as a system library, with a shim header.
        .systemLibrary(name: "CNetSNMP", pkgConfig: "netsnmp", providers: [.apt(["libsnmp-dev"])]),
        // The SNMP client over net-snmp's single-session async API.
        .target(name: "FTTHSNMP", dependencies: ["SNMPModel", "CNetSNMP"], swiftSettings: swiftSettings),
        // An SNMP agent (v1, v2c, v3 USM) in Swift on SwiftNIO, serving any MIB view: olt-sim's agent.
        .target(
            name: "SNMPAgent",
            dependencies: [
                "SNMPModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // OLT drivers per vendor dialect and transport, written against SNMPRequester and CLIConnector.
        .target(
            name: "FTTHDrivers", dependencies: ["FTTHCore", "SNMPModel", "CLIModel"], swiftSettings: swiftSettings),
        // Makes an OLT's driver from how it is reached: the one factory of the daemon and ftthctl,
        // without the daemon's HTTP stack.
        .target(
            name: "FTTHSouthbound",
            dependencies: [
                "FTTHCore", "FTTHConfig", "FTTHDrivers", "FTTHCLI", "CLIModel", "FTTHSNMP", "SNMPModel", "FTTHMetrics",
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings),
        // Simulated OLTs over a physical ODN model, with their SNMP agents: tests, benchmarks, demo.
        .target(
            name: "OLTSim",
            dependencies: [
                "FTTHCore", "FTTHConfig", "SNMPModel", "CLIModel", .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: swiftSettings
        ),
        // Serves a simulator's OLTs on SNMP agents and on Telnet/SSH command lines: shared by
        // olt-sim, the tests and the benchmarks.
        .target(
            name: "OLTSimServer",
            dependencies: [
                "OLTSim", "SNMPAgent", "SNMPModel", "FTTHCore", "CLIModel", "CLibSSH",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "olt-sim",
            dependencies: [
                "OLTSim", "OLTSimServer", "SNMPModel", "PPPCore", "PPPoELink",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // libpcap (libpcap-dev) as a system library: the service probe's PPPoE frames.
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        // Linux TUN devices and interface ioctls (address, peer, MTU, up, MAC) for the probe.
        .target(name: "CTun"),
        // The probe's link: PPPCore's client carried out over libpcap frames and a TUN device.
        .target(name: "PPPoELink", dependencies: ["PPPCore", "CPcap", "CTun"], swiftSettings: swiftSettings),
        // The field probe: `ftth-probe dial` (PPPoE in user space).
        .executableTarget(
            name: "ftth-probe",
            dependencies: [
                "PPPoELink", "PPPCore", "FTTHProbe", "FTTHCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // PPPoE and PPP in user space as pure state machines (frames, RFC 1661's automaton, the client,
        // a small access concentrator): no I/O, time passed in by the caller.
        .target(
            name: "PPPCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        // One libFuzzer target per parser of outside bytes (PPP frames, SNMP datagrams, Telnet, CLI
        // output, CSV, JSON bodies, TOML, evidence uploads, XLSX), picked by the first argument. A plain
        // build replays files;
        // `scripts/fuzz.sh` builds it for libFuzzer (FTTH_FUZZ=1). Uses internals (@testable):
        // debug builds only.
        .executableTarget(
            name: "ftth-fuzz",
            dependencies: [
                "PPPCore", "SNMPAgent", "SNMPModel", "OLTSim", "CLIModel", "FTTHCLI", "FTTHDrivers", "FTTHCore",
                "FTTHWire", "FTTHAPI", "FTTHConfig", "FTTHWeb", "FTTHReport",
            ],
            path: "Fuzz/FTTHFuzz", swiftSettings: swiftSettings + fuzzSettings),
        // The acceptance engine: port tests step by step over the store and the OLT drivers.
        .target(
            name: "FTTHEngine",
            dependencies: ["FTTHCore", "FTTHMetrics", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        // The metrics' names, labels and help in one catalogue, and the parts' typed recorders,
        // spoken through swift-metrics only (docs/metrics.md); FTTHCore stays free of them.
        .target(
            name: "FTTHMetrics",
            dependencies: ["FTTHCore", .product(name: "CoreMetrics", package: "swift-metrics")],
            swiftSettings: swiftSettings
        ),
        // swift-prometheus behind the catalogue: the factory that gives each series its help and
        // buckets, and the text exposition `GET /metrics` serves.
        .target(
            name: "FTTHPrometheus",
            dependencies: [
                "FTTHMetrics", .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // The daemon's wiring: drivers from the configuration, services, systemd notification.
        .target(
            name: "FTTHDaemon",
            dependencies: [
                "FTTHCore", "FTTHConfig", "FTTHEngine", "FTTHDrivers", "FTTHCLI", "CLIModel", "FTTHSNMP", "SNMPModel",
                "FTTHSouthbound", "FTTHSQLite", "FTTHPostgres", "FTTHWebhook", "FTTHAPI", "FTTHWeb", "FTTHMetrics",
                "FTTHPrometheus", .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ftth-acceptd",
            dependencies: [
                "FTTHDaemon", "FTTHConfig", "FTTHPrometheus",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The outbox's webhook transport over URLSession (FoundationNetworking on Linux).
        .target(name: "FTTHWebhook", dependencies: ["FTTHEngine"], swiftSettings: swiftSettings),
        // `config/ftth-acceptd.toml` → typed configuration.
        .target(
            name: "FTTHConfig",
            dependencies: ["FTTHCore", "SNMPModel", "CLIModel", .product(name: "TOMLKit", package: "TOMLKit")],
            swiftSettings: swiftSettings
        ),
        // What every store shares whatever keeps its data: the key that seals secrets at rest and
        // the stored forms of results, verdicts and designs.
        .target(
            name: "FTTHStoreKit",
            dependencies: ["FTTHCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The SQLite store (GRDB): the default, one daemon.
        .target(
            name: "FTTHSQLite",
            dependencies: [
                "FTTHCore", "FTTHStoreKit", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The PostgreSQL store (postgres-nio): several daemons on one database.
        .target(
            name: "FTTHPostgres",
            dependencies: [
                "FTTHCore", "FTTHStoreKit", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The API's request and response bodies as Codable types and their one JSON configuration:
        // written by FTTHAPI, read by ftthctl, the engine benchmark and the tests. No HTTP.
        .target(name: "FTTHWire", dependencies: ["FTTHCore"], swiftSettings: swiftSettings),
        // A project's acceptance report as one table (rows, typed cells, the formula-injection rule)
        // written as CSV or XLSX, and the first sheet of an XLSX read back (imports): shared by the
        // API and the web pages. No HTTP.
        .target(
            name: "FTTHReport",
            dependencies: ["FTTHCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings
        ),
        // The HTTP API (Hummingbird 2): routes, bearer-token access, JSON errors, the OpenAPI document.
        // The document is compiled into the module, so the daemon stays one file to install.
        .target(
            name: "FTTHAPI",
            dependencies: [
                "FTTHCore", "FTTHConfig", "FTTHEngine", "FTTHWire", "FTTHReport", "FTTHMetrics",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.embedInCode("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        // The web pages for crews (issue 14): sessions, sign-in codes, CSRF, Mustache templates and
        // the strings per language, served by the daemon next to the API.
        .target(
            name: "FTTHWeb",
            dependencies: [
                "FTTHAPI", "FTTHCore", "FTTHEngine", "FTTHWire", "FTTHConfig", "FTTHReport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ftthctl",
            dependencies: [
                "FTTHCore", "FTTHWire", "FTTHConfig", "FTTHSQLite", "FTTHPostgres", "FTTHDrivers", "FTTHSNMP",
                "SNMPModel", "FTTHCLI",
                "CLIModel", "FTTHSouthbound", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmarks: executables that print figures (docs/benchmarks.md), never timed tests.
        .executableTarget(
            name: "snmp-poll-bench", dependencies: ["FTTHSNMP", "SNMPModel"], path: "Benchmarks/SNMPPollBench",
            swiftSettings: swiftSettings),
        // The CLI client's SSH (libssh) against olt-sim's SSH server: connect → prompt and per command
        // (docs/benchmarks.md).
        .executableTarget(
            name: "ssh-client-bench", dependencies: ["FTTHCLI", "CLIModel", "OLTSim", "OLTSimServer"],
            path: "Benchmarks/SSHClientBench", swiftSettings: swiftSettings),
        // ftth-probe vs pppd + rp-pppoe inside User-Mode Linux (scripts/uml-lab.sh --cases bench).
        .executableTarget(
            name: "probe-bench", dependencies: ["PPPoELink"], path: "Benchmarks/ProbeBench",
            swiftSettings: swiftSettings),
        // Random cities with faults at known places, tested through the real engine on olt-sim in
        // process, then diagnosed: the confusion matrix of true and diagnosed places.
        .target(
            name: "DiagnosisLab",
            dependencies: [
                "FTTHCore", "FTTHDrivers", "FTTHEngine", "FTTHSQLite", "OLTSim",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "diagnosis-bench", dependencies: ["DiagnosisLab", "FTTHCore", "OLTSim"],
            path: "Benchmarks/DiagnosisBench", swiftSettings: swiftSettings),
        // Runs olt-sim, ftthctl and ftth-acceptd as processes: of their modules it uses only the
        // API's wire types.
        .executableTarget(
            name: "engine-bench", dependencies: ["ProcessLab", "FTTHWire"], path: "Benchmarks/EngineBench",
            swiftSettings: swiftSettings),
        // Product executables run as processes by the end-to-end tests and the benchmarks.
        // The service probe's measuring and reporting: iperf3 and the daemon's speed-test endpoints
        // through the dialled session, and the spool that keeps results until the daemon has them.
        .target(
            name: "FTTHProbe",
            dependencies: [
                "FTTHCore", "FTTHWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FTTHProbeTests",
            dependencies: [
                "FTTHProbe", "ProcessLab", "FTTHCore", "FTTHWire", "FTTHAPI", "FTTHConfig", "FTTHSQLite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .target(name: "ProcessLab", swiftSettings: swiftSettings),
        // A clock that moves only when a test says so: the tests' delays become ordering facts.
        .target(name: "TestClocks", swiftSettings: swiftSettings),
        .testTarget(
            name: "FTTHCoreTests",
            dependencies: ["FTTHCore", .product(name: "PropertyBased", package: "swift-property-based")],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // One set of contract tests every store runs (issue 10): a PostgreSQL store joins its list.
        .testTarget(
            name: "PPPCoreTests",
            dependencies: ["PPPCore", .product(name: "PropertyBased", package: "swift-property-based")],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreConformanceTests",
            dependencies: ["FTTHCore", "FTTHStoreKit", "FTTHSQLite", "FTTHPostgres", "ProcessLab"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FTTHSNMPTests",
            dependencies: ["FTTHSNMP", "SNMPModel", "ProcessLab"],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SNMPAgentTests",
            dependencies: ["SNMPAgent", "SNMPModel", "TestClocks"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FTTHDriversTests",
            dependencies: ["FTTHDrivers", "OLTSim", "FTTHCore", "SNMPModel"],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OLTSimTests",
            dependencies: ["OLTSim", "FTTHCore", "FTTHConfig", "SNMPModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OLTSimServerTests",
            dependencies: [
                "OLTSimServer", "OLTSim", "CLIModel", "FTTHCore", "FTTHCLI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SNMPIntegrationTests",
            dependencies: ["OLTSimServer", "OLTSim", "FTTHSNMP", "FTTHDrivers", "FTTHCore", "SNMPModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FTTHEngineTests",
            dependencies: [
                "FTTHEngine", "FTTHCore", "FTTHSQLite", "FTTHDrivers", "OLTSim", "CLIModel", "DiagnosisLab",
                "FTTHMetrics", "FTTHPrometheus", "TestClocks",
                .product(name: "InMemoryLogging", package: "swift-log"), .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FTTHDaemonTests",
            dependencies: [
                "FTTHDaemon", "FTTHConfig", "FTTHCore", "FTTHSNMP", "SNMPModel", "OLTSim", "OLTSimServer",
                "FTTHMetrics",
                "FTTHPrometheus", "ProcessLab", .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // The acceptance flow end to end: olt-sim and ftth-acceptd as processes, the API over HTTP.
        .testTarget(
            name: "AcceptanceEndToEndTests",
            dependencies: [
                "FTTHCore", "FTTHSQLite", "FTTHPostgres", "FTTHDrivers", "FTTHCLI", "CLIModel", "ProcessLab",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // The OLTDriver contract, run against every driver and transport with olt-sim.
        .testTarget(
            name: "OLTDriverConformanceTests",
            dependencies: [
                "FTTHDrivers", "FTTHSNMP", "FTTHCLI", "OLTSim", "OLTSimServer", "FTTHCore", "CLIModel", "SNMPModel",
                "FTTHEngine", "FTTHSQLite",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FTTHCLITests",
            dependencies: [
                "FTTHCLI", "CLIModel", "ProcessLab", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The outbox pusher against a real HTTP receiver on loopback (SwiftNIO).
        .testTarget(
            name: "FTTHWebhookTests",
            dependencies: [
                "FTTHWebhook", "FTTHEngine", "FTTHCore", "FTTHSQLite", "FTTHMetrics", "FTTHPrometheus",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // ftth-probe against rp-pppoe's pppoe-server and real pppd in User-Mode Linux (scripts/uml-lab.sh);
        // runs the built executable, so it links none of the probe's modules.
        .testTarget(name: "ProbeLabTests", swiftSettings: swiftSettings),
        // PcapLink, TunDevice and the runner on the host kernel (a veth pair, a TUN device, PPPCore's
        // access concentrator as the peer; needs root).
        .testTarget(name: "PPPoELinkTests", dependencies: ["PPPoELink", "PPPCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "FTTHConfigTests",
            dependencies: ["FTTHConfig", "SNMPModel", "CLIModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FTTHSQLiteTests",
            dependencies: ["FTTHSQLite", "FTTHCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FTTHAPITests",
            dependencies: [
                "FTTHAPI", "FTTHWire", "FTTHCore", "FTTHConfig", "FTTHSQLite", "FTTHEngine", "FTTHDrivers", "OLTSim",
                "FTTHReport", "FTTHMetrics", "FTTHPrometheus",
                "TestClocks",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FTTHWebTests",
            dependencies: [
                "FTTHWeb", "FTTHAPI", "FTTHCore", "FTTHConfig", "FTTHSQLite", "FTTHEngine", "FTTHReport", "TestClocks",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ftthctlTests",
            dependencies: ["FTTHCore", "FTTHSQLite", "ProcessLab", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
    ]
)
