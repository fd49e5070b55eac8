/// An SNMP failure a caller can match on. Messages name the agent (never its secrets) and say
/// what to check.
public struct SNMPError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// No response within timeout × (retries + 1).
        case timeout = "snmp.timeout"
        /// v3 authentication failed (wrong user, key or protocol).
        case authenticationFailure = "snmp.authentication_failure"
        /// v3 decryption failed (wrong privacy key or protocol).
        case decryptionFailure = "snmp.decryption_failure"
        /// GET of an object the agent does not have.
        case noSuchObject = "snmp.no_such_object"
        /// GET of an instance the agent does not have.
        case noSuchInstance = "snmp.no_such_instance"
        /// GETNEXT/GETBULK past the end of the agent's data.
        case endOfMibView = "snmp.end_of_mib_view"
        /// The response would not fit in one message; ask for fewer repetitions.
        case tooBig = "snmp.too_big"
        /// The agent answered with an error-status (`status`, at `index`).
        case agentError = "snmp.agent_error"
        /// The request could not be sent (bad host, no route, socket error).
        case transport = "snmp.transport"
        /// Bad input from the caller (an empty OID list, repetitions of 0).
        case invalidRequest = "snmp.invalid_request"
    }

    public var code: Code
    /// The agent, without secrets (`udp:10.0.0.1:161 (v2c)`).
    public var target: String
    /// The OID concerned, when there is one.
    public var oid: OID?
    /// The agent's error-status and error-index for ``Code/agentError``.
    public var errorStatus: Int?
    public var errorIndex: Int?
    public var message: String

    public init(
        _ code: Code, target: String, oid: OID? = nil, errorStatus: Int? = nil, errorIndex: Int? = nil, message: String
    ) {
        self.code = code
        self.target = target
        self.oid = oid
        self.errorStatus = errorStatus
        self.errorIndex = errorIndex
        self.message = message
    }

    public var description: String {
        "\(target): \(message)" + (oid.map { " (OID \($0))" } ?? "")
    }

    /// The names of RFC 3416 error-status values.
    public static func statusName(_ status: Int) -> String {
        let names = [
            "noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess", "wrongType",
            "wrongLength", "wrongEncoding", "wrongValue", "noCreation", "inconsistentValue", "resourceUnavailable",
            "commitFailed", "undoFailed", "authorizationError", "notWritable", "inconsistentName",
        ]
        return status >= 0 && status < names.count ? names[status] : "status \(status)"
    }
}

/// Something that answers SNMP requests for one agent: the net-snmp client, or a test double.
/// Every method throws only ``SNMPError``.
/// Drivers are written against this, so they run unchanged over the real client and in tests.
public protocol SNMPRequester: Sendable {
    /// The agent, without secrets, for messages.
    var targetDescription: String { get }

    /// GET: one value per OID, in order. A missing object comes back as an exception value
    /// (`.noSuchObject`/`.noSuchInstance`), not as a thrown error.
    func get(_ oids: [OID]) async throws -> [VarBind]

    /// GETNEXT: the binding after each OID.
    func getNext(_ oids: [OID]) async throws -> [VarBind]

    /// GETBULK (v2c/v3): up to `maxRepetitions` (≥ 1) successors of each OID.
    func getBulk(_ oids: [OID], nonRepeaters: Int, maxRepetitions: Int) async throws -> [VarBind]

    /// Every binding under `root`, in order, with GETBULK (GETNEXT on v1). Stops at the end of the
    /// subtree or at endOfMibView; halves the repetitions on tooBig.
    func walk(_ root: OID, maxRepetitions: Int) async throws -> [VarBind]

    /// SET: writes the bindings in one request; returns the agent's response bindings.
    func set(_ bindings: [VarBind]) async throws -> [VarBind]
}
