import NIOCore
import NIOPosix
import OLTSim

/// One CLI session of a simulated OLT on a pair of file descriptors (standard input and output),
/// already logged in: what OpenSSH's sshd runs as a `ForceCommand`, so that a real SSH server
/// carries the simulated shell. The caller puts a terminal into raw mode first: the session does
/// its own echo and line editing, as on an OLT.
public enum SimCLIStdio {
    /// Runs the session until the input ends or the shell closes it (`quit`). Throws when the
    /// descriptors cannot be used.
    public static func run(
        olt: SimulatedOLT, input: Int32, output: Int32,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws {
        let endpoint = SimCLIEndpoint(
            olt: olt, configuration: olt.config.cli ?? SimCLIConfiguration(telnetPort: nil, sshPort: nil))
        let channel = try await NIOPipeBootstrap(group: group)
            .channelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        SimCLIStdioStart(), SimCLISessionHandler(endpoint: endpoint, needsLogin: false),
                    ])
                }
            }
            .takingOwnershipOfDescriptors(input: input, output: output).get()
        try await channel.closeFuture.get()
    }
}

/// Starts the session when the pipe is up, and tells it when the input ended.
final class SimCLIStdioStart: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        context.fireUserInboundEventTriggered(SimCLISessionStart())
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, case .inputClosed = event {
            context.fireUserInboundEventTriggered(SimCLIInputEnded())
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
