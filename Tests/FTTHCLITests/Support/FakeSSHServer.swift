import Crypto
import NIOCore
import NIOPosix
import NIOSSH
import Synchronization

/// An SSH server on 127.0.0.1 (swift-nio-ssh, Ed25519 host key, password authentication) whose
/// shell plays a ``FakeOLT``.
final class FakeSSHServer: Sendable {
    let port: Int
    /// The host key in OpenSSH form, as a person would pin it.
    let hostKey: String
    private let channel: any Channel
    private let counter: CountBox

    /// Connections accepted so far.
    var connections: Int { counter.count }

    private init(port: Int, hostKey: String, channel: any Channel, counter: CountBox) {
        self.port = port
        self.hostKey = hostKey
        self.channel = channel
        self.counter = counter
    }

    /// `asksForLoginInShell`: the shell asks `User name:`/`User password:` again, as some
    /// Huawei firmware does.
    static func start(
        username: String = "admin", password: String = "secret", asksForLoginInShell: Bool = false
    ) async throws -> FakeSSHServer {
        let key = Curve25519.Signing.PrivateKey()
        let hostKey = NIOSSHPrivateKey(ed25519Key: key)
        let counter = CountBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                counter.increment()
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOSSHHandler(
                            role: .server(
                                .init(
                                    hostKeys: [hostKey],
                                    userAuthDelegate: FakePasswordCheck(username: username, password: password))),
                            allocator: channel.allocator,
                            inboundChildChannelInitializer: { child, _ in
                                child.eventLoop.makeCompletedFuture {
                                    try child.pipeline.syncOperations.addHandler(
                                        FakeSSHShellHandler(
                                            olt: FakeOLT(
                                                username: username, password: password,
                                                asksForLogin: asksForLoginInShell)))
                                }
                            }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakeSSHServer(
            port: channel.localAddress!.port!, hostKey: String(openSSHPublicKey: hostKey.publicKey),
            channel: channel, counter: counter)
    }

    func stop() async {
        try? await channel.close()
    }
}

/// Counts accepted connections across event-loop threads.
final class CountBox: Sendable {
    private let value = Mutex(0)
    func increment() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}

final class FakePasswordCheck: NIOSSHServerUserAuthenticationDelegate, Sendable {
    let username: String
    let password: String

    init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    var supportedAuthenticationMethods: NIOSSHAvailableUserAuthenticationMethods { .password }

    func requestReceived(
        request: NIOSSHUserAuthenticationRequest, responsePromise: EventLoopPromise<NIOSSHUserAuthenticationOutcome>
    ) {
        guard request.username == username, case .password(let offered) = request.request,
            offered.password == password
        else {
            responsePromise.succeed(.failure)
            return
        }
        responsePromise.succeed(.success)
    }
}

/// A shell channel: starts the fake OLT on `shell`, echoes like a pty, closes on `.close`.
final class FakeSSHShellHandler: ChannelDuplexHandler {
    typealias InboundIn = SSHChannelData
    typealias OutboundIn = Never
    typealias OutboundOut = SSHChannelData

    private var olt: FakeOLT

    init(olt: FakeOLT) {
        self.olt = olt
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let shell as SSHChannelRequestEvent.ShellRequest:
            if shell.wantReply {
                context.triggerUserOutboundEvent(ChannelSuccessEvent(), promise: nil)
            }
            send(context, olt.greeting())
        case let pty as SSHChannelRequestEvent.PseudoTerminalRequest:
            if pty.wantReply {
                context.triggerUserOutboundEvent(ChannelSuccessEvent(), promise: nil)
            }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .byteBuffer(let bytes) = unwrapInboundIn(data).data else { return }
        for reply in olt.received(bytes.readableBytesView) {
            switch reply {
            case .print(let text): send(context, text)
            case .close: context.channel.parent?.close(promise: nil)
            }
        }
    }

    private func send(_ context: ChannelHandlerContext, _ text: String) {
        let buffer = context.channel.allocator.buffer(string: text)
        context.writeAndFlush(wrapOutboundOut(SSHChannelData(type: .channel, data: .byteBuffer(buffer))), promise: nil)
    }
}
