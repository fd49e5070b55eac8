import Crypto
import SNMPModel

/// How an ``SNMPAgentServer`` listens, whom it answers and how it behaves like a real OLT agent
/// (latency, overload, message size). Checked by ``validate()`` when the server is created.
public struct SNMPAgentConfiguration: Sendable {
    /// What a community or v3 user may do.
    public enum Access: Sendable, Hashable {
        /// GET, GETNEXT and GETBULK.
        case readOnly
        /// Also SET.
        case readWrite
    }

    /// One SNMPv3 USM user: its name, authentication and privacy protocols and passwords
    /// (`SNMPv3Security.auth.key` and `.priv.key` are the passwords, at least 8 characters).
    public struct User: Sendable, Hashable {
        /// Name, protocols and passwords; the context is not used.
        public var security: SNMPv3Security
        /// Whether the user may SET.
        public var access: Access

        /// Creates a user from its USM security parameters.
        public init(_ security: SNMPv3Security, access: Access = .readWrite) {
            self.security = security
            self.access = access
        }

        /// The USM user name.
        public var name: String { security.user }
    }

    /// Address to bind, `127.0.0.1` by default; `0.0.0.0` for every IPv4 interface.
    public var host: String
    /// UDP port; 0 lets the system pick one (read it from ``SNMPAgentServer/port``).
    public var port: Int
    /// The protocol versions answered; requests of the others are dropped.
    public var versions: Set<SNMPVersion>
    /// Communities that may read (v1 and v2c).
    public var readOnlyCommunities: Set<Secret>
    /// Communities that may read and write (v1 and v2c).
    public var readWriteCommunities: Set<Secret>
    /// The SNMPv3 users.
    public var users: [User]
    /// snmpEngineID, 5 to 32 bytes; by default derived from a fixed seed, so it is stable across runs.
    public var engineID: [UInt8]
    /// snmpEngineBoots reported to v3 managers.
    public var engineBoots: Int32
    /// How long each response waits before it is sent, as a real agent's processing time.
    public var responseDelay: Duration
    /// Requests accepted per second; those beyond it are dropped, like an overloaded agent. nil for no limit.
    public var maxRequestsPerSecond: Int?
    /// The largest response, in bytes: GETBULK responses are cut to fit, others answer tooBig.
    public var maxMessageSize: Int
    /// Whether the agent answers at all; false drops every request (fault injection).
    public var isAnswering: Bool

    /// Creates a configuration; every value has a default suitable for a test agent on loopback.
    public init(
        host: String = "127.0.0.1",
        port: Int = 161,
        versions: Set<SNMPVersion> = [.v1, .v2c, .v3],
        readOnlyCommunities: Set<Secret> = ["public"],
        readWriteCommunities: Set<Secret> = [],
        users: [User] = [],
        engineID: [UInt8] = SNMPAgentConfiguration.engineID(seed: "snmp-agent-simulator"),
        engineBoots: Int32 = 1,
        responseDelay: Duration = .zero,
        maxRequestsPerSecond: Int? = nil,
        maxMessageSize: Int = 1472,
        isAnswering: Bool = true
    ) {
        self.host = host
        self.port = port
        self.versions = versions
        self.readOnlyCommunities = readOnlyCommunities
        self.readWriteCommunities = readWriteCommunities
        self.users = users
        self.engineID = engineID
        self.engineBoots = engineBoots
        self.responseDelay = responseDelay
        self.maxRequestsPerSecond = maxRequestsPerSecond
        self.maxMessageSize = maxMessageSize
        self.isAnswering = isAnswering
    }

    /// A stable RFC 3411 engine ID for `seed` (an OLT's name, say): the enterprise-format prefix
    /// of net-snmp's number (8072) with format 5 (octets), then 8 bytes of SHA-256 of the seed.
    public static func engineID(seed: String) -> [UInt8] {
        [0x80, 0x00, 0x1F, 0x88, 0x05] + Array(SHA256.hash(data: Array(seed.utf8)).prefix(8))
    }

    /// Checks every value, so a misconfigured agent fails at startup rather than at the first request.
    /// - Throws: ``SNMPAgentError`` with ``SNMPAgentError/Code/unsupportedPrivacyProtocol`` for a
    ///   DES user, ``SNMPAgentError/Code/invalidConfiguration`` for any other bad value.
    public func validate() throws(SNMPAgentError) {
        func invalid(_ message: String) -> SNMPAgentError { SNMPAgentError(.invalidConfiguration, message) }
        guard (0...65535).contains(port) else { throw invalid("SNMP agent port \(port) is not in 0...65535.") }
        guard !versions.isEmpty else { throw invalid("The SNMP agent must answer at least one version.") }
        guard (5...32).contains(engineID.count) else {
            throw invalid("The SNMP engine ID must be 5 to 32 bytes long; it is \(engineID.count).")
        }
        guard engineBoots >= 0, engineBoots < Int32.max else {
            throw invalid("snmpEngineBoots must be in 0..<2147483647; it is \(engineBoots).")
        }
        guard responseDelay >= .zero else { throw invalid("The response delay must not be negative.") }
        if let rate = maxRequestsPerSecond, rate < 1 {
            throw invalid(
                "The maximum request rate must be at least 1 per second (or nil for no limit); it is \(rate).")
        }
        guard (484...65507).contains(maxMessageSize) else {
            throw invalid("The maximum message size must be 484...65507 bytes (RFC 3417); it is \(maxMessageSize).")
        }
        var names: Set<String> = []
        for user in users {
            let name = user.name
            guard !name.isEmpty, name.utf8.count <= 32 else {
                throw invalid("SNMPv3 user name '\(name)' must be 1 to 32 bytes long.")
            }
            guard names.insert(name).inserted else { throw invalid("SNMPv3 user '\(name)' is configured twice.") }
            if let priv = user.security.priv, priv.protocol != .aes {
                throw SNMPAgentError(
                    .unsupportedPrivacyProtocol,
                    "SNMPv3 user '\(name)' is configured with \(priv.protocol.rawValue) privacy, but "
                        + "\(priv.protocol.rawValue) is not supported by the simulator (swift-crypto has no DES); "
                        + "configure AES instead.")
            }
            if let auth = user.security.auth, auth.key.value.utf8.count < 8 {
                throw invalid("The authentication password of SNMPv3 user '\(name)' must have at least 8 characters.")
            }
            if let priv = user.security.priv, priv.key.value.utf8.count < 8 {
                throw invalid("The privacy password of SNMPv3 user '\(name)' must have at least 8 characters.")
            }
        }
    }
}
