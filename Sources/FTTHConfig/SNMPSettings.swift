import SNMPModel

/// How the daemon speaks SNMP to an OLT: the version, the SNMPv3 user and where its keys are,
/// the timeout and the retries. `[southbound]` gives the defaults, an `[[olt]]` overrides them.
/// Keys are never in the file: `snmp_auth_password_env` and `snmp_priv_password_env` name the
/// environment variables that hold them, as `password_env` does for a CLI password.
public struct SNMPSettings: Sendable, Hashable {
    public enum Version: String, Sendable, Hashable, CaseIterable {
        case v1, v2c, v3
    }

    public var version = Version.v2c
    /// Milliseconds to wait for one answer before a retry.
    public var timeoutMilliseconds = 3000
    /// Retries after the first attempt.
    public var retries = 1
    /// SNMPv3 (authPriv): the user, its protocols, and the variables that hold its pass phrases.
    public var user: String?
    public var authProtocol: SNMPv3Security.AuthProtocol?
    public var authPasswordEnvironment: String?
    public var privProtocol: SNMPv3Security.PrivProtocol?
    public var privPasswordEnvironment: String?

    public init() {}

    /// The keys of these settings, in `[southbound]` and in `[[olt]]`.
    static let keys = [
        "snmp_version", "snmp_timeout_ms", "snmp_retries", "snmp_user", "snmp_auth_protocol",
        "snmp_auth_password_env", "snmp_priv_protocol", "snmp_priv_password_env",
    ]

    /// Whether the table sets any of them.
    static func isSet(in r: TOMLReader) -> Bool { keys.contains { r.table[$0] != nil } }

    /// These settings with what `r` sets on top of them. Throws ``ConfigurationError`` naming
    /// the key.
    func overridden(by r: TOMLReader) throws -> SNMPSettings {
        var s = self
        if r.table["snmp_version"] != nil {
            let name = try r.string("snmp_version")
            guard let version = Version(rawValue: name) else {
                throw r.error("snmp_version", "must be v1, v2c or v3, not \"\(name)\"")
            }
            s.version = version
        }
        s.timeoutMilliseconds = try r.int("snmp_timeout_ms", default: s.timeoutMilliseconds, range: 100...60_000)
        s.retries = try r.int("snmp_retries", default: s.retries, range: 0...10)
        if r.table["snmp_user"] != nil { s.user = try r.string("snmp_user") }
        if r.table["snmp_auth_protocol"] != nil {
            let name = try r.string("snmp_auth_protocol")
            guard let p = SNMPv3Security.AuthProtocol.allCases.first(where: { $0.rawValue == name.uppercased() })
            else { throw r.error("snmp_auth_protocol", "must be MD5, SHA or SHA-256, not \"\(name)\"") }
            s.authProtocol = p
        }
        if r.table["snmp_priv_protocol"] != nil {
            let name = try r.string("snmp_priv_protocol")
            guard let p = SNMPv3Security.PrivProtocol(rawValue: name.uppercased()) else {
                throw r.error("snmp_priv_protocol", "must be AES or DES, not \"\(name)\"")
            }
            s.privProtocol = p
        }
        for k in ["snmp_auth_password_env", "snmp_priv_password_env"] where r.table[k] != nil {
            let name = try r.string(k)
            guard SouthboundConfiguration.isEnvironmentName(name) else {
                throw r.error(k, "must be the name of an environment variable, such as FTTH_SNMP_AUTH_KEY")
            }
            if k == "snmp_auth_password_env" {
                s.authPasswordEnvironment = name
            } else {
                s.privPasswordEnvironment = name
            }
        }
        return s
    }

    /// Checks that an OLT's final settings are complete: v3 is authPriv with every part given.
    func validate(_ r: TOMLReader) throws {
        guard version == .v3 else {
            for k in Self.keys.dropFirst(3) where r.table[k] != nil {
                throw r.error(k, "is for snmp_version = \"v3\"; remove it or set snmp_version = \"v3\"")
            }
            return
        }
        let missing: [(String, Bool)] = [
            ("snmp_user", user == nil), ("snmp_auth_protocol", authProtocol == nil),
            ("snmp_auth_password_env", authPasswordEnvironment == nil), ("snmp_priv_protocol", privProtocol == nil),
            ("snmp_priv_password_env", privPasswordEnvironment == nil),
        ]
        if let (k, _) = missing.first(where: \.1) {
            throw r.error(
                k,
                "is required for snmp_version = \"v3\" (authPriv: a user, its auth and priv protocols, and the environment variables holding their pass phrases)"
            )
        }
    }
}
