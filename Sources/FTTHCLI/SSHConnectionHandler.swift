import CLIModel
import NIOCore
import NIOSSH

/// Watches an SSH connection until the user is authenticated: reports success, the first
/// failure (a rejected host key or password, a protocol error), or the end of the time allowed.
final class SSHConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = Any

    private let target: String
    private let timeout: Duration
    private var authenticated: EventLoopPromise<Void>?
    private var timer: Scheduled<Void>?

    init(target: String, timeout: Duration, authenticated: EventLoopPromise<Void>) {
        self.target = target
        self.timeout = timeout
        self.authenticated = authenticated
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let limit = timeout
        let target = target
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(limit)) {
            self.finish(
                .failure(
                    CLIError(
                        .timeout, target: target,
                        message: "the SSH handshake and login did not finish within \(limit): the OLT is slow "
                            + "or overloaded")))
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(.failure(CLIError(.disconnected, target: target, message: "the SSH connection closed during login")))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is UserAuthSuccessEvent {
            finish(.success(()))
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(CLIShellHandler.cliError(error, target: target)))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(
            .failure(
                CLIError(
                    .disconnected, target: target,
                    message: "the OLT closed the SSH connection before login finished; it may allow no more "
                        + "sessions, or refuse this client's address")))
        context.fireChannelInactive()
    }

    private func finish(_ result: Result<Void, CLIError>) {
        timer?.cancel()
        timer = nil
        authenticated?.completeWith(result.mapError { $0 as any Error })
        authenticated = nil
    }
}
