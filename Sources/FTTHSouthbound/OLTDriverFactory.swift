import CLIModel
import FTTHCLI
import FTTHCore
import FTTHDrivers
import FTTHMetrics
import FTTHSNMP
import SNMPModel
import Synchronization

/// Makes the driver of an OLT from its endpoint and dialect: the one factory of the daemon and
/// of ftthctl. SNMP sessions come from one client; each OLT reached over the CLI gets one
/// session pool, made on first use and kept until ``shutdown()``.
public final class OLTDriverFactory: Sendable {
    let snmp: SNMPClient
    let snmpRequestsInFlight: Int
    /// In a cluster: CLI sessions counted across every daemon.
    let sessionPermits: (any CLISessionPermits)?
    let metrics: OLTMetrics?
    let pools = Mutex<[ManagementAddress: any CLIConnector]>([:])

    /// Drivers whose SNMP sessions come from `snmp`, each with at most `snmpRequestsInFlight`
    /// requests at once (an OLT answers per-ONU optics slowly; few at a time spare its CPU).
    /// In a cluster, `sessionPermits` counts the CLI sessions across every daemon. With `metrics`,
    /// SNMP timeouts and CLI sessions in use are counted per OLT (the daemon); without, nothing is
    /// (ftthctl).
    public init(
        snmp: SNMPClient, snmpRequestsInFlight: Int = 4, sessionPermits: (any CLISessionPermits)? = nil,
        metrics: OLTMetrics? = nil
    ) {
        self.snmp = snmp
        self.snmpRequestsInFlight = snmpRequestsInFlight
        self.sessionPermits = sessionPermits
        self.metrics = metrics
    }

    /// The driver of `endpoint`'s OLT in `dialect`. Throws `invalidInput` when the SNMP target
    /// cannot be used (a host net-snmp cannot resolve, a v3 protocol it lacks).
    public func driver(for endpoint: OLTEndpoint, dialect: VendorDialect) throws -> any OLTDriver {
        let olt = endpoint.address
        switch endpoint.transport {
        case .snmp(let target):
            let session: SNMPSession
            do {
                session = try snmp.session(for: target, maxInFlight: snmpRequestsInFlight)
            } catch {
                throw OLTDriverError(
                    .invalidInput, olt: "\(olt)", message: "cannot open an SNMP session to \(target): \(error.message)")
            }
            let requester: any SNMPRequester =
                metrics.map { MeteredSNMPRequester(inner: session, olt: olt, metrics: $0) } ?? session
            return dialect.isHuawei
                ? HuaweiSNMPDriver(snmp: requester, olt: olt) : ZTESNMPDriver(snmp: requester, olt: olt)
        case .cli(let target):
            let pool = pools.withLock { pools in
                if let existing = pools[olt] { return existing }
                let sessions = CLIConnectionPool(
                    target: target,
                    style: dialect.isHuawei ? HuaweiCLIDriver.terminalStyle : ZTECLIDriver.terminalStyle,
                    sessionSetup: dialect.isHuawei ? HuaweiCLIDriver.sessionSetup : ZTECLIDriver.sessionSetup,
                    permits: sessionPermits)
                let pool: any CLIConnector =
                    metrics.map { MeteredCLIConnector(sessions, olt: olt, metrics: $0) } ?? sessions
                pools[olt] = pool
                return pool
            }
            return dialect.isHuawei
                ? HuaweiCLIDriver(
                    cli: pool, olt: olt, dialect: dialect, commandTimeout: target.commandTimeout,
                    attempts: endpoint.attempts)
                : ZTECLIDriver(
                    cli: pool, olt: olt, dialect: dialect, commandTimeout: target.commandTimeout,
                    attempts: endpoint.attempts)
        }
    }

    /// Closes every idle CLI session of the pools this factory made.
    public func shutdown() async {
        for pool in pools.withLock({ Array($0.values) }) { await pool.shutdown() }
    }
}
