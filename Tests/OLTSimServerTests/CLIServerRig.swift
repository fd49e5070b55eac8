import CLIModel
import FTTHCore
import Foundation
import OLTSim
import OLTSimServer
import Testing

/// A running simulator with a Huawei MA5600T (OLT 0) and a ZTE C300 (OLT 1), both serving Telnet
/// and SSH on free ports.
struct CLIServerRig {
    let simulator: OLTSimulator
    let servers: SimulatorCLIServers
    let endpoints: [SimulatorCLIServers.Endpoint]

    var huaweiTelnet: Int { endpoints[0].telnetPort! }
    var huaweiSSH: Int { endpoints[0].sshPort! }
    var zteTelnet: Int { endpoints[1].telnetPort! }
    var zteSSH: Int { endpoints[1].sshPort! }

    static func toml(hostKeyDirectory: String?, algorithms: SimSSHAlgorithmSet, auth: [SimSSHAuthMethod]) -> String {
        let key = hostKeyDirectory.map { "host_key_dir = \"\($0)\"" } ?? ""
        let ssh = """
            ssh_algorithms = "\(algorithms.rawValue)"
            ssh_auth = [\(auth.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))]
            """
        return """
            [[olt]]
            name = "HW"
            address = "10.0.0.1"
            dialect = "huawei-ma5600t"
            [olt.cli]
            telnet_port = 0
            ssh_port = 0
            max_sessions = 2
            page_lines = 10
            \(key)
            \(ssh)
            [[olt.pon]]
            port = "0/1/0"
            [[olt.pon.splitter]]
            name = "SP1"
            ratio = "1:8"
            [[olt.pon.splitter.ont]]
            port = 1
            serial = "HWTC0000A001"
            onu_id = 0
            name = "customer-1"
            [[olt]]
            name = "ZTE"
            address = "10.0.0.2"
            dialect = "zte-c300"
            [olt.cli]
            telnet_port = 0
            ssh_port = 0
            \(ssh)
            [[olt.pon]]
            port = "1/2/1"
            [[olt.pon.splitter]]
            name = "SP1"
            ratio = "1:8"
            [[olt.pon.splitter.ont]]
            port = 1
            serial = "ZTEG00000001"
            onu_id = 1
            name = "customer-1"
            """
    }

    static func start(
        hostKeyDirectory: String? = nil, algorithms: SimSSHAlgorithmSet = .modern,
        auth: [SimSSHAuthMethod] = [.password, .keyboardInteractive]
    ) async throws -> CLIServerRig {
        let toml = toml(hostKeyDirectory: hostKeyDirectory, algorithms: algorithms, auth: auth)
        let simulator = OLTSimulator(configuration: try SimConfiguration(toml: toml), clock: ManualSimClock())
        let servers = try SimulatorCLIServers(simulator: simulator)
        let endpoints = try await servers.start()
        return CLIServerRig(simulator: simulator, servers: servers, endpoints: endpoints)
    }

    func stop() async { await servers.stop() }

    /// Logs in over Telnet as admin/admin and reads up to the first prompt.
    static func login(_ c: inout RawTCPConnection, huawei: Bool = true) async throws {
        try await c.read(until: huawei ? "User name:" : "Username:")
        try await c.send("admin\r\n")
        try await c.read(until: huawei ? "User password:" : "Password:")
        try await c.send("admin\r\n")
        try await c.read(until: huawei ? "MA5600T>" : "ZXAN#")
    }
}

/// The server tests, one at a time: they bind ports and start `ssh` and `python3`, and Foundation's
/// `Process` can hang on Linux when children start concurrently.
@Suite("olt-sim CLI servers", .serialized, .timeLimit(.minutes(2)))
enum CLIServerTests {}
