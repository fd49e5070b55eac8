import CLIModel
import NIOCore

/// The server side of Telnet: offers `WILL ECHO`, `WILL SGA` and asks `DO NAWS` when the
/// connection opens, passes the client's data on without Telnet commands (negotiation answers
/// are read and ignored) and doubles 255 in what it sends.
final class TelnetServerCodec: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    var parser = Telnet.Parser()

    /// What the server says first: it echoes, it does not send Go-Ahead, and it wants the
    /// window size.
    static let opening =
        Telnet.negotiation(Telnet.WILL, Telnet.Option.echo)
        + Telnet.negotiation(Telnet.WILL, Telnet.Option.suppressGoAhead)
        + Telnet.negotiation(Telnet.DO, Telnet.Option.windowSize)

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: Self.opening)), promise: nil)
        context.fireChannelActive()
        context.fireUserInboundEventTriggered(SimCLISessionStart())
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        for event in parser.feed(bytes) {
            if case .data(let d) = event {
                context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(bytes: d)))
            }
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var buffer = unwrapOutboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: Telnet.escaped(bytes))), promise: promise)
    }
}
