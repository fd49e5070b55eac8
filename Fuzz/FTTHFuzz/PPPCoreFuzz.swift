import PPPCore

/// PPPCore's frame decoders and a dialling client: the bytes a probe reads from the access network.
enum PPPCoreFuzz {
    static let target = FuzzTarget(
        name: "ppp",
        summary: "PPPoE/PPP frame decoders, a client in LCP (first byte: 0 raw frames, 1 PPP in session 7)",
        run: run)

    /// Feeds one input to every PPPCore decoder and to a dialling client.
    static func run(_ bytes: [UInt8]) {
        _ = try? EthernetFrame.decode(bytes)
        _ = try? PPPoEPacket.decode(bytes)
        _ = try? PPPoEPacket(code: .pado, sessionID: 0, payload: bytes).tags()
        _ = try? PPPFrame.decode(bytes)
        _ = try? PPPControlPacket.decode(bytes).options()
        _ = try? PPPOption.decodeList(bytes)
        _ = try? PAPPacket.decode(bytes)
        _ = try? CHAPPacket.decode(bytes)
        var copy = bytes
        TCPMSSClamp.clamp(&copy, maxMSS: 1452)

        // The input as frames from the wire, after the client reached LCP with a canned PADO/PADS.
        var client = FuzzPeer.clientInLCP()
        for chunk in FuzzPeer.frames(from: bytes) {
            _ = client.receive(frame: chunk, now: .seconds(1))
        }
        _ = client.tick(now: .seconds(100))
    }
}

/// Builds the client side of a fuzz run: a client that took a canned offer and session.
enum FuzzPeer {
    static let clientMAC: [UInt8] = [0x02, 0, 0, 0, 0, 1]
    static let acMAC: [UInt8] = [0x02, 0, 0, 0, 0, 2]

    static func clientInLCP() -> PPPoEClient {
        var config = PPPoEClientConfig(
            macAddress: clientMAC, username: "u", password: "p", hostUniq: [1, 2], magicNumber: 0x1234_5678)
        config.discoveryAttempts = 2
        var client = PPPoEClient(config: config)
        _ = client.start(now: .zero)
        let tags = [
            PPPoETag(type: PPPoETag.acName, text: "AC"), PPPoETag(type: PPPoETag.serviceName),
            PPPoETag(type: PPPoETag.hostUniq, value: [1, 2]),
        ]
        _ = client.receive(frame: discovery(.pado, session: 0, tags: tags), now: .zero)
        _ = client.receive(frame: discovery(.pads, session: 7, tags: tags), now: .zero)
        return client
    }

    static func discovery(_ code: PPPoECode, session: UInt16, tags: [PPPoETag]) -> [UInt8] {
        EthernetFrame(
            destination: clientMAC, source: acMAC, etherType: EthernetFrame.pppoeDiscovery,
            payload: PPPoEPacket(code: code, sessionID: session, tags: tags).encode()
        ).encode()
    }

    /// Splits the input on its first byte: 0 = raw frames, 1 = PPP frames wrapped in session 7.
    static func frames(from bytes: [UInt8]) -> [[UInt8]] {
        guard let mode = bytes.first else { return [] }
        let body = Array(bytes.dropFirst())
        let pieces = body.split(separator: 0x7E, omittingEmptySubsequences: false).map(Array.init)
        switch mode % 2 {
        case 0:
            return pieces
        default:
            return pieces.map {
                EthernetFrame(
                    destination: clientMAC, source: acMAC, etherType: EthernetFrame.pppoeSession,
                    payload: PPPoEPacket(code: .session, sessionID: 7, payload: $0).encode()
                ).encode()
            }
        }
    }
}
