/// A fault of a simulated OLT's command line, injected while it runs: the connection drops or
/// the OLT stops answering when a command starting with `commandPrefix` arrives.
public struct SimCLIFault: Sendable, Hashable {
    /// What happens to the session.
    public enum Action: Sendable, Hashable {
        /// The connection closes after this many bytes of the command's output (0: right after
        /// the command is received, before any output).
        case drop(afterBytes: Int)
        /// The OLT never answers the command; the connection stays open.
        case hang
    }

    /// The command the fault waits for (`service-port`); empty: any command.
    public var commandPrefix: String
    public var action: Action
    /// Whether the fault fires once and is then cleared, or on every matching command.
    public var once: Bool

    public init(commandPrefix: String, action: Action, once: Bool = true) {
        self.commandPrefix = commandPrefix
        self.action = action
        self.once = once
    }
}
