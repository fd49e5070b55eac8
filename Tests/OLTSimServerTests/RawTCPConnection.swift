import NIOCore
import NIOPosix

/// A bare TCP peer for the server tests: sends bytes, reads until some text has arrived, and
/// shows exactly what the server wrote (Telnet negotiations, echo, pager bytes).
struct RawTCPConnection {
    var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// Every byte received so far.
    var received: [UInt8] = []
    /// Where the last `read(until:)` stopped matching.
    var mark = 0

    var text: String { String(decoding: received, as: UTF8.self) }

    /// Sends text as it is (add `\r\n` for Enter).
    func send(_ text: String) async throws {
        try await outbound.write(ByteBuffer(bytes: Array(text.utf8)))
    }

    /// Closes the sending side: the server sees the end of input.
    func finish() { outbound.finish() }

    func send(bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// Reads until `needle` appears after the previous match; returns what arrived since then.
    /// Throws when the connection closes first.
    @discardableResult
    mutating func read(until needle: String) async throws -> String {
        let n = Array(needle.utf8)
        while true {
            if let r = Self.find(n, in: received, from: mark) {
                let out = String(decoding: received[mark..<r.upperBound], as: UTF8.self)
                mark = r.upperBound
                return out
            }
            guard var buffer = try await inbound.next() else {
                throw ConnectionClosed(
                    waitingFor: needle, received: String(decoding: received[mark...], as: UTF8.self))
            }
            received += buffer.readBytes(length: buffer.readableBytes) ?? []
        }
    }

    /// Reads until the server closes the connection; returns what arrived after the last match.
    mutating func readToEnd() async throws -> String {
        while var buffer = try await inbound.next() {
            received += buffer.readBytes(length: buffer.readableBytes) ?? []
        }
        return String(decoding: received[mark...], as: UTF8.self)
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Range<Int>? {
        guard needle.count <= hay.count - from else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i..<i + needle.count].elementsEqual(needle) { return i..<i + needle.count }
            i += 1
        }
        return nil
    }

    struct ConnectionClosed: Error, CustomStringConvertible {
        var waitingFor: String
        var received: String
        var description: String {
            "the server closed the connection while the test waited for \(waitingFor.debugDescription); it had sent \(received.debugDescription)"
        }
    }

    /// Connects to 127.0.0.1:`port`, runs `body` and closes.
    static func with<T: Sendable>(
        port: Int, _ body: (inout RawTCPConnection) async throws -> T
    ) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = RawTCPConnection(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&connection)
        }
    }
}
