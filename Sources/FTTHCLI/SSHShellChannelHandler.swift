import CLIModel
import NIOCore
import NIOSSH

/// An SSH session channel as a plain byte stream for ``CLIShellHandler``: asks for a VT100 pty
/// (200 columns, 512 rows, so tables do not wrap) and a shell once the channel opens, passes
/// the device's output (stdout and stderr) on, and wraps what is written as channel data.
final class SSHShellChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = SSHChannelData
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = SSHChannelData

    private let target: String

    init(target: String) {
        self.target = target
    }

    func channelActive(context: ChannelHandlerContext) {
        let pty = SSHChannelRequestEvent.PseudoTerminalRequest(
            wantReply: false, term: "vt100", terminalCharacterWidth: Int(TelnetNegotiator.columns),
            terminalRowHeight: Int(TelnetNegotiator.rows), terminalPixelWidth: 0, terminalPixelHeight: 0,
            terminalModes: SSHTerminalModes([:]))
        context.triggerUserOutboundEvent(pty, promise: nil)
        context.triggerUserOutboundEvent(SSHChannelRequestEvent.ShellRequest(wantReply: true), promise: nil)
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelFailureEvent {
            context.fireErrorCaught(
                CLIError(
                    .protocolError, target: target,
                    message: "the OLT refused to start a shell on the SSH session; check that the user may log in "
                        + "to the command line over SSH"))
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        guard case .byteBuffer(let bytes) = message.data else { return }
        context.fireChannelRead(wrapInboundOut(bytes))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let bytes = unwrapOutboundIn(data)
        context.write(wrapOutboundOut(SSHChannelData(type: .channel, data: .byteBuffer(bytes))), promise: promise)
    }
}
