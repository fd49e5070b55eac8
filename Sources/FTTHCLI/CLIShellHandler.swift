import CLIModel
import NIOCore

/// Runs a ``CLISessionEngine`` on a channel that carries the device's plain text (below it:
/// Telnet decoding): writes what the engine answers, completes login and
/// commands, enforces their time limits with the event loop's timers, and closes the connection
/// when anything fails, since a session in an unknown state must not run another command.
final class CLIShellHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Command {
        var line: String
        var timeout: Duration
        var promise: EventLoopPromise<CLIOutput>
    }

    private var engine: CLISessionEngine
    private let loginTimeout: Duration
    private var loggedIn: EventLoopPromise<String>?
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    private var current: Command?
    private var queue: [Command] = []
    /// Set once the session failed or closed; every later command fails with it.
    private var failure: CLIError?

    /// The channel's loop: commands may still be queued, and fail, after the handler left the pipeline.
    private let eventLoop: any EventLoop

    init(engine: CLISessionEngine, loginTimeout: Duration, loggedIn: EventLoopPromise<String>) {
        self.eventLoop = loggedIn.futureResult.eventLoop
        self.engine = engine
        self.loginTimeout = loginTimeout
        self.loggedIn = loggedIn
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let limit = loginTimeout
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(limit)) {
            self.fail(self.engine.timedOut(after: limit))
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        fail(failure ?? engine.connectionClosed())
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        perform(engine.received(buffer.readableBytesView))
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(failure ?? engine.connectionClosed())
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(CLIShellHandler.cliError(error, target: engine.target))
    }

    /// Queues `line`; its time limit starts when it is sent. Call on the channel's event loop.
    func run(_ line: String, timeout: Duration) -> EventLoopFuture<CLIOutput> {
        let promise = eventLoop.makePromise(of: CLIOutput.self)
        if let failure {
            promise.fail(
                CLIError(
                    .disconnected, target: failure.target,
                    message: "the session is closed (\(failure.message)); open a new one", deviceText: nil))
            return promise.futureResult
        }
        queue.append(Command(line: line, timeout: timeout, promise: promise))
        startNext()
        return promise.futureResult
    }

    private func startNext() {
        guard current == nil, failure == nil, engine.isIdle, let context else { return }
        while !queue.isEmpty {
            let command = queue.removeFirst()
            switch engine.run(command.line) {
            case .failed(let error):
                command.promise.fail(error)
                continue
            case let action:
                current = command
                let limit = command.timeout
                timer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(limit)) {
                    self.fail(self.engine.timedOut(after: limit))
                }
                perform(action)
                return
            }
        }
    }

    private func perform(_ action: CLISessionEngine.Action) {
        switch action {
        case .none:
            break
        case .send(let bytes):
            guard let context else { return }
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
        case .loggedIn(let prompt):
            timer?.cancel()
            timer = nil
            loggedIn?.succeed(prompt)
            loggedIn = nil
            startNext()
        case .completed(let output):
            timer?.cancel()
            timer = nil
            let command = current
            current = nil
            command?.promise.succeed(output)
            startNext()
        case .failed(let error):
            fail(error)
        }
    }

    /// Fails login, the running and the queued commands with `error`, once, and closes the
    /// connection.
    private func fail(_ error: CLIError) {
        guard failure == nil else { return }
        failure = error
        timer?.cancel()
        timer = nil
        loggedIn?.fail(error)
        loggedIn = nil
        current?.promise.fail(error)
        current = nil
        let waiting = queue
        queue.removeAll()
        for command in waiting {
            command.promise.fail(
                CLIError(
                    .disconnected, target: error.target,
                    message: "not sent: the session failed before (\(error.message))", deviceText: nil))
        }
        if let channel = context?.channel {
            (channel.parent ?? channel).close(promise: nil)
        }
    }

    /// An error from the pipeline as a ``CLIError``: ours pass through; the rest name their cause.
    static func cliError(_ error: any Error, target: String) -> CLIError {
        if let error = error as? CLIError { return error }
        if error is IOError || error is ChannelError {
            return CLIError(.disconnected, target: target, message: "the connection failed: \(error)")
        }
        return CLIError(.protocolError, target: target, message: "the device broke the protocol: \(error)")
    }
}
