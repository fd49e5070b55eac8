/// The text a command printed, between its echo and the next prompt, with the pager prompts,
/// the pager's erase sequences and interjected `{ <cr>|… }:` prompts already dealt with.
public struct CLIOutput: Sendable, Hashable {
    /// What the command printed, lines separated by `\n`, without the echoed command line.
    public var text: String
    /// The prompt the device showed afterwards (`MA5600T(config-if-gpon-0/1)#`): tells the mode.
    public var prompt: String

    public init(text: String, prompt: String) {
        self.text = text
        self.prompt = prompt
    }
}

/// One logged-in command-line session on an OLT. Commands run one at a time, in order.
public protocol CLISession: AnyObject, Sendable {
    /// `telnet 10.0.0.1:23`, for messages.
    var target: String { get }

    /// Sends one command line and returns its output once the device shows a prompt again.
    /// Refuses (``CLIError/Code/invalidLine``) a line with a control character before sending
    /// anything; throws ``CLIError/Code/timeout`` when no prompt comes within `timeout`
    /// (the session is then unusable and closed).
    func run(_ line: String, timeout: Duration) async throws -> CLIOutput

    /// Logs out and closes the connection; never throws.
    func close() async
}

/// Hands out logged-in sessions to one OLT: reuses idle ones, caps how many are open at
/// once, and discards a session whose command failed at the transport level.
public protocol CLIConnector: Sendable {
    /// `telnet 10.0.0.1:23`, for messages and readings' source.
    var target: String { get }

    /// Runs `body` with a session of its own; commands inside run as one batch on one
    /// connection. A session on which `body` threw a ``CLIError`` is closed, not reused.
    func withSession<T: Sendable>(_ body: (any CLISession) async throws -> T) async throws -> T

    /// Closes every idle session.
    func shutdown() async
}

extension CLISession {
    /// Whether `line` may be sent at all: printable characters only (no newline, carriage
    /// return, NUL, escape or other control character), at most `maximumLength` long.
    public static func isSendable(_ line: String, maximumLength: Int = 512) -> Bool {
        line.unicodeScalars.count <= maximumLength
            && line.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F && $0.isASCII }
    }
}
