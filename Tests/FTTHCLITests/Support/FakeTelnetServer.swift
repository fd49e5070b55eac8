import CLIModel
import NIOCore
import NIOPosix
import Synchronization

/// A Telnet server on 127.0.0.1 playing a ``FakeOLT`` per connection: the fault cases (a dropped
/// connection, a hung command, a refused login) and the pool's connection counts. Negotiates like
/// a Huawei OLT: WILL ECHO, WILL SGA, DO NAWS, DO TTYPE, and asks for the terminal type.
final class FakeTelnetServer: Sendable {
    let port: Int
    private let channel: any Channel
    private let record: Record

    final class Record: Sendable {
        let connections = Mutex(0)
        let events = Mutex<[Telnet.Event]>([])
    }

    /// Connections accepted so far.
    var connections: Int { record.connections.withLock { $0 } }
    /// What clients sent besides data: their negotiation answers.
    var events: [Telnet.Event] { record.events.withLock { $0 } }

    private init(port: Int, channel: any Channel, record: Record) {
        self.port = port
        self.channel = channel
        self.record = record
    }

    static func start(olt: @escaping @Sendable () -> FakeOLT = { FakeOLT() }) async throws -> FakeTelnetServer {
        let record = Record()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                record.connections.withLock { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FakeTelnetOLTHandler(olt: olt(), record: record))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakeTelnetServer(port: channel.localAddress!.port!, channel: channel, record: record)
    }

    func stop() async {
        try? await channel.close()
    }
}

final class FakeTelnetOLTHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var olt: FakeOLT
    private var parser = Telnet.Parser()
    private let record: FakeTelnetServer.Record

    init(olt: FakeOLT, record: FakeTelnetServer.Record) {
        self.olt = olt
        self.record = record
    }

    func channelActive(context: ChannelHandlerContext) {
        let offer =
            Telnet.negotiation(Telnet.WILL, Telnet.Option.echo)
            + Telnet.negotiation(Telnet.WILL, Telnet.Option.suppressGoAhead)
            + Telnet.negotiation(Telnet.DO, Telnet.Option.windowSize)
            + Telnet.negotiation(Telnet.DO, Telnet.Option.terminalType)
        send(context, offer + Array(olt.greeting().utf8))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        for event in parser.feed(unwrapInboundIn(data).readableBytesView) {
            switch event {
            case .data(let bytes):
                for reply in olt.received(bytes) {
                    switch reply {
                    case .print(let text): send(context, Telnet.escaped(Array(text.utf8)))
                    case .close: context.close(promise: nil)
                    }
                }
            case .negotiation(Telnet.WILL, Telnet.Option.terminalType):
                record.events.withLock { $0.append(event) }
                send(context, Telnet.subnegotiation(Telnet.Option.terminalType, [Telnet.ttypeSEND]))
            default:
                record.events.withLock { $0.append(event) }
            }
        }
    }

    private func send(_ context: ChannelHandlerContext, _ bytes: [UInt8]) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
    }
}
