import CLIModel
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

    var testDescription: String { rawValue }

    var dialect: VendorDialect {
        switch self {
        case .huaweiSNMP, .huaweiCLILocal: .huaweiMA5600T
        case .huawei5800CLILocal: .huaweiMA5800
        case .zteSNMP, .zteCLILocal: .zteC300
        case .zteC600CLILocal: .zteC600
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

    static func configuration(_ kind: DriverKind) -> SimConfiguration {
        var c = SimConfiguration.synthetic(olts: 1, onusPerOLT: 6, dialects: [kind.dialect])
        c.olts[0].pons[0].splitters[0].onts[0] = SimONT(port: 1, serial: ONUSerial("HWTC7E570001")!)
        return c
    }

    static func start(_ kind: DriverKind, reachable: Bool = true) async throws -> ConformanceRig {
        let clock = ManualSimClock()
        let simulator = OLTSimulator(configuration: configuration(kind), clock: clock)
        let olt = simulator.olts[0]
        let pon = olt.config.pons[0].address
        let address = olt.config.address
        let driver: any OLTDriver
        let stop: @Sendable () async -> Void
        switch kind {
        case .huaweiSNMP, .zteSNMP:
            let agents = try SimulatorAgents(simulator: simulator)
            let port = try await agents.start()[0].port
            if !reachable { agents.setFault(.silent, olt: 0) }
            let client = SNMPClient()
            let session = try client.session(
                for: SNMPTarget(
                    host: "127.0.0.1", port: port, credentials: .v2c(community: "private"), timeoutMilliseconds: 1500,
                    retries: 0))
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
        }
        return ConformanceRig(
            kind: kind, clock: clock, simulator: simulator, olt: olt, driver: driver, pon: pon,
            testONT: ONUSerial("HWTC7E570001")!, stop: stop)
    }

    /// Runs `body` on a started rig and stops it afterwards, also when `body` throws.
    static func with(
        _ kind: DriverKind, reachable: Bool = true, _ body: (ConformanceRig) async throws -> Void
    ) async throws {
        let rig = try await start(kind, reachable: reachable)
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
