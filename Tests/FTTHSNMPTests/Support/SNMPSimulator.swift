import FTTHSNMP
import Foundation
import ProcessLab
import SNMPModel
import Testing

/// snmpsim (PyPI) replaying the recorded OLTs of Resources/, started through
/// `scripts/snmpsim.sh`. Each recording is copied in as `<community>.snmprec`: the community (and
/// the SNMPv3 context) is the file's base name.
struct SNMPSimulator: Sendable {
    /// Community → recording in Resources/.
    static let recordings: [String: String] = [
        "huawei": "huawei-ma5603t-smartax.snmprec",
        "zte": "zte-c320.snmprec",
        "c300": "zte-c300-optics-extract.snmprec",
        "vsol": "vsol-v1600d.snmprec",
    ]

    /// The SNMPv3 users snmpsim accepts (SHA + AES, same keys); the context picks the recording.
    /// Tests that send wrong keys use the second: net-snmp holds one key set per agent and user.
    static let v3User = "ftth-v3"
    static let v3OtherUser = "ftth-v3-other"
    static let v3AuthKey: Secret = "sim-auth-key-1"
    static let v3PrivKey: Secret = "sim-priv-key-2"

    let port: Int
    let directory: URL
    let process: LabChild

    /// The simulator of the running suite (set by the ``SNMPSimulatorTrait``).
    @TaskLocal static var current: SNMPSimulator?

    func target(community: String, timeoutMilliseconds: Int = 3000, retries: Int = 1) -> SNMPTarget {
        SNMPTarget(
            host: "127.0.0.1", port: port, credentials: .v2c(community: Secret(community)),
            timeoutMilliseconds: timeoutMilliseconds, retries: retries)
    }

    /// Starts snmpsim (creating its virtual environment on first use) and returns once every
    /// recording answers.
    static func start() async throws -> SNMPSimulator {
        let directory = try TestEnvironment.temporaryDirectory("ftth-snmpsim")
        do {
            let data = directory.appendingPathComponent("data")
            let cache = directory.appendingPathComponent("cache")
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
            for (community, file) in recordings {
                try FileManager.default.copyItem(
                    at: TestEnvironment.resources.appendingPathComponent(file),
                    to: data.appendingPathComponent("\(community).snmprec"))
            }
            let port = TestEnvironment.freeUDPPort()
            let script = TestEnvironment.packageRoot.appendingPathComponent("scripts/snmpsim.sh").path
            let process = try LabChild(
                executable: "/bin/bash",
                arguments: [
                    script, "--data-dir=\(data.path)", "--cache-dir=\(cache.path)",
                    "--agent-udpv4-endpoint=127.0.0.1:\(port)", "--process-user=root", "--process-group=root",
                    "--log-level=error", "--v3-user=\(v3User)", "--v3-auth-key=\(v3AuthKey.value)",
                    "--v3-auth-proto=SHA", "--v3-priv-key=\(v3PrivKey.value)", "--v3-priv-proto=AES",
                    "--v3-user=\(v3OtherUser)", "--v3-auth-key=\(v3AuthKey.value)", "--v3-auth-proto=SHA",
                    "--v3-priv-key=\(v3PrivKey.value)", "--v3-priv-proto=AES",
                ],
                log: directory.appendingPathComponent("snmpsim.log"))
            let simulator = SNMPSimulator(port: port, directory: directory, process: process)
            do {
                let client = SNMPClient()
                for community in recordings.keys.sorted() {
                    let probe = try client.session(
                        for: simulator.target(community: community, timeoutMilliseconds: 200, retries: 0))
                    // The first run builds the virtual environment (pip install): allow for it.
                    try await TestEnvironment.waitUntilAnswering(probe, oid: "1.3.6.1.2.1.1.1.0", within: 180) {
                        process.isRunning
                    }
                }
                await client.shutdown()
            } catch {
                let log = (try? String(contentsOf: directory.appendingPathComponent("snmpsim.log"), encoding: .utf8))
                process.stop()
                throw TestFailure("snmpsim did not come up: \(error)\n\(log ?? "")")
            }
            return simulator
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs a suite with one snmpsim for all its tests, stopped at the end however they end.
struct SNMPSimulatorTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let simulator = try await SNMPSimulator.start()
        defer { simulator.stop() }
        try await SNMPSimulator.$current.withValue(simulator) {
            try await function()
        }
    }
}

extension Trait where Self == SNMPSimulatorTrait {
    /// One snmpsim replaying the recorded OLTs for the whole suite.
    static var snmpsim: Self { Self() }
}
