import Foundation
import Testing

@testable import PPPCore

@Suite struct FrameTests {
    static let client: [UInt8] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01]
    static let ac: [UInt8] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02]

    @Test func shortFramesArePaddedAndPaddingIsIgnored() throws {
        let padi = PPPoEPacket(code: .padi, tags: [PPPoETag(type: PPPoETag.serviceName)])
        let bytes = EthernetFrame(
            destination: EthernetFrame.broadcast, source: Self.client, etherType: EthernetFrame.pppoeDiscovery,
            payload: padi.encode()
        ).encode()
        #expect(bytes.count == 60)
        let frame = try EthernetFrame.decode(bytes)
        #expect(frame.payload.count == 46)
        let packet = try PPPoEPacket.decode(frame.payload)
        #expect(packet == padi)
        #expect(try packet.tags() == [PPPoETag(type: PPPoETag.serviceName)])
    }

    @Test func vlanTagShiftsParsingByFourBytes() throws {
        let session = PPPoEPacket(code: .session, sessionID: 0x1234, payload: [0xC0, 0x21, 9, 1, 0, 8, 1, 2, 3, 4])
        let tagged = EthernetFrame(
            destination: Self.ac, source: Self.client, vlan: VLANTag(id: 100, priority: 5),
            etherType: EthernetFrame.pppoeSession, payload: session.encode()
        ).encode()
        #expect(Array(tagged[12..<18]) == [0x81, 0x00, 0xA0, 0x64, 0x88, 0x64])
        let frame = try EthernetFrame.decode(tagged)
        #expect(frame.vlan == VLANTag(id: 100, priority: 5))
        #expect(frame.etherType == EthernetFrame.pppoeSession)
        #expect(try PPPoEPacket.decode(frame.payload) == session)
    }

    @Test func priorityTaggedFrameIsVLANZero() throws {
        let bytes = Self.ac + Self.client + [0x81, 0x00, 0x60, 0x00, 0x88, 0x63] + [0x11, 0x07, 0, 0, 0, 0]
        let frame = try EthernetFrame.decode(bytes)
        #expect(frame.vlan?.id == 0)
        #expect(frame.vlan?.priority == 3)
        #expect(try PPPoEPacket.decode(frame.payload).code == .pado)
    }

    @Test func decodersRefuseTruncatedInputWithTheirLayer() {
        #expect(throws: FrameError.self) { try EthernetFrame.decode([1, 2, 3]) }
        #expect(throws: FrameError("PPPoE", "truncated: needs 16 bytes, has 8")) {
            try PPPoEPacket.decode([0x11, 0x09, 0, 0, 0, 10, 1, 1])
        }
        #expect(throws: FrameError.self) { try PPPoEPacket.decode([0x12, 0x09, 0, 0, 0, 0]) }
        #expect(throws: FrameError.self) { try PPPControlPacket.decode([1, 1, 0, 3]) }
        #expect(throws: FrameError.self) { try PPPOption.decodeList([1, 1]) }
        #expect(throws: FrameError.self) { try PPPFrame.decode([0xC0]) }
        #expect(throws: FrameError.self) { try PAPPacket.decode([1, 1, 0, 6, 5, 1]) }
        #expect(throws: FrameError.self) { try CHAPPacket.decode([9, 1, 0, 4]) }
    }

    @Test func controlPacketsAndOptionsRoundTrip() throws {
        let options = [
            PPPOption(type: 1, value: [0x05, 0xD4]), PPPAuthProtocol.chapMD5.option,
            PPPOption(type: 5, value: [1, 2, 3, 4]),
        ]
        let request = PPPControlPacket(code: PPPControlPacket.configureRequest, identifier: 7, options: options)
        let decoded = try PPPControlPacket.decode(request.encode() + [0, 0, 0])
        #expect(decoded == request)
        #expect(try decoded.options() == options)
        #expect(PPPAuthProtocol(optionValue: [0xC2, 0x23, 0x81]) == .msCHAPv2)
        #expect(PPPAuthProtocol.msCHAPv2.name == "MS-CHAPv2")
    }

    @Test func papAndCHAPRoundTrip() throws {
        let pap: [PAPPacket] = [
            .request(identifier: 1, peerID: Array("user".utf8), password: Array("secret".utf8)),
            .ack(identifier: 1, message: Array("Login ok".utf8)), .nak(identifier: 2, message: []),
        ]
        for packet in pap { #expect(try PAPPacket.decode(packet.encode()) == packet) }
        let chap: [CHAPPacket] = [
            .challenge(identifier: 3, value: [1, 2, 3], name: Array("bras".utf8)),
            .response(identifier: 3, value: Array(repeating: 9, count: 16), name: Array("user".utf8)),
            .success(identifier: 3, message: Array("Welcome".utf8)), .failure(identifier: 4, message: []),
        ]
        for packet in chap { #expect(try CHAPPacket.decode(packet.encode()) == packet) }
    }

    @Test func chapMD5MatchesRFC1994() {
        // MD5(0x01 ‖ "secret" ‖ 00 01 02 ... 0f), computed independently with Python's hashlib.
        let hash = CHAPClient.response(identifier: 1, secret: Array("secret".utf8), challenge: Array(0...15))
        let hex = hash.map { String(format: "%02x", $0) }.joined()
        #expect(hex == Self.expectedCHAP)
    }

    static let expectedCHAP = "740e86463bda3a4d7017d6e0fba0699d"

    /// PADI, PADO, PADR and PADS exchanged with rp-pppoe's `pppoe-server` (see the resource's header).
    static func recordedDiscovery() throws -> [[UInt8]] {
        let url = try #require(Bundle.module.url(forResource: "Resources/rp-pppoe-discovery", withExtension: "hex"))
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.isEmpty }
        return lines.map { line in
            stride(from: 0, to: line.count, by: 2).map { offset -> UInt8 in
                let start = line.index(line.startIndex, offsetBy: offset)
                return UInt8(line[start..<line.index(start, offsetBy: 2)], radix: 16)!
            }
        }
    }

    @Test func decodesRecordedRPPPPoEExchange() throws {
        let frames = try Self.recordedDiscovery()
        #expect(frames.count == 4)
        let codes = try frames.map { try PPPoEPacket.decode(EthernetFrame.decode($0).payload).code }
        #expect(codes == [.padi, .pado, .padr, .pads])
        let pado = try PPPoEPacket.decode(EthernetFrame.decode(frames[1]).payload)
        let tags = try pado.tags()
        #expect(tags.first(PPPoETag.acName)?.text == "ftth-lab-ac")
        #expect(tags.first(PPPoETag.serviceName)?.text == "internet")
        #expect(tags.first(PPPoETag.hostUniq)?.value == [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(tags.first(PPPoETag.acCookie)?.value.count == 20)
        let pads = try PPPoEPacket.decode(EthernetFrame.decode(frames[3]).payload)
        #expect(pads.sessionID != 0)
    }

    /// Our client, given rp-pppoe's recorded PADO, sends a PADR carrying the same tags as the PADR
    /// rp-pppoe accepted, and takes the recorded PADS's session.
    @Test func clientAnswersRecordedPADOLikeTheAcceptedPADR() throws {
        let frames = try Self.recordedDiscovery()
        let config = PPPoEClientConfig(
            macAddress: [0x02, 0xAA, 0, 0, 0, 1], username: "u", password: "p", hostUniq: [0xDE, 0xAD, 0xBE, 0xEF],
            magicNumber: 1)
        var client = PPPoEClient(config: config)
        _ = client.start(now: .zero)
        let actions = client.receive(frame: frames[1], now: .milliseconds(3))
        let sent = actions.compactMap { if case .send(let bytes) = $0 { bytes } else { nil } }
        #expect(sent.count == 1)
        let ours = try PPPoEPacket.decode(EthernetFrame.decode(sent[0]).payload)
        let recorded = try PPPoEPacket.decode(EthernetFrame.decode(frames[2]).payload)
        #expect(ours.code == .padr)
        #expect(Set(try ours.tags()) == Set(try recorded.tags()))
        _ = client.receive(frame: frames[3], now: .milliseconds(5))
        #expect(client.phase == .lcp)
        #expect(client.timings.padiToPado == .milliseconds(3))
        #expect(client.timings.padrToPads == .milliseconds(2))
    }

    @Test func mssIsClampedAndChecksumStaysValid() {
        var syn = Self.tcpSYN(mss: 1460)
        let before = TCPMSSClamp.tcpChecksum(syn, ipHeader: 20, totalLength: syn.count)
        #expect(UInt16(syn[36]) << 8 | UInt16(syn[37]) == before)
        TCPMSSClamp.clamp(&syn, maxMSS: 1452)
        #expect(Array(syn[42..<44]) == [0x05, 0xAC])
        #expect(
            UInt16(syn[36]) << 8 | UInt16(syn[37]) == TCPMSSClamp.tcpChecksum(syn, ipHeader: 20, totalLength: syn.count)
        )

        var small = Self.tcpSYN(mss: 1400)
        let original = small
        TCPMSSClamp.clamp(&small, maxMSS: 1452)
        #expect(small == original)
    }

    /// An IPv4 TCP SYN with one MSS option and a correct checksum.
    static func tcpSYN(
        mss: UInt16, source: [UInt8] = [10, 67, 0, 10], destination: [UInt8] = [192, 0, 2, 1]
    ) -> [UInt8] {
        var ip: [UInt8] = [0x45, 0, 0, 44, 0, 1, 0x40, 0, 64, 6, 0, 0] + source + destination
        let tcp: [UInt8] = [
            0x9C, 0x40, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x60, 0x02, 0xFF, 0xFF, 0, 0, 0, 0, 2, 4,
            UInt8(mss >> 8), UInt8(mss & 0xFF),
        ]
        ip += tcp
        let checksum = TCPMSSClamp.tcpChecksum(ip, ipHeader: 20, totalLength: ip.count)
        ip[36] = UInt8(checksum >> 8)
        ip[37] = UInt8(checksum & 0xFF)
        return ip
    }
}
