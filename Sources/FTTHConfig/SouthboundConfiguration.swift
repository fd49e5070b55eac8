import CLIModel
import FTTHCore

/// How the daemon reaches each OLT (`[southbound]` and `[[olt]]` in ftth-acceptd.toml): the
/// transport, the CLI login and pinned SSH host key, the line and service profiles test ONUs
/// are provisioned with, and the per-OLT limits. Secrets are never in the file itself unless the
/// operator puts them there: `password_env` names the environment variable that holds one.
public struct SouthboundConfiguration: Sendable, Hashable {
    /// Profiles every OLT uses unless its own `[[olt]]` sets others.
    public var lineProfile = "ftth-test"
    public var serviceProfile = "ftth-test"
    /// Seconds to wait for one CLI command's prompt.
    public var commandTimeoutSeconds = 30
    /// Seconds a CLI login may take.
    public var loginTimeoutSeconds = 20
    /// CLI sessions open at once per OLT (OLTs allow few VTY sessions).
    public var maxCLISessions = 2
    /// Tries of one driver operation when its session fails (dropped, timed out).
    public var attempts = 2
    /// SNMP version, v3 user, timeout and retries of every OLT reached over SNMP, unless its
    /// own `[[olt]]` sets others.
    public var snmp = SNMPSettings()
    /// Per OLT, by management address.
    public var olts: [OLTAccess] = []

    public init() {}

    /// The access of one OLT, nil when the configuration has none for it.
    public func access(for address: ManagementAddress) -> OLTAccess? { olts.first { $0.address == address } }
}

/// How one OLT is reached.
public struct OLTAccess: Sendable, Hashable {
    public enum Transport: String, Sendable, Hashable, CaseIterable {
        case snmp, telnet, ssh
    }

    public var address: ManagementAddress
    public var transport: Transport
    /// Where to connect when not the management address itself (a jump address, olt-sim's 127.0.0.1).
    public var host: String?
    /// Default 161, 23 or 22 by transport.
    public var port: Int?
    public var username: String?
    /// The environment variable holding the CLI password (or the SNMP community).
    public var passwordEnvironment: String?
    /// The password written in the file, when the operator chose that.
    public var password: String?
    /// SSH: the OLT's host key, an OpenSSH public key line or its `SHA256:` fingerprint.
    public var hostKey: String?
    /// SSH: the secure defaults plus the legacy algorithms this OLT needs (`ssh_legacy_algorithms`,
    /// `ssh -Q` names, each checked when the file loads).
    public var sshAlgorithms = SSHAlgorithms.secure
    /// SSH: a private key file to log in with (before the password), when the operator prefers keys.
    public var sshKeyFile: String?
    public var lineProfile: String
    public var serviceProfile: String
    public var maxCLISessions: Int
    /// SNMP: the version, v3 user, timeout and retries (`[southbound]`'s unless overridden).
    public var snmp = SNMPSettings()

    /// The password or community: from the file, or from the named environment variable.
    public func secret(environment: [String: String]) -> String? {
        password ?? passwordEnvironment.flatMap { environment[$0] }
    }
}

extension SouthboundConfiguration {
    /// Parses `[southbound]` and `[[olt]]`. Throws ``ConfigurationError`` naming the key.
    init(southbound: TOMLReader?, olts: [TOMLReader]) throws {
        self.init()
        if let r = southbound {
            try r.allow(
                [
                    "line_profile", "service_profile", "command_timeout_s", "login_timeout_s", "max_cli_sessions",
                    "attempts",
                ] + SNMPSettings.keys)
            lineProfile = try Self.profile(r, "line_profile", default: lineProfile)
            serviceProfile = try Self.profile(r, "service_profile", default: serviceProfile)
            commandTimeoutSeconds = try r.int("command_timeout_s", default: commandTimeoutSeconds, range: 1...600)
            loginTimeoutSeconds = try r.int("login_timeout_s", default: loginTimeoutSeconds, range: 1...600)
            maxCLISessions = try r.int("max_cli_sessions", default: maxCLISessions, range: 1...16)
            attempts = try r.int("attempts", default: attempts, range: 1...5)
            snmp = try snmp.overridden(by: r)
        }
        for r in olts {
            let access = try Self.olt(r, defaults: self)
            if self.olts.contains(where: { $0.address == access.address }) {
                throw r.error("address", "OLT \(access.address) is configured twice; keep one [[olt]] per OLT")
            }
            self.olts.append(access)
        }
    }

    /// Whether `name` can be an environment variable's name (`FTTH_OLT_PASSWORD`).
    static func isEnvironmentName(_ name: String) -> Bool {
        (name.first.map { $0.isLetter || $0 == "_" } ?? false)
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// A profile name as the CLI drivers accept it: 1…32 letters, digits, `-`, `_`, `.`.
    static func profile(_ r: TOMLReader, _ k: String, default value: String) throws -> String {
        let name = try r.string(k, default: value)
        guard name.count <= 32, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else { throw r.error(k, "must be 1 to 32 letters, digits, '-', '_' or '.', the profile's name on the OLT") }
        return name
    }

    static func olt(_ r: TOMLReader, defaults: SouthboundConfiguration) throws -> OLTAccess {
        try r.allow(
            [
                "address", "transport", "host", "port", "username", "password_env", "password", "host_key",
                "line_profile", "service_profile", "max_cli_sessions", "ssh_legacy_algorithms", "ssh_key_file",
            ] + SNMPSettings.keys)
        guard let address = ManagementAddress(try r.string("address")) else {
            throw r.error("address", "must be the OLT's management IPv4 or IPv6 address, as in the project CSV")
        }
        let name = try r.string("transport")
        guard let transport = OLTAccess.Transport(rawValue: name) else {
            throw r.error("transport", "must be snmp, telnet or ssh, not \"\(name)\"")
        }
        var access = OLTAccess(
            address: address, transport: transport, host: r.table["host"] == nil ? nil : try r.string("host"),
            port: r.table["port"] == nil ? nil : try r.int("port", default: 0, range: 1...65535),
            username: r.table["username"] == nil ? nil : try r.string("username"),
            passwordEnvironment: r.table["password_env"] == nil ? nil : try r.string("password_env"),
            password: r.table["password"] == nil ? nil : try r.string("password"),
            hostKey: r.table["host_key"] == nil ? nil : try r.string("host_key"),
            lineProfile: try profile(r, "line_profile", default: defaults.lineProfile),
            serviceProfile: try profile(r, "service_profile", default: defaults.serviceProfile),
            maxCLISessions: try r.int("max_cli_sessions", default: defaults.maxCLISessions, range: 1...16))
        if let env = access.passwordEnvironment, !isEnvironmentName(env) {
            throw r.error("password_env", "must be the name of an environment variable, such as FTTH_OLT_PASSWORD")
        }
        if access.password != nil && access.passwordEnvironment != nil {
            throw r.error("password", "give password_env or password, not both")
        }
        if transport != .snmp {
            if access.username == nil { throw r.error("username", "is required for \(transport.rawValue)") }
            if access.password == nil && access.passwordEnvironment == nil {
                throw r.error(
                    "password_env",
                    "is required for \(transport.rawValue): name the environment variable that holds the password")
            }
        }
        if transport == .snmp {
            access.snmp = try defaults.snmp.overridden(by: r)
            try access.snmp.validate(r)
            if access.snmp.version == .v3, access.password != nil || access.passwordEnvironment != nil {
                let k = access.password != nil ? "password" : "password_env"
                throw r.error(k, "is the v1/v2c community; SNMPv3 uses snmp_user and its pass phrases instead")
            }
        } else if let k = SNMPSettings.keys.first(where: { r.table[$0] != nil }) {
            throw r.error(k, "is for transport = \"snmp\" only; remove it or set transport = \"snmp\"")
        }
        if transport == .ssh {
            guard let key = access.hostKey else {
                throw r.error(
                    "host_key",
                    "is required for ssh: pin the OLT's key (ssh-ed25519 AAAA…, as `ssh-keyscan` or the OLT's console shows it)"
                )
            }
            let parts = key.split(separator: " ")
            let types = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"]
            if parts.count == 1, key.hasPrefix("SHA256:"), key.count > 40 {
                access.hostKey = key
            } else {
                guard parts.count >= 2, types.contains(String(parts[0])), parts[1].hasPrefix("AAAA") else {
                    throw r.error(
                        "host_key",
                        "must be an OpenSSH public key of type \(types.joined(separator: ", ")) (\"TYPE AAAA…\") or "
                            + "its fingerprint (\"SHA256:…\", as `ftthctl olt hostkey` or `ssh-keygen -lf` prints it)")
                }
                access.hostKey = parts[0...1].joined(separator: " ")
            }
            if r.table["ssh_legacy_algorithms"] != nil {
                let names = try r.strings("ssh_legacy_algorithms", default: [])
                do {
                    access.sshAlgorithms = try SSHAlgorithms(legacy: names)
                } catch {
                    throw r.error("ssh_legacy_algorithms", "\(error)")
                }
            }
            if r.table["ssh_key_file"] != nil { access.sshKeyFile = try r.string("ssh_key_file") }
        } else if let k = ["host_key", "ssh_legacy_algorithms", "ssh_key_file"].first(where: { r.table[$0] != nil }) {
            throw r.error(k, "is for ssh only; remove it or set transport = \"ssh\"")
        }
        return access
    }
}
