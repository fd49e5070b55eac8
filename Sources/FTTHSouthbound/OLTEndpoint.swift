import CLIModel
import FTTHConfig
import FTTHCore
import SNMPModel

/// How to reach one OLT with its secrets in hand: what ``OLTDriverFactory`` makes a driver of.
/// The daemon makes it from its configuration (``init(access:southbound:environment:)``),
/// ftthctl from its options.
public struct OLTEndpoint: Sendable {
    /// SNMP with a target, or the command line with one.
    public enum Transport: Sendable {
        case snmp(SNMPTarget)
        case cli(CLITarget)
    }

    /// The OLT's management address, as the project CSV names it.
    public var address: ManagementAddress
    public var transport: Transport
    /// Tries of one CLI operation when its session fails (dropped, timed out).
    public var attempts: Int

    public init(address: ManagementAddress, transport: Transport, attempts: Int = 2) {
        precondition(attempts >= 1, "attempts must be at least 1")
        self.address = address
        self.transport = transport
        self.attempts = attempts
    }

    /// The endpoint of an `[[olt]]`: secrets are read from `environment` by the names the
    /// configuration gives. Throws `invalidInput` naming the variable to export when one is not
    /// set; the message never holds a secret.
    public init(access: OLTAccess, southbound: SouthboundConfiguration, environment: [String: String]) throws {
        let olt = access.address
        func refuse(_ message: String) -> OLTDriverError {
            OLTDriverError(.invalidInput, olt: "\(olt)", message: message)
        }
        func secret(_ variable: String?, _ what: String) throws -> Secret {
            guard let variable, let value = environment[variable], !value.isEmpty else {
                throw refuse("the \(what) is not set: export \(variable ?? "the variable its _env key names")")
            }
            return Secret(value)
        }
        let host = access.host ?? "\(olt)"
        switch access.transport {
        case .snmp:
            let s = access.snmp
            let credentials: SNMPCredentials
            switch s.version {
            case .v1, .v2c:
                guard let community = access.secret(environment: environment) else {
                    throw refuse(
                        "the SNMP community is not set: export \(access.passwordEnvironment ?? "the password_env variable")"
                    )
                }
                credentials = s.version == .v1 ? .v1(community: Secret(community)) : .v2c(community: Secret(community))
            case .v3:
                // The configuration reader has checked that every part of authPriv is given.
                guard let user = s.user, let auth = s.authProtocol, let priv = s.privProtocol else {
                    throw refuse("SNMPv3 needs snmp_user, snmp_auth_protocol and snmp_priv_protocol")
                }
                let authKey = try secret(s.authPasswordEnvironment, "SNMPv3 authentication pass phrase")
                let privKey = try secret(s.privPasswordEnvironment, "SNMPv3 privacy pass phrase")
                credentials = .v3(SNMPv3Security(user: user, auth: (auth, authKey), priv: (priv, privKey)))
            }
            self.init(
                address: olt,
                transport: .snmp(
                    SNMPTarget(
                        host: host, port: access.port ?? 161, credentials: credentials,
                        timeoutMilliseconds: s.timeoutMilliseconds, retries: s.retries)),
                attempts: southbound.attempts)
        case .telnet, .ssh:
            guard let password = access.secret(environment: environment) else {
                throw refuse(
                    "the CLI password is not set: export \(access.passwordEnvironment ?? "the password_env variable")")
            }
            let target = CLITarget(
                host: host, port: access.port, transport: access.transport == .ssh ? .ssh : .telnet,
                username: access.username ?? "", password: password, hostKey: access.hostKey,
                loginTimeout: .seconds(southbound.loginTimeoutSeconds),
                commandTimeout: .seconds(southbound.commandTimeoutSeconds), maxSessions: access.maxCLISessions,
                sshAlgorithms: access.sshAlgorithms,
                privateKeyFile: access.sshKeyFile)
            self.init(address: olt, transport: .cli(target), attempts: southbound.attempts)
        }
    }
}
