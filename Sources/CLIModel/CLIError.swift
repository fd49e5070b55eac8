/// A failure of a CLI session (Telnet or SSH), with a code a caller can match, the target it
/// happened on, and what the device said when it said anything.
public struct CLIError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The TCP connection could not be made (refused, no route, DNS).
        case connectFailed = "cli.connect_failed"
        /// No prompt within the time allowed: the OLT is slow, hung, or the prompt was not recognised.
        case timeout = "cli.timeout"
        /// The OLT refused the user name or password.
        case authenticationFailed = "cli.authentication_failed"
        /// SSH: the OLT's host key is not the one pinned in the configuration, or none is pinned.
        case hostKeyRejected = "cli.host_key_rejected"
        /// The connection closed while a command was running or before login finished.
        case disconnected = "cli.disconnected"
        /// The per-OLT session cap is reached and no session came free in time, or the OLT
        /// refused another session.
        case sessionLimit = "cli.session_limit"
        /// A line to send holds a character that must never reach an OLT (newline, control
        /// character); nothing was sent.
        case invalidLine = "cli.invalid_line"
        /// The device broke the Telnet or SSH protocol.
        case protocolError = "cli.protocol_error"
    }

    public var code: Code
    /// `telnet 10.0.0.1:23` or `ssh 10.0.0.1:22`, without credentials.
    public var target: String
    public var message: String
    /// What the device printed, verbatim, when it matters (a login refusal, a partial output).
    public var deviceText: String?

    public init(_ code: Code, target: String, message: String, deviceText: String? = nil) {
        self.code = code
        self.target = target
        self.message = message
        self.deviceText = deviceText
    }

    /// Whether a new session may succeed where this one failed.
    public var isTransient: Bool {
        switch code {
        case .connectFailed, .timeout, .disconnected, .sessionLimit: true
        case .authenticationFailed, .hostKeyRejected, .invalidLine, .protocolError: false
        }
    }

    public var description: String {
        "\(target): \(message)" + (deviceText.map { " (device said: \($0))" } ?? "")
    }
}
