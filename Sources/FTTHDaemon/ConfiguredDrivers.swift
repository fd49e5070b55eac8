import CLIModel
import FTTHCLI
import FTTHConfig
import FTTHCore
import FTTHDrivers
import FTTHEngine
import FTTHSNMP
import Foundation
import SNMPModel
import Synchronization

/// The OLT drivers the daemon uses, built from `[southbound]` and `[[olt]]`: one SNMP client for
/// every OLT, one CLI session pool per OLT, made on first use and kept.
public final class ConfiguredDrivers: OLTDriverProvider {
    let southbound: SouthboundConfiguration
    let environment: [String: String]
    let snmp: SNMPClient
    let pools = Mutex<[ManagementAddress: CLIConnectionPool]>([:])

    /// Drivers for the OLTs of `southbound`; secrets are read from `environment` by the names
    /// the configuration gives (`password_env`).
    public init(southbound: SouthboundConfiguration, environment: [String: String], snmp: SNMPClient) {
        self.southbound = southbound
        self.environment = environment
        self.snmp = snmp
    }

    public func provisioningProfiles(for olt: ManagementAddress) -> (line: String, service: String) {
        let access = southbound.access(for: olt)
        return (access?.lineProfile ?? southbound.lineProfile, access?.serviceProfile ?? southbound.serviceProfile)
    }

    func refuse(_ olt: ManagementAddress, _ message: String) -> OLTDriverError {
        OLTDriverError(.invalidInput, olt: "\(olt)", message: message)
    }

    public func driver(for olt: ManagementAddress, dialect: VendorDialect) throws -> any OLTDriver {
        guard let access = southbound.access(for: olt) else {
            throw refuse(
                olt, "no [[olt]] with address = \"\(olt)\" in the configuration: add one saying how to reach it")
        }
        let host = access.host ?? "\(olt)"
        let timeout = Duration.seconds(southbound.commandTimeoutSeconds)
        switch access.transport {
        case .snmp:
            guard let community = access.secret(environment: environment) else {
                throw refuse(
                    olt,
                    "the SNMP community is not set: export \(access.passwordEnvironment ?? "the password_env variable")"
                )
            }
            let session = try snmp.session(
                for: SNMPTarget(
                    host: host, port: access.port ?? 161, credentials: .v2c(community: Secret(community)),
                    timeoutMilliseconds: 3000, retries: 1))
            switch dialect {
            case .huaweiMA5600T, .huaweiMA5800: return HuaweiSNMPDriver(snmp: session, olt: olt)
            case .zteC300, .zteC600: return ZTESNMPDriver(snmp: session, olt: olt)
            }
        case .telnet, .ssh:
            guard let password = access.secret(environment: environment) else {
                throw refuse(
                    olt,
                    "the CLI password is not set: export \(access.passwordEnvironment ?? "the password_env variable")")
            }
            let pool = pools.withLock { pools in
                if let existing = pools[olt] { return existing }
                let target = CLITarget(
                    host: host, port: access.port, transport: access.transport == .ssh ? .ssh : .telnet,
                    username: access.username ?? "", password: password, hostKey: access.hostKey,
                    loginTimeout: .seconds(southbound.loginTimeoutSeconds), commandTimeout: timeout,
                    maxSessions: access.maxCLISessions)
                let pool = CLIConnectionPool(
                    target: target,
                    style: dialect.isHuawei ? HuaweiCLIDriver.terminalStyle : ZTECLIDriver.terminalStyle,
                    sessionSetup: dialect.isHuawei ? HuaweiCLIDriver.sessionSetup : ZTECLIDriver.sessionSetup)
                pools[olt] = pool
                return pool
            }
            return dialect.isHuawei
                ? HuaweiCLIDriver(
                    cli: pool, olt: olt, dialect: dialect, commandTimeout: timeout, attempts: southbound.attempts)
                : ZTECLIDriver(
                    cli: pool, olt: olt, dialect: dialect, commandTimeout: timeout, attempts: southbound.attempts)
        }
    }

    /// Closes every idle CLI session.
    public func shutdown() async {
        for pool in pools.withLock({ Array($0.values) }) { await pool.shutdown() }
    }
}
