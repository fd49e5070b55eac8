import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 child channel behind a ``ConnectionGuard``: the connection cap and the
/// idle, head and body timeouts of ``ConnectionDeadline``. Hummingbird's own idle timeout only
/// knows "no HTTP part for a while", which neither tells a half-sent head from an idle
/// connection nor renews while a body arrives; this guard watches the raw bytes as well.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let responder: HTTPChannelHandler.Responder
    let timeouts: ConnectionDeadline.Timeouts
    let limiter: ConnectionLimiter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let connection = ConnectionGuard(timeouts: timeouts, limiter: limiter, logger: logger)
        do {
            // First in the pipeline: it sees the bytes before the HTTP decoder does.
            try channel.pipeline.syncOperations.addHandler(ConnectionGuard.ByteWatcher(connection))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        let parts = NIOLoopBound(ConnectionGuard.PartWatcher(connection), eventLoop: channel.eventLoop)
        let http = HTTP1Channel(
            responder: responder, configuration: .init(additionalChannelHandlers: [parts.value]))
        return http.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await HTTP1Channel(responder: responder).handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 behind the API's connection cap and timeouts.
    static func guardedHTTP1(timeouts: ConnectionDeadline.Timeouts, limiter: ConnectionLimiter) -> HTTPServerBuilder {
        .init { responder in GuardedHTTP1Channel(responder: responder, timeouts: timeouts, limiter: limiter) }
    }
}

/// One connection's guard: takes its place under the cap, runs its one timer as
/// ``ConnectionDeadline`` says, and closes it when the timer fires. Lives on the connection's
/// event loop; its two handlers feed it the bytes and the HTTP parts.
final class ConnectionGuard {
    private var deadline: ConnectionDeadline
    private let limiter: ConnectionLimiter
    private let logger: Logger
    private var timer: Scheduled<Void>?
    /// The client's address while the connection holds a place under the caps.
    private var place: String?
    private var started = false

    init(timeouts: ConnectionDeadline.Timeouts, limiter: ConnectionLimiter, logger: Logger) {
        deadline = ConnectionDeadline(timeouts: timeouts)
        self.limiter = limiter
        self.logger = logger
    }

    fileprivate func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        if let refusal = limiter.acquire(address: address) {
            // Refused before a byte is read: the client sees the connection closed. One line per
            // hundred refusals, so that a flood does not flood the journal too.
            if limiter.refused % 100 == 1 {
                let cap =
                    refusal == .total
                    ? "\(limiter.maximum) are open ([api] max_connections)"
                    : "\(limiter.maximumPerAddress) are open from \(address) ([api] max_connections_per_address)"
                logger.warning(
                    "refused a connection: \(cap); it was closed at once (\(limiter.refused) refused since the start)",
                    metadata: ["http.peer": "\(address)"])
            }
            context.close(promise: nil)
            return
        }
        place = address
        carryOut(deadline.connected(), context)
    }

    fileprivate func stop() {
        timer?.cancel()
        timer = nil
        if let address = place {
            place = nil
            limiter.release(address: address)
        }
    }

    fileprivate func carryOut(_ action: ConnectionDeadline.Action, _ context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .disarm:
            timer?.cancel()
            timer = nil
        case .arm(let phase, let timeout):
            timer?.cancel()
            let loop = context.eventLoop.assumeIsolatedUnsafeUnchecked()
            timer = loop.scheduleTask(in: .init(timeout)) { [self] in
                guard deadline.timerFired(phase) else { return }
                timer = nil
                logger.debug(
                    "closing a connection: no \(Self.waitedFor(phase)) within \(timeout)",
                    metadata: ["http.peer": "\(context.channel.remoteAddress?.ipAddress ?? "?")"])
                context.close(promise: nil)
            }
        }
    }

    static func waitedFor(_ phase: ConnectionDeadline.Phase) -> String {
        switch phase {
        case .idle: "new request (idle_timeout_s)"
        case .head: "complete request head (header_timeout_s)"
        case .body: "body bytes (body_timeout_s)"
        case .responding: "response"
        }
    }

    /// At the front of the pipeline: counts the connection and sees every read.
    final class ByteWatcher: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        let connection: ConnectionGuard

        init(_ connection: ConnectionGuard) { self.connection = connection }

        func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { connection.start(context) }
        }

        func channelActive(context: ChannelHandlerContext) {
            connection.start(context)
            context.fireChannelActive()
        }

        func channelInactive(context: ChannelHandlerContext) {
            connection.stop()
            context.fireChannelInactive()
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            connection.stop()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            connection.carryOut(connection.deadline.bytesRead(), context)
            context.fireChannelRead(data)
        }
    }

    /// After the HTTP decoder: sees each request's head and end and each response's end.
    final class PartWatcher: ChannelDuplexHandler, RemovableChannelHandler {
        // HTTPRequestPart and HTTPResponsePart, named through the channel's value.
        typealias InboundIn = HTTP1Channel.Value.InboundPart
        typealias InboundOut = HTTP1Channel.Value.InboundPart
        typealias OutboundIn = HTTP1Channel.Value.OutboundPart
        typealias OutboundOut = HTTP1Channel.Value.OutboundPart
        let connection: ConnectionGuard

        init(_ connection: ConnectionGuard) { self.connection = connection }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head: connection.carryOut(connection.deadline.headRead(), context)
            case .body: break
            case .end: connection.carryOut(connection.deadline.endRead(), context)
            }
            context.fireChannelRead(data)
        }

        /// A response that says `Connection: close` (a refused body, a broken framing) ends the
        /// connection once written: Hummingbird would otherwise read the rest of the body first.
        private var closeAfterResponse = false

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            switch unwrapOutboundIn(data) {
            case .head(let head):
                if head.headerFields[.connection]?.lowercased() == "close" { closeAfterResponse = true }
                context.write(data, promise: promise)
            case .body:
                context.write(data, promise: promise)
            case .end:
                connection.carryOut(connection.deadline.responseEnded(), context)
                guard closeAfterResponse else {
                    context.write(data, promise: promise)
                    return
                }
                context.writeAndFlush(data, promise: promise)
                context.close(promise: nil)
            }
        }
    }
}

extension NIOAsyncChannel {
    // Names the HTTP part types without importing NIOHTTPTypes, which the package does not list.
    typealias InboundPart = Inbound
    typealias OutboundPart = Outbound
}
