import CLIModel
import NIOCore
import NIOPosix

/// A logged-in command-line session on an OLT over Telnet (SwiftNIO). SSH sessions are
/// ``LibSSHShellSession``'s; ``CLIConnectionPool`` picks by ``CLITarget/transport``.
/// Commands run one at a time, in the order they were called; a command that times out or loses
/// the connection closes the session, so a later command never reads an earlier one's output.
public actor CLIShellSession: CLISession {
    /// `telnet 10.0.0.1:23`, for messages.
    public nonisolated let target: String
    /// The prompt the OLT showed once login finished.
    public nonisolated let loginPrompt: String
    /// The channel the shell runs on: the TCP connection.
    private nonisolated let shellChannel: any Channel
    /// The TCP connection: closing it ends the session.
    private nonisolated let connection: any Channel
    private nonisolated let shell: NIOLoopBound<CLIShellHandler>

    private init(
        target: String, loginPrompt: String, shellChannel: any Channel, connection: any Channel,
        shell: NIOLoopBound<CLIShellHandler>
    ) {
        self.target = target
        self.loginPrompt = loginPrompt
        self.shellChannel = shellChannel
        self.connection = connection
        self.shell = shell
    }

    /// Connects to a Telnet `target` and logs in, all within `target.loginTimeout`.
    /// Throws ``CLIError`` with `.connectFailed` (no TCP connection), `.authenticationFailed`,
    /// `.timeout` (no prompt in time) or `.disconnected` (closed during login). An SSH target is
    /// a programming error: use ``LibSSHShellSession``.
    public static func connect(
        _ target: CLITarget, style: CLITerminalStyle, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> CLIShellSession {
        switch target.transport {
        case .telnet: try await connectTelnet(target, style: style, group: group)
        case .ssh: preconditionFailure("SSH sessions are LibSSHShellSession's; \(target) is an SSH target")
        }
    }

    /// Sends `line` and returns its output once the prompt shows again. Throws `.invalidLine`
    /// before sending anything when the line holds a control character; `.timeout` or
    /// `.disconnected`, with the partial output as device text, after which the session is closed.
    public func run(_ line: String, timeout: Duration) async throws -> CLIOutput {
        guard Self.isSendable(line) else {
            throw CLIError(
                .invalidLine, target: target,
                message: "refused to send a line with a control character or over 512 characters; nothing was sent")
        }
        let shell = shell
        return try await shellChannel.eventLoop.flatSubmit { shell.value.run(line, timeout: timeout) }.get()
    }

    /// Closes the connection without logging out: an OLT ends the VTY session with it. Never throws.
    public func close() async {
        try? await connection.close()
    }

    // MARK: Telnet

    static func connectTelnet(
        _ target: CLITarget, style: CLITerminalStyle, group: any EventLoopGroup
    ) async throws -> CLIShellSession {
        let name = target.description
        let loop = group.next()
        let loggedIn = loop.makePromise(of: String.self)
        let engine = CLISessionEngine(
            target: name, style: style, username: target.username, password: target.password, endOfLine: "\r\n")
        let loginTimeout = target.loginTimeout
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(TimeAmount(loginTimeout))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        TelnetChannelHandler(),
                        CLIShellHandler(engine: engine, loginTimeout: loginTimeout, loggedIn: loggedIn))
                }
            }
        let channel = try await openConnection(bootstrap, target, orFail: loggedIn)
        do {
            let prompt = try await loggedIn.futureResult.get()
            let shell = try await channel.eventLoop.submit {
                NIOLoopBound(
                    try channel.pipeline.syncOperations.handler(type: CLIShellHandler.self),
                    eventLoop: channel.eventLoop)
            }.get()
            return CLIShellSession(
                target: name, loginPrompt: prompt, shellChannel: channel, connection: channel, shell: shell)
        } catch {
            try? await channel.close()
            throw CLIShellHandler.cliError(error, target: name)
        }
    }

    /// Opens the TCP connection; a failure is `.connectFailed`, and `pending` is failed with it
    /// so that no promise is left unfulfilled.
    private static func openConnection<T>(
        _ bootstrap: ClientBootstrap, _ target: CLITarget, orFail pending: EventLoopPromise<T>
    ) async throws -> any Channel {
        do {
            return try await bootstrap.connect(host: target.host, port: target.port).get()
        } catch {
            let failure = CLIError(
                .connectFailed, target: target.description,
                message: "could not open a TCP connection (\(error)): check the OLT's address and port in the "
                    + "configuration, that the OLT is up and reachable from this host, and that its "
                    + "Telnet service is enabled")
            pending.fail(failure)
            throw failure
        }
    }
}
