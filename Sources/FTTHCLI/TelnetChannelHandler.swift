import CLIModel
import NIOCore

/// Telnet on a TCP channel: passes the device's data on as plain bytes, answers option
/// negotiation with a ``TelnetNegotiator``, and doubles 0xFF in what is written.
final class TelnetChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var parser = Telnet.Parser()
    private var negotiator = TelnetNegotiator()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        var replies: [UInt8] = []
        for event in parser.feed(buffer.readableBytesView) {
            switch event {
            case .data(let bytes):
                context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(bytes: bytes)))
            case .negotiation(let verb, let option):
                replies += negotiator.reply(verb: verb, option: option)
            case .subnegotiation(let option, let payload):
                replies += negotiator.reply(subnegotiation: option, payload: payload)
            case .command:
                break  // NOP, GA, AYT: nothing a command-line session acts on.
            }
        }
        if !replies.isEmpty {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: replies)), promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let buffer = unwrapOutboundIn(data)
        let bytes = Array(buffer.readableBytesView)
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: Telnet.escaped(bytes))), promise: promise)
    }
}
