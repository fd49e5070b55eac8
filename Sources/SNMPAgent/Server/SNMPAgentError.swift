/// A failure to configure or start an agent, with a code a caller can match on and a sentence
/// saying what to change.
public struct SNMPAgentError: Error, Sendable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Code: String, Sendable, Hashable {
        /// A v3 user asks for a privacy protocol the simulator cannot provide (DES).
        case unsupportedPrivacyProtocol = "snmp.agent.unsupported_privacy_protocol"
        /// A configuration value is out of range or inconsistent.
        case invalidConfiguration = "snmp.agent.invalid_configuration"
        /// The UDP socket could not be bound.
        case bindFailed = "snmp.agent.bind_failed"
        /// ``SNMPAgentServer/start()`` or ``SNMPAgentServer/run()`` was called while already serving.
        case alreadyRunning = "snmp.agent.already_running"
    }

    /// What went wrong.
    public var code: Code
    /// A sentence a person can act on.
    public var message: String
    /// The underlying error, when there is one (the socket error of a failed bind).
    public var underlying: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The message, followed by the underlying error when there is one.
    public var description: String {
        message + (underlying.map { " (\($0))" } ?? "")
    }
}
