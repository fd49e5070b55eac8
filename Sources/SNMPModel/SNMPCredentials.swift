/// How to reach and authenticate to one SNMP agent. Secrets (community, keys) never appear in
/// `description`, logs or errors: they print as `<redacted>`.
public struct SNMPTarget: Sendable, Hashable, CustomStringConvertible {
    /// Host name or address of the agent.
    public var host: String
    /// UDP port, 161 on a real OLT.
    public var port: Int
    public var credentials: SNMPCredentials
    /// Time to wait for one response before a retry, in milliseconds.
    public var timeoutMilliseconds: Int
    /// Retries after the first attempt.
    public var retries: Int

    public init(
        host: String, port: Int = 161, credentials: SNMPCredentials, timeoutMilliseconds: Int = 2000, retries: Int = 1
    ) {
        self.host = host
        self.port = port
        self.credentials = credentials
        self.timeoutMilliseconds = timeoutMilliseconds
        self.retries = retries
    }

    /// `udp:10.0.0.1:161 (v2c)`
    public var description: String { "udp:\(host):\(port) (\(credentials))" }
}

/// SNMP version and security. v1 and v2c use a community; v3 uses USM.
public enum SNMPCredentials: Sendable, Hashable, CustomStringConvertible {
    case v1(community: Secret)
    case v2c(community: Secret)
    case v3(SNMPv3Security)

    public var description: String {
        switch self {
        case .v1: "v1"
        case .v2c: "v2c"
        case .v3(let s): "v3 user \(s.user) \(s.level.rawValue)"
        }
    }
}

/// A secret string: compared and used, never printed.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    ExpressibleByStringLiteral
{
    /// The secret itself; read it only to hand it to the protocol.
    public let value: String

    public init(_ value: String) { self.value = value }
    public init(stringLiteral value: String) { self.value = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// SNMPv3 user-based security parameters.
public struct SNMPv3Security: Sendable, Hashable {
    public enum AuthProtocol: String, Sendable, Hashable, CaseIterable {
        case md5 = "MD5"
        case sha = "SHA"
        case sha256 = "SHA-256"
    }

    public enum PrivProtocol: String, Sendable, Hashable, CaseIterable {
        case des = "DES"
        case aes = "AES"
    }

    public enum Level: String, Sendable, Hashable {
        case noAuthNoPriv, authNoPriv, authPriv
    }

    public var user: String
    public var auth: (protocol: AuthProtocol, key: Secret)?
    public var priv: (protocol: PrivProtocol, key: Secret)?
    /// The context name (empty for the default context).
    public var context: String

    /// `priv` requires `auth` (USM has no privacy without authentication).
    public init(
        user: String, auth: (AuthProtocol, Secret)? = nil, priv: (PrivProtocol, Secret)? = nil, context: String = ""
    ) {
        precondition(priv == nil || auth != nil, "SNMPv3 privacy needs authentication")
        self.user = user
        self.auth = auth.map { (protocol: $0.0, key: $0.1) }
        self.priv = priv.map { (protocol: $0.0, key: $0.1) }
        self.context = context
    }

    public var level: Level { priv != nil ? .authPriv : auth != nil ? .authNoPriv : .noAuthNoPriv }

    public static func == (a: SNMPv3Security, b: SNMPv3Security) -> Bool {
        a.user == b.user && a.context == b.context && a.auth?.protocol == b.auth?.protocol && a.auth?.key == b.auth?.key
            && a.priv?.protocol == b.priv?.protocol && a.priv?.key == b.priv?.key
    }

    public func hash(into h: inout Hasher) {
        h.combine(user)
        h.combine(context)
        h.combine(auth?.protocol)
        h.combine(auth?.key)
        h.combine(priv?.protocol)
        h.combine(priv?.key)
    }
}
