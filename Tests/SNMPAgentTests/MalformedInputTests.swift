import Foundation
import SNMPModel
import Testing

@testable import SNMPAgent

/// Random bytes, truncated and bit-flipped packets: the agent never traps, and counts every
/// datagram as answered or dropped.
@Suite("malformed input")
struct MalformedInputTests {
    /// A seeded generator, so a failure can be replayed.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Valid requests of every version and security level.
    static func validPackets(_ harness: EngineHarness) -> [[UInt8]] {
        let get = SNMPPDU(type: .getRequest, requestID: 7, varBinds: [VarBind(MIBFixture.sysName, .null)])
        let bulk = SNMPPDU.getBulk(requestID: 8, nonRepeaters: 0, maxRepetitions: 10, varBinds: [VarBind("1.3", .null)])
        let set = SNMPPDU(type: .setRequest, requestID: 9, varBinds: [VarBind(MIBFixture.sysName, .string("x"))])
        return [
            SNMPMessage.v1(community: Array("public".utf8), pdu: get).encoded(),
            SNMPMessage.v2c(community: Array("public".utf8), pdu: bulk).encoded(),
            SNMPMessage.v2c(community: Array("private".utf8), pdu: set).encoded(),
            MessageCodecTests.v3Discovery,
            harness.v3Request(get, user: TestUsers.noAuth),
            harness.v3Request(bulk, user: TestUsers.sha256),
            harness.v3Request(get, user: TestUsers.shaAES),
            harness.v3Request(set, user: TestUsers.sha256AES),
        ]
    }

    @Test("every truncation of a valid packet is dropped as malformed")
    func truncations() async {
        let harness = EngineHarness()
        var count = 0
        for packet in Self.validPackets(harness) {
            for length in 0..<packet.count {
                #expect(await harness.exchange(Array(packet.prefix(length))) == nil)
                count += 1
            }
            // Leave the shared threads to the agents of tests running alongside.
            await Task.yield()
        }
        #expect(harness.statistics.malformed == count)
        #expect(harness.statistics.dropped == count)
    }

    @Test("random datagrams are dropped as malformed")
    func randomBytes() async {
        let harness = EngineHarness()
        var random = SplitMix64(state: 0x5EED)
        let count = 5000
        for index in 0..<count {
            let length = Int.random(in: 0...200, using: &random)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            // Half of them start like a message, to get past the first check.
            if index % 2 == 0, bytes.count > 2 {
                bytes[0] = 0x30
                bytes[1] = UInt8(min(bytes.count - 2, 127))
            }
            #expect(await harness.exchange(bytes) == nil)
            if index % 100 == 0 { await Task.yield() }
        }
        #expect(harness.statistics.malformed == count)
        #expect(harness.statistics.dropped == count)
    }

    @Test("bit-flipped packets never trap and are all accounted for")
    func bitFlips() async {
        let harness = EngineHarness()
        var random = SplitMix64(state: 0xF11B)
        let packets = Self.validPackets(harness)
        let count = 4000
        var answered = 0
        for index in 0..<count {
            var bytes = packets[index % packets.count]
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                bytes[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
            }
            if await harness.exchange(bytes) != nil { answered += 1 }
            if index % 100 == 0 { await Task.yield() }
        }
        let statistics = harness.statistics
        #expect(answered + statistics.dropped == count)
        #expect(statistics.dropped > count / 2)
    }

    @Test("garbage on the socket is counted and the agent keeps answering")
    func garbageOverUDP() async throws {
        try await withAgent { agent, target in
            let port = UInt16(agent.port!)
            var random = SplitMix64(state: 0xBAD)
            let datagrams = (0..<50).map { _ in
                (0..<Int.random(in: 1...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            }
            try UDPSender.send(datagrams, toPort: port)
            // The agent decodes datagrams in arrival order, so once this answer is back every
            // garbage datagram has been counted.
            let result = try await NetSNMPTool.run(
                "snmpget", ["-v2c", "-c", "public", "-t", "5", "-r", "2", target, "\(MIBFixture.sysName)"])
            #expect(result.status == 0, "\(result)")
            #expect(agent.statistics.malformed == 50)
            // A retry on a loaded machine is a second request with its own answer.
            #expect(agent.statistics.requests >= 51)
            #expect(agent.statistics.responses >= 1)
        }
    }
}

/// A bare UDP socket for sending raw datagrams at the agent.
enum UDPSender {
    struct Failure: Error { let call: String; let code: Int32 }

    static func send(_ datagrams: [[UInt8]], toPort port: UInt16) throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(call: "socket", code: errno) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        for datagram in datagrams {
            let sent = datagram.withUnsafeBytes { buffer in
                withUnsafePointer(to: &address) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
            guard sent == datagram.count else { throw Failure(call: "sendto", code: errno) }
        }
    }
}
