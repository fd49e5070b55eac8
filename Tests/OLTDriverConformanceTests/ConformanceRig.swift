import CLIModel
import FTTHCLI
import FTTHCore
import FTTHDrivers
import FTTHSNMP
import OLTSim
import OLTSimServer
import SNMPModel
import Testing

/// Every driver and transport the conformance suite runs.
enum DriverKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case huaweiSNMP = "huawei-snmp"
    case zteSNMP = "zte-snmp"
    case huaweiCLILocal = "huawei-cli in-process"
    case huawei5800CLILocal = "huawei-cli MA5800 in-process"
    case zteCLILocal = "zte-cli in-process"
    case zteC600CLILocal = "zte-cli C600 in-process"
    case huaweiTelnet = "huawei-cli MA5600T telnet"
    case huaweiSSH = "huawei-cli MA5800 ssh"
    case huawei5600SSH = "huawei-cli MA5600T ssh"
    case zteTelnet = "zte-cli C300 telnet"
    case zteSSH = "zte-cli C600 ssh"
    case zteC300SSH = "zte-cli C300 ssh"
    /// Over an olt-sim SSH server that offers only old firmware's algorithms (`legacy`), reached
    /// with the per-OLT legacy opt-in: every dialect over both sets.
    case huaweiSSHLegacy = "huawei-cli MA5600T ssh legacy"
    case huawei5800SSHLegacy = "huawei-cli MA5800 ssh legacy"
    case zteSSHLegacy = "zte-cli C300 ssh legacy"
    case zteC600SSHLegacy = "zte-cli C600 ssh legacy"

    var testDescription: String { rawValue }

    var dialect: VendorDialect {
        switch self {
        case .huaweiSNMP, .huaweiCLILocal, .huaweiTelnet, .huawei5600SSH, .huaweiSSHLegacy: .huaweiMA5600T
        case .huawei5800CLILocal, .huaweiSSH, .huawei5800SSHLegacy: .huaweiMA5800
        case .zteSNMP, .zteCLILocal, .zteTelnet, .zteC300SSH, .zteSSHLegacy: .zteC300
        case .zteC600CLILocal, .zteSSH, .zteC600SSHLegacy: .zteC600
        }
    }

    /// ZTE provisioning goes over the CLI only.
    var canProvision: Bool { self != .zteSNMP }
    /// SNMP provisioning creates the ONT row only; service-ports come with the CLI drivers.
    var makesServicePorts: Bool { self != .huaweiSNMP && self != .zteSNMP }
    var sourceWord: String {
        switch self {
        case .huaweiSNMP: "huawei-snmp"
        case .zteSNMP: "zte-snmp"
        case .huaweiCLILocal, .huawei5800CLILocal: "huawei-cli"
        case .zteCLILocal, .zteC600CLILocal: "zte-cli"
        case .huaweiTelnet, .zteTelnet: "telnet 127.0.0.1"
        case .huaweiSSH, .huawei5600SSH, .zteSSH, .zteC300SSH, .huaweiSSHLegacy, .huawei5800SSHLegacy, .zteSSHLegacy,
            .zteC600SSHLegacy:
            "ssh 127.0.0.1"
        }
    }
    /// Over a network transport, the CLI servers of olt-sim.
    var transport: CLITarget.Transport? {
        switch self {
        case .huaweiTelnet, .zteTelnet: .telnet
        case .huaweiSSH, .huawei5600SSH, .zteSSH, .zteC300SSH, .huaweiSSHLegacy, .huawei5800SSHLegacy, .zteSSHLegacy,
            .zteC600SSHLegacy:
            .ssh
        default: nil
        }
    }

    /// The algorithm set of olt-sim's SSH server.
    var sshAlgorithms: SimSSHAlgorithmSet {
        switch self {
        case .huaweiSSHLegacy, .huawei5800SSHLegacy, .zteSSHLegacy, .zteC600SSHLegacy: .legacy
        default: .modern
        }
    }

    /// An id in the dialect's range that no ONU has.
    var unusedONUID: Int { 120 }
}

/// One simulated OLT of the kind's dialect with a test ONT plugged into the first splitter but
/// not configured, customer ONUs on the other ports, and the driver under test.
struct ConformanceRig: Sendable {
    let kind: DriverKind
    let clock: ManualSimClock
    let simulator: OLTSimulator
    let olt: SimulatedOLT
    let driver: any OLTDriver
    let pon: PONAddress
    let testONT: ONUSerial
    let stop: @Sendable () async -> Void
    /// The CLI servers, when the kind runs over a network transport (for faults).
    let servers: SimulatorCLIServers?

    static func configuration(_ kind: DriverKind) -> SimConfiguration {
        var c = SimConfiguration.synthetic(olts: 1, onusPerOLT: 6, dialects: [kind.dialect])
        c.olts[0].pons[0].splitters[0].onts[0] = SimONT(port: 1, serial: ONUSerial("HWTC7E570001")!)
        if kind.transport != nil {
            c.olts[0].cli = SimCLIConfiguration(sshAlgorithms: kind.sshAlgorithms, maxSessions: 2)
        }
        return c
    }

    static func start(
        _ kind: DriverKind, reachable: Bool = true, commandTimeout: Duration = .seconds(10)
    ) async throws -> ConformanceRig {
        let clock = ManualSimClock()
        let simulator = OLTSimulator(configuration: configuration(kind), clock: clock)
        let olt = simulator.olts[0]
        let pon = olt.config.pons[0].address
        let address = olt.config.address
        let driver: any OLTDriver
        let stop: @Sendable () async -> Void
        var servers: SimulatorCLIServers?
        switch kind {
        case .huaweiSNMP, .zteSNMP:
            let agents = try SimulatorAgents(simulator: simulator)
            let port = try await agents.start()[0].port
            if !reachable { agents.setFault(.silent, olt: 0) }
            let client = SNMPClient()
            // A silent agent is waited out briefly; one that answers gets room for a loaded machine.
            let session = try client.session(
                for: SNMPTarget(
                    host: "127.0.0.1", port: port, credentials: .v2c(community: "private"),
                    timeoutMilliseconds: reachable ? 5000 : 1500, retries: reachable ? 1 : 0))
            driver =
                kind == .huaweiSNMP
                ? HuaweiSNMPDriver(snmp: session, olt: address) : ZTESNMPDriver(snmp: session, olt: address)
            stop = {
                await client.shutdown()
                await agents.stop()
            }
        case .huaweiCLILocal, .huawei5800CLILocal, .zteCLILocal, .zteC600CLILocal:
            let huawei = kind.dialect.isHuawei
            let cli: any CLIConnector =
                reachable
                ? LocalCLIConnector(
                    olt: olt, setup: huawei ? HuaweiCLIDriver.sessionSetup : ZTECLIDriver.sessionSetup)
                : UnreachableConnector()
            driver =
                huawei
                ? HuaweiCLIDriver(cli: cli, olt: address, dialect: kind.dialect)
                : ZTECLIDriver(cli: cli, olt: address, dialect: kind.dialect)
            stop = {}
        case .huaweiTelnet, .zteTelnet, .huaweiSSH, .huawei5600SSH, .zteSSH, .zteC300SSH, .huaweiSSHLegacy,
            .huawei5800SSHLegacy, .zteSSHLegacy, .zteC600SSHLegacy:
            let cliServers = try SimulatorCLIServers(simulator: simulator)
            let endpoint = try await cliServers.start()[0]
            servers = cliServers
            let ssh = kind.transport == .ssh
            // Unreachable: a port nothing listens on (the servers' own port, once they stopped).
            if !reachable { await cliServers.stop() }
            let target = CLITarget(
                host: "127.0.0.1", port: ssh ? endpoint.sshPort! : endpoint.telnetPort!, transport: kind.transport!,
                username: "admin", password: "admin", hostKey: ssh ? endpoint.hostKey : nil,
                loginTimeout: .seconds(10), commandTimeout: commandTimeout, maxSessions: 2,
                sshAlgorithms: kind.sshAlgorithms == .legacy ? try SSHAlgorithms(legacy: Self.legacyOptIn) : .secure)
            let huawei = kind.dialect.isHuawei
            let pool = CLIConnectionPool(
                target: target, style: huawei ? HuaweiCLIDriver.terminalStyle : ZTECLIDriver.terminalStyle,
                sessionSetup: huawei ? HuaweiCLIDriver.sessionSetup : ZTECLIDriver.sessionSetup)
            driver =
                huawei
                ? HuaweiCLIDriver(cli: pool, olt: address, dialect: kind.dialect, commandTimeout: commandTimeout)
                : ZTECLIDriver(cli: pool, olt: address, dialect: kind.dialect, commandTimeout: commandTimeout)
            stop = {
                await pool.shutdown()
                await cliServers.stop()
            }
        }
        return ConformanceRig(
            kind: kind, clock: clock, simulator: simulator, olt: olt, driver: driver, pon: pon,
            testONT: ONUSerial("HWTC7E570001")!, stop: stop, servers: servers)
    }

    /// The opt-in an OLT whose firmware offers only legacy algorithms needs (as `ssh -Q` names them).
    static let legacyOptIn = [
        "ssh-rsa", "diffie-hellman-group14-sha1", "diffie-hellman-group-exchange-sha1", "diffie-hellman-group1-sha1",
        "aes128-ctr", "aes256-ctr", "aes128-cbc", "hmac-sha1",
    ]

    /// Runs `body` on a started rig and stops it afterwards, also when `body` throws.
    static func with(
        _ kind: DriverKind, reachable: Bool = true, commandTimeout: Duration = .seconds(10),
        _ body: (ConformanceRig) async throws -> Void
    ) async throws {
        let rig = try await start(kind, reachable: reachable, commandTimeout: commandTimeout)
        do {
            try await body(rig)
        } catch {
            await rig.stop()
            throw error
        }
        await rig.stop()
    }
}

/// In-process stand-in for an OLT whose CLI does not answer.
struct UnreachableConnector: CLIConnector {
    let target = "local 192.0.2.1"
    func withSession<T: Sendable>(_ body: (any CLISession) async throws -> T) async throws -> T {
        throw CLIError(.connectFailed, target: target, message: "connection refused")
    }
    func shutdown() async {}
}
