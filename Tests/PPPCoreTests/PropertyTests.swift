import PPPCore
import PropertyBased
import Testing

@Suite struct PPPCorePropertyTests {
    static let bytes = Gen.uint8().array(of: 0...200)

    @Test func decodersNeverTrapOnRandomBytes() async {
        await propertyCheck(count: 500, input: Self.bytes) { bytes in
            _ = try? EthernetFrame.decode(bytes)
            _ = try? PPPoEPacket.decode(bytes)
            _ = try? PPPoEPacket(code: .pado, sessionID: 0, payload: bytes).tags()
            _ = try? PPPFrame.decode(bytes)
            _ = try? PPPControlPacket.decode(bytes).options()
            _ = try? PAPPacket.decode(bytes)
            _ = try? CHAPPacket.decode(bytes)
            var copy = bytes
            TCPMSSClamp.clamp(&copy, maxMSS: 1452)
            #expect(copy.count == bytes.count)
        }
    }

    @Test func clientNeverTrapsOnRandomFrames() async {
        await propertyCheck(count: 300, input: Self.bytes.array(of: 1...8)) { frames in
            var client = PPPoEClient(config: PPPoELab.clientConfig())
            _ = client.start(now: .zero)
            for (index, payload) in frames.enumerated() {
                let etherType = index % 2 == 0 ? EthernetFrame.pppoeDiscovery : EthernetFrame.pppoeSession
                let frame = EthernetFrame(
                    destination: PPPoELab.clientMAC, source: PPPoELab.acMAC, etherType: etherType, payload: payload)
                _ = client.receive(frame: frame.encode(), now: .milliseconds(index))
                _ = client.receive(frame: payload, now: .milliseconds(index))
            }
            _ = client.tick(now: .seconds(60))
        }
    }

    @Test func discoveryPacketsRoundTrip() async {
        let tag = zip(Gen.uint8(in: 1...0xFF), Self.bytes).map { PPPoETag(type: 0x0100 | UInt16($0), value: $1) }
        let codes = Gen.element(of: [PPPoECode.padi, .pado, .padr, .pads, .padt]).map { $0! }
        await propertyCheck(count: 300, input: codes, Gen.uint16(), tag.array(of: 0...6), Gen.uint16(in: 0...4094)) {
            code, session, tags, vlan in
            let packet = PPPoEPacket(code: code, sessionID: session, tags: tags)
            let frame = EthernetFrame(
                destination: PPPoELab.acMAC, source: PPPoELab.clientMAC, vlan: VLANTag(id: vlan),
                etherType: EthernetFrame.pppoeDiscovery, payload: packet.encode())
            let bytes = frame.encode()
            #expect(bytes.count >= 60)
            let decoded = try #require(try? EthernetFrame.decode(bytes))
            #expect(decoded.vlan == VLANTag(id: vlan))
            let again = try #require(try? PPPoEPacket.decode(decoded.payload))
            #expect(again == packet)
            #expect((try? again.tags()) == tags)
        }
    }

    @Test func controlPacketsRoundTrip() async {
        let option = zip(Gen.uint8(), Gen.uint8().array(of: 0...20)).map { PPPOption(type: $0, value: $1) }
        await propertyCheck(count: 300, input: Gen.uint8(in: 1...11), Gen.uint8(), option.array(of: 0...8)) {
            code, id, options in
            let packet = PPPControlPacket(code: code, identifier: id, options: options)
            let ppp = PPPFrame(protocolNumber: PPPFrame.lcp, information: packet.encode())
            let decoded = try #require(try? PPPFrame.decode(ppp.encode()))
            let again = try #require(try? PPPControlPacket.decode(decoded.information))
            #expect(again == packet)
            #expect((try? again.options()) == options)
        }
    }

    @Test func authPacketsRoundTrip() async {
        let text = Gen.uint8().array(of: 0...40)
        await propertyCheck(count: 300, input: Gen.uint8(in: 0...6), Gen.uint8(), text, text) { kind, id, a, b in
            let pap: PAPPacket? =
                switch kind {
                case 0: .request(identifier: id, peerID: a, password: b)
                case 1: .ack(identifier: id, message: a)
                case 2: .nak(identifier: id, message: b)
                default: nil
                }
            if let pap { #expect((try? PAPPacket.decode(pap.encode())) == pap) }
            let chap: CHAPPacket =
                switch kind % 4 {
                case 0: .challenge(identifier: id, value: a, name: b)
                case 1: .response(identifier: id, value: a, name: b)
                case 2: .success(identifier: id, message: a)
                default: .failure(identifier: id, message: b)
                }
            #expect((try? CHAPPacket.decode(chap.encode())) == chap)
        }
    }
}
