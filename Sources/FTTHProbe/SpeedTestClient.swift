import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The daemon's speed-test endpoints, measured from the probe: `GET /v1/speedtest/download`,
/// `POST /v1/speedtest/upload` and `GET /v1/speedtest/ping`. Plain HTTP/1.1 over SwiftNIO so
/// the socket can be bound to the dialled session's address.
public struct SpeedTestClient: Sendable {
    public var server: ServerAddress
    public var token: String
    /// The local address to send from (the session's), or nil for the kernel's choice.
    public var bindAddress: String?
    /// The most bytes asked for in one download (the daemon serves at most 1 GiB).
    public var maxDownloadBytes: Int = 1 << 30
    public var connectTimeout: Duration = .seconds(5)

    public init(server: ServerAddress, token: String, bindAddress: String? = nil) {
        self.server = server
        self.token = token
        self.bindAddress = bindAddress
    }

    /// What one direction measured.
    public struct Transfer: Sendable, Hashable {
        public var bytes: Int64
        public var seconds: Double
        public var megabitsPerSecond: Double { seconds > 0 ? Double(bytes) * 8 / seconds / 1_000_000 : 0 }
    }

    /// Downloads for `duration` (or until `maxDownloadBytes` arrived), counting what arrived.
    public func download(duration: Duration) async throws(SpeedTestError) -> Transfer {
        try await exchange("downloading from") { inbound, outbound in
            try await outbound.write(.head(head(.GET, "/v1/speedtest/download?bytes=\(maxDownloadBytes)")))
            try await outbound.write(.end(nil))
            let clock = ContinuousClock()
            var started: ContinuousClock.Instant?
            var bytes: Int64 = 0
            var errorBody = ""
            var status: HTTPResponseStatus = .ok
            loop: for try await part in inbound {
                switch part {
                case .head(let response):
                    status = response.status
                    started = clock.now
                case .body(let buffer):
                    if status != .ok {
                        errorBody += String(buffer: buffer)
                        continue
                    }
                    bytes += Int64(buffer.readableBytes)
                    if let started, clock.now - started >= duration { break loop }
                case .end:
                    break loop
                }
            }
            guard status == .ok else { throw SpeedTestError.refused(status.code, errorBody) }
            let seconds = started.map { Self.seconds(clock.now - $0) } ?? 0
            return Transfer(bytes: bytes, seconds: seconds)
        }
    }

    /// Uploads incompressible bytes for `duration`; the figure is the server's: the bytes it
    /// received and the seconds it took, so the direction is judged on the receiving side.
    public func upload(duration: Duration) async throws(SpeedTestError) -> Transfer {
        try await exchange("uploading to") { inbound, outbound in
            var request = head(.POST, "/v1/speedtest/upload")
            request.headers.add(name: "Transfer-Encoding", value: "chunked")
            request.headers.add(name: "Content-Type", value: "application/octet-stream")
            try await outbound.write(.head(request))
            let chunk = ByteBuffer(bytes: Self.incompressible)
            let clock = ContinuousClock()
            let deadline = clock.now + duration
            while clock.now < deadline {
                try await outbound.write(.body(.byteBuffer(chunk)))
            }
            try await outbound.write(.end(nil))
            var status: HTTPResponseStatus = .ok
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let response): status = response.status
                case .body(var buffer): body.writeBuffer(&buffer)
                case .end: break
                }
                if case .end = part { break }
            }
            let text = String(buffer: body)
            guard status == .ok else { throw SpeedTestError.refused(status.code, text) }
            struct Answer: Decodable {
                var bytes: Int64
                var seconds: Double
            }
            guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(text.utf8)) else {
                throw SpeedTestError.badAnswer("upload answered '\(text.prefix(200))', not {bytes, seconds}")
            }
            return Transfer(bytes: answer.bytes, seconds: answer.seconds)
        }
    }

    /// Round-trip time of a tiny request, the median of `count` after a first that opens the way.
    public func ping(count: Int = 5) async throws(SpeedTestError) -> Duration {
        try await exchange("pinging") { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            var samples: [Duration] = []
            let clock = ContinuousClock()
            for i in 0...max(1, count) {
                let sent = clock.now
                try await outbound.write(.head(head(.GET, "/v1/speedtest/ping")))
                try await outbound.write(.end(nil))
                var status: HTTPResponseStatus = .ok
                var text = ""
                while let part = try await iterator.next() {
                    if case .head(let response) = part { status = response.status }
                    if case .body(let buffer) = part { text += String(buffer: buffer) }
                    if case .end = part { break }
                }
                guard status == .ok else { throw SpeedTestError.refused(status.code, text) }
                if i > 0 { samples.append(clock.now - sent) }
            }
            samples.sort()
            return samples[samples.count / 2]
        }
    }

    // MARK: - Plumbing

    private func head(_ method: HTTPMethod, _ path: String) -> HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: server.pathPrefix + path)
        head.headers.add(name: "Host", value: server.hostHeader)
        head.headers.add(name: "Authorization", value: "Bearer \(token)")
        head.headers.add(name: "User-Agent", value: "ftth-probe")
        return head
    }

    private typealias Inbound = NIOAsyncChannelInboundStream<HTTPClientResponsePart>
    private typealias Outbound = NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>

    private func exchange<T: Sendable>(
        _ doing: String, _ body: (Inbound, Outbound) async throws -> T
    ) async throws(SpeedTestError) -> T {
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(Int64(Self.seconds(connectTimeout) * 1000)))
                .channelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            if let bindAddress {
                bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: bindAddress, port: 0))
            }
            channel = try await bootstrap.connect(host: server.host, port: server.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        } catch {
            throw .unreachable(server.description, bindAddress, "\(error)")
        }
        do {
            return try await channel.executeThenClose { inbound, outbound in try await body(inbound, outbound) }
        } catch let error as SpeedTestError {
            throw error
        } catch {
            throw .interrupted("\(doing) \(server)", "\(error)")
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// 256 KiB of pseudo-random bytes: no link-layer compression can make the line look faster.
    static let incompressible: [UInt8] = {
        var generator = SplitMix64(seed: 0x5EED_F1BE)
        return (0..<(256 * 1024 / 8)).flatMap { _ in withUnsafeBytes(of: generator.next()) { Array($0) } }
    }()
}

/// Where the daemon listens, from a URL such as `http://10.0.0.1:8080` (no TLS on the probe's path).
public struct ServerAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var pathPrefix: String

    public init(host: String, port: Int, pathPrefix: String = "") {
        self.host = host
        self.port = port
        self.pathPrefix = pathPrefix
    }

    /// Reads `http://host[:port][/prefix]`; nil when it is not such a URL.
    public init?(url: String) {
        guard let components = URLComponents(string: url), components.scheme == "http",
            let host = components.host, !host.isEmpty
        else { return nil }
        self.host = host
        self.port = components.port ?? 80
        let path = components.path
        self.pathPrefix = path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    var hostHeader: String { port == 80 ? host : "\(host):\(port)" }
    public var description: String { "http://\(hostHeader)\(pathPrefix)" }
}

/// A speed test that could not be run, in words a crew can act on.
public enum SpeedTestError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreachable(String, String?, String)
    case refused(UInt, String)
    case badAnswer(String)
    case interrupted(String, String)

    public var description: String {
        switch self {
        case .unreachable(let server, let bind, let why):
            "cannot reach the speed-test server \(server)\(bind.map { " from \($0)" } ?? ""): \(why); "
                + "check the session's route to the daemon"
        case .refused(401, _), .refused(403, _):
            "the daemon refused the probe's token for the speed test; issue a probe token with 'ftthctl token create --role probe'"
        case .refused(let code, let body): "the speed-test server answered HTTP \(code): \(body.prefix(300))"
        case .badAnswer(let why): "the speed-test server's answer is not understood: \(why)"
        case .interrupted(let what, let why): "\(what) was interrupted: \(why); the line may have dropped"
        }
    }
}

/// A small, fast generator for test data (not for secrets).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
