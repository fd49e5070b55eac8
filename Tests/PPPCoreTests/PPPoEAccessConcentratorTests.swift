import Testing

@testable import PPPCore

@Suite struct PPPoEAccessConcentratorTests {
    /// Two clients (two MACs) dial one access concentrator: two sessions, two addresses, and
    /// each one's IPv4 goes to its own client.
    @Test func servesSeveralSessionsKeyedByMACAndSessionID() throws {
        var ac = PPPoEAccessConcentrator(config: PPPoELab.acConfig())
        let macs: [[UInt8]] = [[2, 0, 0, 0, 1, 1], [2, 0, 0, 0, 1, 2]]
        var clients = macs.map { mac in
            PPPoEClient(config: PPPoELab.clientConfig { $0.macAddress = mac })
        }
        var ups: [Int: PPPoESessionInfo] = [:]
        var delivered: [Int: [[UInt8]]] = [:]
        var toAC: [[UInt8]] = []
        var toClients: [[UInt8]] = []
        func take(_ actions: [PPPoEAction], client index: Int) {
            for action in actions {
                switch action {
                case .send(let frame): toAC.append(frame)
                case .up(let info): ups[index] = info
                case .deliverIPv4(let packet): delivered[index, default: []].append(packet)
                default: break
                }
            }
        }
        func take(_ actions: [PPPoEAccessConcentrator.Action]) {
            for case .send(let frame) in actions { toClients.append(frame) }
        }
        func pump() {
            while !toAC.isEmpty || !toClients.isEmpty {
                if !toAC.isEmpty { take(ac.receive(frame: toAC.removeFirst(), now: .zero)) }
                if !toClients.isEmpty {
                    let frame = toClients.removeFirst()
                    for index in clients.indices {
                        take(clients[index].receive(frame: frame, now: .zero), client: index)
                    }
                }
            }
        }
        for index in clients.indices { take(clients[index].start(now: .zero), client: index) }
        pump()
        let first = try #require(ups[0])
        let second = try #require(ups[1])
        #expect(first.sessionID != second.sessionID)
        #expect(first.localIP != second.localIP)
        #expect(Set(ac.sessionKeys.map(\.mac)) == Set(macs))

        take(
            ac.sendIPv4(FrameTests.tcpSYN(mss: 1000, source: [192, 0, 2, 1], destination: second.localIP), now: .zero))
        pump()
        #expect(delivered[0] == nil)
        #expect(delivered[1]?.count == 1)

        take(clients[0].close(now: .zero), client: 0)
        pump()
        #expect(clients[0].outcome == .closed)
        #expect(clients[1].phase == .up)
        #expect(ac.sessionKeys.map(\.mac) == [macs[1]])
    }

    @Test func padrWithoutTheCookieIsIgnored() {
        var ac = PPPoEAccessConcentrator(config: PPPoELab.acConfig())
        let padr = EthernetFrame(
            destination: PPPoELab.acMAC, source: PPPoELab.clientMAC, etherType: EthernetFrame.pppoeDiscovery,
            payload: PPPoEPacket(code: .padr, tags: [PPPoETag(type: PPPoETag.serviceName, text: "internet")]).encode())
        let actions = ac.receive(frame: padr.encode(), now: .zero)
        #expect(actions.allSatisfy { if case .send = $0 { false } else { true } })
        #expect(ac.sessionKeys.isEmpty)
    }
}
