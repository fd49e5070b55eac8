import FTTHCLI
import FTTHConfig
import FTTHCore
import FTTHEngine
import FTTHMetrics
import FTTHSNMP
import FTTHSouthbound

/// The OLT drivers the daemon uses, built from `[southbound]` and `[[olt]]` by the factory
/// ftthctl uses too: one SNMP client for every OLT, one CLI session pool per OLT, made on first
/// use and kept.
public final class ConfiguredDrivers: OLTDriverProvider {
    let southbound: SouthboundConfiguration
    let environment: [String: String]
    let factory: OLTDriverFactory

    /// Drivers for the OLTs of `southbound`; secrets are read from `environment` by the names
    /// the configuration gives (`password_env`, `snmp_auth_password_env`, `snmp_priv_password_env`).
    /// `sessionPermits`: in a cluster, the OLTs' CLI sessions counted across every daemon. With
    /// `metrics`, SNMP timeouts and CLI sessions in use are counted per OLT.
    public init(
        southbound: SouthboundConfiguration, environment: [String: String], snmp: SNMPClient,
        sessionPermits: (any CLISessionPermits)? = nil, metrics: OLTMetrics? = nil
    ) {
        self.southbound = southbound
        self.environment = environment
        self.factory = OLTDriverFactory(snmp: snmp, sessionPermits: sessionPermits, metrics: metrics)
    }

    public func provisioningProfiles(for olt: ManagementAddress) -> (line: String, service: String) {
        let access = southbound.access(for: olt)
        return (access?.lineProfile ?? southbound.lineProfile, access?.serviceProfile ?? southbound.serviceProfile)
    }

    public func driver(for olt: ManagementAddress, dialect: VendorDialect) throws -> any OLTDriver {
        guard let access = southbound.access(for: olt) else {
            throw OLTDriverError(
                .invalidInput, olt: "\(olt)",
                message: "no [[olt]] with address = \"\(olt)\" in the configuration: add one saying how to reach it")
        }
        let endpoint = try OLTEndpoint(access: access, southbound: southbound, environment: environment)
        return try factory.driver(for: endpoint, dialect: dialect)
    }

    /// Closes every idle CLI session.
    public func shutdown() async {
        await factory.shutdown()
    }
}
