import Testing

@testable import PPPCore

@Suite struct PPPoEClientTests {
    @Test func papDialComesUpWithAddressDNSAndTimings() throws {
        var lab = PPPoELab()
        lab.start()
        lab.runUntilUp()
        let info = try #require(lab.ups.first)
        #expect(lab.client.phase == .up)
        #expect(info.localIP == [10, 67, 0, 10])
        #expect(info.peerIP == [10, 67, 0, 1])
        #expect(info.dns == [[10, 67, 0, 1], [10, 67, 0, 2]])
        #expect(info.acName == "ftth-sim-bras")
        #expect(info.acMAC == PPPoELab.acMAC)
        #expect(info.mru == 1492 && info.mss == 1452)
        #expect(Set(info.timings.milliseconds.keys) == ["padi_pado", "padr_pads", "lcp", "auth", "ipcp", "total"])
        #expect(lab.logs.contains { $0.contains("PADO from AC \"ftth-sim-bras\"") })
        #expect(lab.client.nextDeadline == lab.now + .seconds(10))  // the first echo
    }

    @Test func timingsFollowTheClock() throws {
        var lab = PPPoELab()
        lab.latency = .milliseconds(5)
        lab.start()
        lab.runUntilUp()
        let timings = try #require(lab.ups.first?.timings)
        #expect(timings.padiToPado == .milliseconds(10))
        #expect(timings.padrToPads == .milliseconds(10))
        #expect(timings.lcp ?? .zero >= .milliseconds(10))
        #expect(timings.authentication ?? .zero >= .milliseconds(10))
        let phases = [timings.padiToPado, timings.padrToPads, timings.lcp, timings.authentication, timings.ipcp]
        #expect(timings.total == phases.compactMap { $0 }.reduce(.zero, +))
        #expect(timings.milliseconds["padi_pado"] == 10)
    }

    @Test func chapDialComesUp() {
        var lab = PPPoELab(acs: [PPPoELab.acConfig { $0.auth = .chapMD5 }])
        lab.start()
        lab.runUntilUp()
        #expect(lab.ups.count == 1)
        #expect(lab.clientPackets(PPPFrame.chap).isEmpty == false)
        #expect(lab.logs.contains { $0.contains("authentication CHAP-MD5") })
    }

    @Test(arguments: [PPPAuthProtocol.pap, .chapMD5])
    func wrongPasswordReportsTheServersMessageWithoutRetrying(auth: PPPAuthProtocol) {
        var lab = PPPoELab(
            client: PPPoELab.clientConfig(password: "wrong"), acs: [PPPoELab.acConfig { $0.auth = auth }])
        lab.start()
        lab.run()
        #expect(
            lab.failure
                == .authenticationRejected(message: "Authentication failed for test01: wrong user name or password"))
        #expect(lab.failure?.code == "auth_rejected")
        let authProtocol = auth == .pap ? PPPFrame.pap : PPPFrame.chap
        #expect(lab.clientPackets(authProtocol).count == 1)
        #expect(lab.clientDiscovery().last?.code == .padt)
        #expect(lab.client.phase == .finished)
        #expect(lab.client.nextDeadline == nil)
    }

    @Test func lostPAPRequestIsRetransmitted() {
        var lab = PPPoELab()
        let lost = LostFirst(protocolNumber: PPPFrame.pap, code: 1)
        lab.dropToACs = { lost.drop($0) }
        lab.start()
        lab.runUntilUp()
        #expect(lab.ups.count == 1)
        #expect(lab.clientPackets(PPPFrame.pap).count == 2)
        #expect(lab.ups.first?.timings.authentication == .seconds(3))
    }

    @Test func unansweredPAPEndsInAuthTimeout() {
        var lab = PPPoELab()
        lab.dropToACs = { frame in
            guard let decoded = try? EthernetFrame.decode(frame), let packet = try? PPPoEPacket.decode(decoded.payload),
                let ppp = try? PPPFrame.decode(packet.payload)
            else { return false }
            return ppp.protocolNumber == PPPFrame.pap
        }
        lab.start()
        lab.run()
        #expect(lab.failure == .authTimeout)
        #expect(lab.clientPackets(PPPFrame.pap).count == 10)
    }

    @Test func rejectAllFaultRefusesTheRightPassword() {
        var lab = PPPoELab(acs: [PPPoELab.acConfig { $0.faults = [.rejectAll] }])
        lab.start()
        lab.run()
        #expect(lab.failure?.code == "auth_rejected")
    }

    @Test func noAccessConcentratorRetriesWithBackoffThenFails() {
        var lab = PPPoELab(acs: [PPPoELab.acConfig { $0.faults = [.noAnswer] }])
        lab.start()
        lab.run()
        #expect(lab.failure == .noAccessConcentrator(attempts: 5, serviceName: "", acName: nil))
        #expect(lab.clientFrameTimes == [.zero, .seconds(2), .seconds(6), .seconds(14), .seconds(30)])
        #expect(lab.now == .seconds(46))
        #expect(lab.failure?.description.contains("no access concentrator answered 5 PADIs") == true)
    }

    @Test func twoAccessConcentratorsFirstOfferTakenBothLogged() {
        var lab = PPPoELab(acs: [
            PPPoELab.acConfig { $0.acName = "bras-a" },
            PPPoELab.acConfig {
                $0.acName = "bras-b"
                $0.macAddress = PPPoELab.secondACMAC
            },
        ])
        lab.start()
        lab.runUntilUp()
        #expect(lab.ups.first?.acName == "bras-a")
        #expect(lab.logs.contains { $0.hasPrefix("PADO from AC \"bras-a\"") })
        #expect(lab.logs.contains { $0.hasPrefix("PADO from AC \"bras-b\"") })
        #expect(lab.acs[1].sessionKeys.isEmpty)
    }

    @Test func configuredACNameChoosesTheOffer() {
        var lab = PPPoELab(
            client: PPPoELab.clientConfig { $0.acName = "bras-b" },
            acs: [
                PPPoELab.acConfig { $0.acName = "bras-a" },
                PPPoELab.acConfig {
                    $0.acName = "bras-b"
                    $0.macAddress = PPPoELab.secondACMAC
                },
            ])
        lab.start()
        lab.runUntilUp()
        #expect(lab.ups.first?.acName == "bras-b")
        #expect(lab.ups.first?.acMAC == PPPoELab.secondACMAC)
        #expect(lab.acs[0].sessionKeys.isEmpty)
    }

    @Test func padsErrorTextIsReported() {
        var lab = PPPoELab(acs: [PPPoELab.acConfig { $0.faults = [.padsError("no free sessions")] }])
        lab.start()
        lab.run()
        #expect(lab.failure == .padsError(tag: "Generic-Error", text: "no free sessions"))
        #expect(lab.failure?.description.contains("\"no free sessions\"") == true)
    }

    @Test func unknownServiceGetsNoOffer() {
        var lab = PPPoELab(client: PPPoELab.clientConfig { $0.serviceName = "iptv" })
        lab.start()
        lab.run()
        #expect(lab.failure == .noAccessConcentrator(attempts: 5, serviceName: "iptv", acName: nil))
    }

    @Test func padrRepeatsTheOffersTags() throws {
        var lab = PPPoELab()
        lab.start()
        lab.runUntilUp()
        let padr = try #require(lab.clientDiscovery().first { $0.code == .padr })
        let tags = try padr.tags()
        #expect(tags.first(PPPoETag.serviceName)?.text == "internet")
        #expect(tags.first(PPPoETag.hostUniq)?.value == [0xCA, 0xFE])
        #expect(tags.first(PPPoETag.acCookie)?.value.count == 16)
    }

    @Test func padrEchoesRelaySessionIdAndCookieOfAHandMadeOffer() throws {
        var client = PPPoEClient(config: PPPoELab.clientConfig())
        _ = client.start(now: .zero)
        let offer: [PPPoETag] = [
            PPPoETag(type: PPPoETag.acName, text: "relay-ac"), PPPoETag(type: PPPoETag.serviceName, text: "internet"),
            PPPoETag(type: PPPoETag.hostUniq, value: [0xCA, 0xFE]),
            PPPoETag(type: PPPoETag.acCookie, value: [1, 2, 3]),
            PPPoETag(type: PPPoETag.relaySessionID, value: [9, 9, 9, 9]),
        ]
        let actions = client.receive(frame: Self.discovery(.pado, tags: offer), now: .milliseconds(1))
        let padr = try #require(
            actions.compactMap { action -> PPPoEPacket? in
                guard case .send(let bytes) = action else { return nil }
                return try? PPPoEPacket.decode(EthernetFrame.decode(bytes).payload)
            }.first)
        #expect(padr.code == .padr)
        #expect(Set(try padr.tags()) == Set(offer.filter { $0.type != PPPoETag.acName }))
    }

    @Test func padoWithoutOurHostUniqIsIgnored() {
        var client = PPPoEClient(config: PPPoELab.clientConfig())
        _ = client.start(now: .zero)
        let offer = [PPPoETag(type: PPPoETag.acName, text: "other"), PPPoETag(type: PPPoETag.hostUniq, value: [1])]
        let actions = client.receive(frame: Self.discovery(.pado, tags: offer), now: .zero)
        #expect(client.phase == .discovery)
        #expect(actions.contains(.log("PADO ignored: its Host-Uniq is not ours")))
    }

    @Test func padoErrorTagEndsDiscoveryWithItsText() {
        var client = PPPoEClient(config: PPPoELab.clientConfig())
        _ = client.start(now: .zero)
        let offer = [
            PPPoETag(type: PPPoETag.acName, text: "bras"), PPPoETag(type: PPPoETag.hostUniq, value: [0xCA, 0xFE]),
            PPPoETag(type: PPPoETag.serviceNameError, text: "unknown service"),
        ]
        _ = client.receive(frame: Self.discovery(.pado, tags: offer), now: .zero)
        let actions = client.tick(now: .seconds(2))
        #expect(actions.last == .finished(.failed(.padoError(tag: "Service-Name-Error", text: "unknown service"))))
    }

    @Test func framesForAnotherMACAreIgnored() {
        var client = PPPoEClient(config: PPPoELab.clientConfig())
        _ = client.start(now: .zero)
        let offer = [
            PPPoETag(type: PPPoETag.acName, text: "bras"), PPPoETag(type: PPPoETag.hostUniq, value: [0xCA, 0xFE]),
        ]
        #expect(client.receive(frame: Self.discovery(.pado, tags: offer, to: [2, 0, 0, 0, 0, 7]), now: .zero).isEmpty)
        #expect(client.phase == .discovery)
    }

    static func discovery(
        _ code: PPPoECode, session: UInt16 = 0, tags: [PPPoETag], to destination: [UInt8] = PPPoELab.clientMAC
    ) -> [UInt8] {
        EthernetFrame(
            destination: destination, source: PPPoELab.acMAC, etherType: EthernetFrame.pppoeDiscovery,
            payload: PPPoEPacket(code: code, sessionID: session, tags: tags).encode()
        ).encode()
    }

    @Test func vlanTaggedSession() throws {
        var lab = PPPoELab(
            client: PPPoELab.clientConfig { $0.vlan = 100 }, acs: [PPPoELab.acConfig { $0.vlan = 100 }])
        lab.start()
        lab.runUntilUp()
        #expect(lab.ups.count == 1)
        for frame in lab.clientFrames + lab.acFrames {
            #expect(try EthernetFrame.decode(frame).vlan?.id == 100)
        }
    }

    @Test func otherVLANIsNotAnswered() {
        var lab = PPPoELab(
            client: PPPoELab.clientConfig { $0.vlan = 100 }, acs: [PPPoELab.acConfig { $0.vlan = 200 }])
        lab.start()
        lab.run()
        #expect(lab.failure?.code == "no_access_concentrator")
    }

    @Test func priorityTaggedFramesFromTheACAreAccepted() {
        var lab = PPPoELab()
        lab.rewriteToClient = { frame in
            Array(frame[0..<12]) + [0x81, 0x00, 0xA0, 0x00] + Array(frame[12...])
        }
        lab.start()
        lab.runUntilUp()
        #expect(lab.ups.count == 1)
    }

    @Test func msCHAPIsNakedTowardsCHAPMD5() throws {
        var lab = PPPoELab(acs: [PPPoELab.acConfig { $0.auth = .msCHAPv2 }])
        lab.start()
        lab.runUntilUp()
        #expect(lab.ups.count == 1)
        let nak = try #require(lab.clientPackets(PPPFrame.lcp).first { $0.code == PPPControlPacket.configureNak })
        #expect(try nak.options() == [PPPAuthProtocol.chapMD5.option])
        #expect(lab.logs.contains { $0.contains("refused MS-CHAPv2") })
        #expect(!lab.clientPackets(PPPFrame.chap).isEmpty)
    }

    @Test func lcpPolicyNaksUnsupportedAuthWithCHAPThenPAP() {
        var policy = LCPPolicy(magicNumber: 1)
        let msChap = PPPAuthProtocol.msCHAPv2.option
        #expect(policy.judge(msChap) == .nak(PPPAuthProtocol.chapMD5.option))
        #expect(policy.judge(msChap) == .nak(PPPAuthProtocol.pap.option))
        #expect(policy.judge(PPPAuthProtocol.pap.option) == .ack)
    }

    @Test func configureRequestInOpenedRestartsNegotiation() throws {
        var lab = PPPoELab()
        lab.start()
        lab.runUntilUp()
        let requestsBefore = lab.clientPackets(PPPFrame.lcp).filter { $0.code == PPPControlPacket.configureRequest }
        let key = try #require(lab.acs[0].sessionKeys.first)
        lab.take(lab.acs[0].restartLCP(key, now: lab.now))
        lab.run { $0.ups.count == 2 }
        let requestsAfter = lab.clientPackets(PPPFrame.lcp).filter { $0.code == PPPControlPacket.configureRequest }
        #expect(requestsAfter.count == requestsBefore.count + 1)
        #expect(lab.ups.count == 2)
        #expect(lab.outcome == nil)
        #expect(lab.logs.contains("LCP restarted by the peer: renegotiating"))
    }

    @Test func padtForAnotherSessionOrMACIsIgnored() throws {
        var lab = PPPoELab()
        lab.start()
        lab.runUntilUp()
        let ours = try #require(lab.ups.first?.sessionID)
        lab.inject(Self.padt(session: ours &+ 1, from: PPPoELab.acMAC))
        lab.inject(Self.padt(session: ours, from: PPPoELab.secondACMAC))
        lab.inject(Self.padt(session: ours, from: PPPoELab.acMAC, to: [2, 0, 0, 0, 0, 9]))
        lab.run(for: .seconds(1))
        #expect(lab.outcome == nil)
        #expect(lab.client.phase == .up)
        lab.inject(Self.padt(session: ours, from: PPPoELab.acMAC))
        lab.run(for: .seconds(1))
        #expect(lab.failure == .linkLost(reason: "PADT from the access concentrator"))
    }

    @Test func padtWithABrokenTagListStillEndsTheSession() throws {
        var lab = PPPoELab()
        lab.start()
        lab.runUntilUp()
        let ours = try #require(lab.ups.first?.sessionID)
        let broken = EthernetFrame(
            destination: PPPoELab.clientMAC, source: PPPoELab.acMAC, etherType: EthernetFrame.pppoeDiscovery,
            payload: PPPoEPacket(code: .padt, sessionID: ours, payload: [0x02, 0x03, 0x00, 0x40, 0x41]).encode())
        lab.inject(broken.encode())
        lab.run(for: .seconds(1))
        #expect(lab.failure?.code == "link_lost")
    }

    @Test func sessionFramesOfAnotherSessionAreIgnored() throws {
        var lab = PPPoELab()
        lab.start()
        lab.runUntilUp()
        let ours = try #require(lab.ups.first?.sessionID)
        let terminate = PPPFrame(
            protocolNumber: PPPFrame.lcp, information: PPPControlPacket(code: 5, identifier: 9).encode())
        let frame = EthernetFrame(
            destination: PPPoELab.clientMAC, source: PPPoELab.acMAC, etherType: EthernetFrame.pppoeSession,
            payload: PPPoEPacket(code: .session, sessionID: ours &+ 1, payload: terminate.encode()).encode())
        lab.inject(frame.encode())
        lab.run(for: .seconds(1))
        #expect(lab.client.phase == .up)
    }

    @Test func peerTerminateRequestIsLinkLost() throws {
        var lab = PPPoELab()
        lab.start()
        lab.runUntilUp()
        let ours = try #require(lab.ups.first?.sessionID)
        let terminate = PPPFrame(
            protocolNumber: PPPFrame.lcp,
            information: PPPControlPacket(code: 5, identifier: 9, data: Array("admin reset".utf8)).encode())
        let frame = EthernetFrame(
            destination: PPPoELab.clientMAC, source: PPPoELab.acMAC, etherType: EthernetFrame.pppoeSession,
            payload: PPPoEPacket(code: .session, sessionID: ours, payload: terminate.encode()).encode())
        lab.inject(frame.encode())
        lab.run(for: .seconds(1))
        #expect(lab.failure == .linkLost(reason: "the peer sent LCP Terminate-Request \"admin reset\""))
        #expect(lab.clientPackets(PPPFrame.lcp).last?.code == PPPControlPacket.terminateAck)
    }

    @Test func echoTimeoutAfterTheConfiguredMisses() {
        var lab = PPPoELab(
            client: PPPoELab.clientConfig {
                $0.echoInterval = .seconds(5)
                $0.echoMisses = 3
            },
            acs: [PPPoELab.acConfig { $0.faults = [.stopEchoes(after: .seconds(12))] }])
        lab.start()
        lab.runUntilUp()
        let upAt = lab.now
        lab.run()
        #expect(lab.failure == .echoTimeout(misses: 3))
        // Echoes at +5 and +10 answered; +15, +20, +25 unanswered; the miss is declared at +30.
        #expect(lab.now == upAt + .seconds(30))
        #expect(lab.clientPackets(PPPFrame.lcp).filter { $0.code == PPPControlPacket.echoRequest }.count == 5)
    }

    @Test func answeredEchoesKeepTheSessionUp() {
        var lab = PPPoELab(client: PPPoELab.clientConfig { $0.echoInterval = .seconds(1) })
        lab.start()
        lab.runUntilUp()
        lab.run(for: .seconds(60))
        #expect(lab.outcome == nil)
        #expect(lab.clientPackets(PPPFrame.lcp).filter { $0.code == PPPControlPacket.echoRequest }.count == 60)
    }

    @Test func cleanCloseSendsTerminateThenPADT() {
        var lab = PPPoELab()
        lab.start()
        lab.runUntilUp()
        lab.take(lab.client.close(now: lab.now))
        lab.run()
        #expect(lab.outcome == .closed)
        #expect(lab.clientPackets(PPPFrame.lcp).last?.code == PPPControlPacket.terminateRequest)
        #expect(lab.clientDiscovery().last?.code == .padt)
        #expect(lab.acs[0].sessionKeys.isEmpty)
        #expect(lab.now < .seconds(1))
    }

    @Test func closeWhenThePeerIsSilentStillEnds() {
        var lab = PPPoELab()
        lab.start()
        lab.runUntilUp()
        lab.dropToClient = { _ in true }
        lab.take(lab.client.close(now: lab.now))
        let closedAt = lab.now
        lab.run()
        #expect(lab.outcome == .closed)
        #expect(lab.clientPackets(PPPFrame.lcp).filter { $0.code == PPPControlPacket.terminateRequest }.count == 2)
        #expect(lab.now == closedAt + .seconds(6))
    }

    @Test func smallerMRUOfThePeerIsTaken() throws {
        var lab = PPPoELab(acs: [PPPoELab.acConfig { $0.mru = 1400 }])
        lab.start()
        lab.runUntilUp()
        let info = try #require(lab.ups.first)
        #expect(info.mru == 1400)
        #expect(info.mss == 1360)
        let naked = lab.clientPackets(PPPFrame.lcp).filter { $0.code == PPPControlPacket.configureRequest }
        #expect(naked.last.map { try? $0.options().first { $0.type == 1 }?.u16 } == 1400)
    }

    @Test func mssIsClampedBothWays() throws {
        var lab = PPPoELab(acs: [PPPoELab.acConfig { $0.mru = 1400 }])
        lab.start()
        lab.runUntilUp()
        lab.take(lab.client.sendIPv4(FrameTests.tcpSYN(mss: 1460), now: lab.now))
        lab.run(for: .zero)
        let upstream = try #require(lab.acDelivered.first)
        #expect(Array(upstream[42..<44]) == [0x05, 0x50])  // 1360
        let downstream = FrameTests.tcpSYN(mss: 1460, source: [192, 0, 2, 1], destination: [10, 67, 0, 10])
        lab.take(lab.acs[0].sendIPv4(downstream, now: lab.now))
        lab.run(for: .zero)
        let received = try #require(lab.delivered.first)
        #expect(Array(received[42..<44]) == [0x05, 0x50])
        #expect(
            UInt16(received[36]) << 8 | UInt16(received[37])
                == TCPMSSClamp.tcpChecksum(received, ipHeader: 20, totalLength: received.count))
    }

    @Test func ipv4IsDroppedBeforeTheSessionIsUp() {
        var client = PPPoEClient(config: PPPoELab.clientConfig())
        _ = client.start(now: .zero)
        #expect(client.sendIPv4(FrameTests.tcpSYN(mss: 1460), now: .zero).isEmpty)
    }

    /// As with pppoe-server, whose pppd starts after the PADS: the client's first Configure-Request
    /// is lost; the access concentrator's own request shows it is listening, so the client sends
    /// its request again two PADR round trips later instead of after the 3-second restart timer.
    @Test func lostFirstConfigureRequestIsResentWhenThePeersArrives() throws {
        var lab = PPPoELab()
        lab.latency = .milliseconds(1)
        let lostOne = LostFirst()
        lab.dropToACs = { frame in lostOne.drop(frame) }
        lab.start()
        lab.runUntilUp()
        let timings = try #require(lab.ups.first?.timings)
        #expect(try #require(timings.lcp) < .milliseconds(100))
        #expect(lab.clientPackets(PPPFrame.lcp).filter { $0.code == PPPControlPacket.configureRequest }.count == 2)
    }

    @Test func lcpThatNeverConvergesFails() {
        var lab = PPPoELab()
        // Every LCP frame from the access concentrator is lost after the PADS.
        lab.dropToClient = { frame in
            guard let decoded = try? EthernetFrame.decode(frame) else { return false }
            return decoded.etherType == EthernetFrame.pppoeSession
        }
        lab.start()
        lab.run()
        #expect(lab.failure == .lcpNotConverged)
    }

    @Test func failuresHaveStableCodes() {
        let all: [PPPoEFailure] = [
            .noAccessConcentrator(attempts: 1, serviceName: "", acName: nil), .padoError(tag: "t", text: "x"),
            .padsError(tag: "t", text: "x"), .noSessionConfirmation(acName: "a"), .lcpNotConverged,
            .authenticationRejected(message: "m"), .authTimeout, .ipcpNotConverged, .echoTimeout(misses: 3),
            .linkLost(reason: "r"),
        ]
        #expect(Set(all.map(\.code)).count == all.count)
        for failure in all { #expect(failure.description.count > 40) }
    }

    static func padt(session: UInt16, from source: [UInt8], to destination: [UInt8] = PPPoELab.clientMAC) -> [UInt8] {
        EthernetFrame(
            destination: destination, source: source, etherType: EthernetFrame.pppoeDiscovery,
            payload: PPPoEPacket(code: .padt, sessionID: session, tags: []).encode()
        ).encode()
    }
}

/// Drops the first packet of one protocol and code it sees (by default an LCP Configure-Request).
final class LostFirst: @unchecked Sendable {
    // Only the lab's single-threaded run loop calls `drop`, so the flag needs no lock.
    private var dropped = false
    private let protocolNumber: UInt16
    private let code: UInt8

    init(protocolNumber: UInt16 = PPPFrame.lcp, code: UInt8 = PPPControlPacket.configureRequest) {
        self.protocolNumber = protocolNumber
        self.code = code
    }

    func drop(_ bytes: [UInt8]) -> Bool {
        guard !dropped, let frame = try? EthernetFrame.decode(bytes), frame.etherType == EthernetFrame.pppoeSession,
            let packet = try? PPPoEPacket.decode(frame.payload), let ppp = try? PPPFrame.decode(packet.payload),
            ppp.protocolNumber == protocolNumber, ppp.information.first == code
        else { return false }
        dropped = true
        return true
    }
}
