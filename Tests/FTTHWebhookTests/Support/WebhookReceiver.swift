import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A stand-in for the account-opening system: a real HTTP server on loopback (SwiftNIO) that
/// records every request and answers as scripted. Like a real receiver it keeps what it
/// accepted by `Idempotency-Key`, so a retry of something it already has is answered 2xx
/// without being stored twice.
final class WebhookReceiver: Sendable {
    /// How to answer one request.
    enum Answer: Sendable, Hashable {
        /// Answer with this status and body; 2xx stores the message.
        case status(Int, String)
        /// Store the message, then close the connection without answering: the response is lost.
        case loseResponse
    }

    struct Request: Sendable, Hashable {
        var method: String
        var path: String
        var idempotencyKey: String?
        var contentType: String?
        var authorization: String?
        var body: Data
        /// The status sent back, nil when the response was lost.
        var answered: Int?
    }

    struct State {
        var script: [Answer] = []
        var requests: [Request] = []
        /// What the receiver holds, by key: the first body accepted for it.
        var stored: [String: Data] = [:]
        /// How many times each key was answered with 2xx.
        var acknowledgements: [String: Int] = [:]
        var channel: (any Channel)?
    }

    let state = Mutex(State())
    /// The port it listens on, kept across a stop and a restart.
    let port: Int

    private init(port: Int) { self.port = port }

    /// Starts a receiver on a free loopback port.
    static func start() async throws -> WebhookReceiver {
        let probe = try await bind(port: 0, receiver: nil)
        let port = probe.localAddress!.port!
        try await probe.close()
        let receiver = WebhookReceiver(port: port)
        try await receiver.restart()
        return receiver
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)/accepted-ports")! }

    /// The next requests are answered with `answers`, in order; after them, 200.
    func script(_ answers: [Answer]) { state.withLock { $0.script = answers } }

    /// Stops listening: the port is closed and a connection is refused.
    func stop() async throws {
        let channel = state.withLock { s -> (any Channel)? in
            defer { s.channel = nil }
            return s.channel
        }
        try await channel?.close()
    }

    /// Listens again on the same port.
    func restart() async throws {
        let channel = try await Self.bind(port: port, receiver: self)
        state.withLock { $0.channel = channel }
    }

    var requests: [Request] { state.withLock { $0.requests } }
    var stored: [String: Data] { state.withLock { $0.stored } }
    var acknowledgements: [String: Int] { state.withLock { $0.acknowledgements } }

    func handle(_ head: HTTPRequestHead, body: Data) -> Answer {
        state.withLock { s in
            let answer = s.script.isEmpty ? .status(200, "{\"ok\":true}") : s.script.removeFirst()
            let key = head.headers.first(name: "Idempotency-Key")
            var answered: Int?
            switch answer {
            case .status(let code, _):
                answered = code
                if (200...299).contains(code), let key {
                    if s.stored[key] == nil { s.stored[key] = body }
                    s.acknowledgements[key, default: 0] += 1
                }
            case .loseResponse:
                if let key, s.stored[key] == nil { s.stored[key] = body }
            }
            s.requests.append(
                Request(
                    method: "\(head.method)", path: head.uri, idempotencyKey: key,
                    contentType: head.headers.first(name: "Content-Type"),
                    authorization: head.headers.first(name: "Authorization"), body: body, answered: answered))
            return answer
        }
    }

    static func bind(port: Int, receiver: WebhookReceiver?) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let receiver else { return }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(WebhookReceiverHandler(receiver: receiver))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
    }
}

/// Collects one request and answers it as the receiver decides, then closes the connection.
final class WebhookReceiverHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let receiver: WebhookReceiver
    var head: HTTPRequestHead?
    var body = Data()

    init(receiver: WebhookReceiver) { self.receiver = receiver }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = Data()
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let head else { return }
            switch receiver.handle(head, body: body) {
            case .loseResponse:
                context.close(promise: nil)
            case .status(let code, let text):
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: "\(text.utf8.count)")
                headers.add(name: "Connection", value: "close")
                let status = HTTPResponseStatus(statusCode: code)
                context.write(
                    wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                    promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
            }
            self.head = nil
        }
    }
}
