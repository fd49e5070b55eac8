/// The PPPoE client as a pure state machine: discovery, LCP, PAP/CHAP, IPCP, echo and teardown.
///
/// It performs no I/O: the owner passes in every frame from the wire (`receive(frame:now:)`),
/// calls `tick(now:)` at or after `nextDeadline`, and carries out the returned actions in order.
/// `now` is monotonic time from any origin the owner chooses, the same origin on every call.
/// Frames for another MAC, another session id or another VLAN are ignored.
public struct PPPoEClient: Sendable {
    /// The configuration the client was made with.
    public let config: PPPoEClientConfig
    /// Where the dial is.
    public private(set) var phase: PPPoEPhase = .idle
    /// The session while it is up (kept after it ends, for its timings).
    public private(set) var session: PPPoESessionInfo?
    /// The phases' timings so far (also for a dial that failed).
    public private(set) var timings = PPPoETimings()
    /// The outcome, once finished.
    public private(set) var outcome: PPPoEOutcome?

    struct Offer: Sendable {
        var mac: [UInt8]
        var name: String
        var serviceName: PPPoETag
        var cookie: PPPoETag?
        var relay: PPPoETag?
    }

    private var attempts = 0
    private var wait: Duration
    private var discoveryDeadline: Duration?
    private var firstPADI: Duration?
    private var firstPADR: Duration?
    private var lastPADR: Duration = .zero
    private var discoveryError: PPPoEFailure?
    private var offer: Offer?
    private var sessionID: UInt16 = 0
    private var phaseStarted: Duration = .zero
    private var lcpOpenedAt: Duration?
    private var authDoneAt: Duration?
    private var lcp: PPPNegotiator<LCPPolicy>
    private var ipcp: PPPNegotiator<IPCPPolicy>
    private var pap: PAPClient?
    private var chap: CHAPClient?
    private var echoDeadline: Duration?
    private var echoOutstanding = 0
    private var lcpExtraID: UInt8 = 0x80

    /// Makes an idle client.
    public init(config: PPPoEClientConfig) {
        self.config = config
        self.wait = config.discoveryTimeout
        self.lcp = PPPNegotiator(
            policy: LCPPolicy(desiredMRU: config.mru, magicNumber: config.magicNumber),
            restartTimer: config.restartTimer)
        self.ipcp = PPPNegotiator(policy: IPCPPolicy(), restartTimer: config.restartTimer)
    }

    /// When `tick(now:)` next has work; nil when nothing is pending.
    public var nextDeadline: Duration? {
        switch phase {
        case .idle, .finished: return nil
        case .discovery, .request: return discoveryDeadline
        case .lcp, .authentication, .ipcp:
            return [phaseStarted + config.phaseTimeout, lcp.deadline, ipcp.deadline, pap?.deadline].compactMap { $0 }
                .min()
        case .up: return [echoDeadline, lcp.deadline, ipcp.deadline].compactMap { $0 }.min()
        case .terminating: return [lcp.deadline, phaseStarted + config.phaseTimeout].compactMap { $0 }.min()
        }
    }

    /// Starts the dial: sends the first PADI.
    public mutating func start(now: Duration) -> [PPPoEAction] {
        guard phase == .idle else { return [] }
        phase = .discovery
        firstPADI = now
        return sendPADI(now: now)
    }

    /// Runs the timers: retransmissions, phase timeouts, echoes.
    public mutating func tick(now: Duration) -> [PPPoEAction] {
        switch phase {
        case .idle, .finished:
            return []
        case .discovery:
            guard let discoveryDeadline, now >= discoveryDeadline else { return [] }
            if let discoveryError { return fail(discoveryError, now: now) }
            if attempts >= config.discoveryAttempts {
                return fail(
                    .noAccessConcentrator(attempts: attempts, serviceName: config.serviceName, acName: config.acName),
                    now: now)
            }
            return sendPADI(now: now)
        case .request:
            guard let discoveryDeadline, now >= discoveryDeadline, let offer else { return [] }
            if attempts >= config.discoveryAttempts {
                return fail(.noSessionConfirmation(acName: offer.name), now: now)
            }
            return sendPADR(now: now)
        case .lcp, .authentication, .ipcp:
            if now >= phaseStarted + config.phaseTimeout {
                switch phase {
                case .lcp: return fail(.lcpNotConverged, now: now)
                case .authentication: return fail(.authTimeout, now: now)
                default: return fail(.ipcpNotConverged, now: now)
                }
            }
            var actions = handleLCP(lcp.tick(now: now), now: now)
            if phase == .ipcp { actions += handleIPCP(ipcp.tick(now: now), now: now) }
            if phase == .authentication, var client = pap {
                let outputs = client.tick(now: now)
                pap = client
                actions += handleAuth(outputs, protocolNumber: PPPFrame.pap, now: now)
            }
            return actions
        case .up:
            var actions = handleLCP(lcp.tick(now: now), now: now)
            if phase == .up { actions += handleIPCP(ipcp.tick(now: now), now: now) }
            if phase == .up, let echoDeadline, now >= echoDeadline { actions += echo(now: now) }
            return actions
        case .terminating:
            if now >= phaseStarted + config.phaseTimeout { return finishTerminating(now: now) }
            return handleLCP(lcp.tick(now: now), now: now)
        }
    }

    /// Feeds one frame from the wire (any frame: those not for this session are ignored).
    public mutating func receive(frame bytes: [UInt8], now: Duration) -> [PPPoEAction] {
        guard phase != .idle, phase != .finished, let frame = try? EthernetFrame.decode(bytes),
            frame.destination == config.macAddress, vlanMatches(frame.vlan)
        else { return [] }
        switch frame.etherType {
        case EthernetFrame.pppoeDiscovery:
            guard let packet = try? PPPoEPacket.decode(frame.payload) else { return [] }
            // Tags are read leniently: a PADT with a broken tag list still ends our session, and
            // an offer or confirmation without a readable Host-Uniq fails its check anyway.
            let tags = (try? packet.tags()) ?? []
            return discovery(packet, tags: tags, from: frame.source, now: now)
        case EthernetFrame.pppoeSession:
            guard let offer, sessionID != 0, frame.source == offer.mac,
                let packet = try? PPPoEPacket.decode(frame.payload), packet.code == .session,
                packet.sessionID == sessionID, let ppp = try? PPPFrame.decode(packet.payload)
            else { return [] }
            return sessionFrame(ppp, now: now)
        default:
            return []
        }
    }

    /// Sends an IPv4 packet from the TUN through the session (TCP MSS clamped); dropped unless up.
    public mutating func sendIPv4(_ packet: [UInt8], now: Duration) -> [PPPoEAction] {
        guard phase == .up, let session else { return [] }
        var packet = packet
        TCPMSSClamp.clamp(&packet, maxMSS: session.mss)
        return [sessionSend(PPPFrame.ipv4, packet)]
    }

    /// Hangs up: LCP Terminate-Request, then a PADT once acknowledged (or timed out).
    public mutating func close(now: Duration) -> [PPPoEAction] {
        switch phase {
        case .idle, .finished, .terminating:
            return []
        case .discovery, .request:
            return finish(.closed, now: now)
        case .lcp, .authentication, .ipcp, .up:
            phase = .terminating
            phaseStarted = now
            echoDeadline = nil
            var actions: [PPPoEAction] = [.log("closing the session: LCP Terminate-Request")]
            actions += handleLCP(lcp.close(now: now), now: now)
            if phase == .terminating, lcp.deadline == nil { actions += finishTerminating(now: now) }
            return actions
        }
    }

    // MARK: - Discovery

    private func vlanMatches(_ tag: VLANTag?) -> Bool {
        if let vlan = config.vlan { return tag?.id == vlan }
        return tag == nil || tag?.id == 0
    }

    private mutating func sendPADI(now: Duration) -> [PPPoEAction] {
        attempts += 1
        discoveryDeadline = now + wait
        wait = min(wait * 2, max(config.discoveryTimeoutCap, config.discoveryTimeout))
        var tags = [PPPoETag(type: PPPoETag.serviceName, text: config.serviceName)]
        if !config.hostUniq.isEmpty { tags.append(PPPoETag(type: PPPoETag.hostUniq, value: config.hostUniq)) }
        let padi = PPPoEPacket(code: .padi, tags: tags)
        return [
            .log("PADI \(attempts)/\(config.discoveryAttempts) sent"),
            .send(ethernet(EthernetFrame.pppoeDiscovery, padi, to: EthernetFrame.broadcast)),
        ]
    }

    private mutating func sendPADR(now: Duration) -> [PPPoEAction] {
        guard let offer else { return [] }
        attempts += 1
        lastPADR = now
        discoveryDeadline = now + wait
        wait = min(wait * 2, max(config.discoveryTimeoutCap, config.discoveryTimeout))
        var tags = [offer.serviceName]
        if !config.hostUniq.isEmpty { tags.append(PPPoETag(type: PPPoETag.hostUniq, value: config.hostUniq)) }
        if let cookie = offer.cookie { tags.append(cookie) }
        if let relay = offer.relay { tags.append(relay) }
        let padr = PPPoEPacket(code: .padr, tags: tags)
        return [
            .log("PADR \(attempts)/\(config.discoveryAttempts) sent to \"\(offer.name)\""),
            .send(ethernet(EthernetFrame.pppoeDiscovery, padr, to: offer.mac)),
        ]
    }

    private mutating func discovery(
        _ packet: PPPoEPacket, tags: [PPPoETag], from source: [UInt8], now: Duration
    ) -> [PPPoEAction] {
        let hostUniqOK = config.hostUniq.isEmpty || tags.first(PPPoETag.hostUniq)?.value == config.hostUniq
        switch packet.code {
        case .pado:
            guard phase == .discovery || phase == .request else { return [] }
            let name = tags.first(PPPoETag.acName)?.text ?? ""
            let services = tags.filter { $0.type == PPPoETag.serviceName }
            let serviceList = services.map { "\"\($0.text)\"" }.joined(separator: ", ")
            var actions: [PPPoEAction] = [
                .log("PADO from AC \"\(name)\" (\(source.macText)) services [\(serviceList)]")
            ]
            guard hostUniqOK else { return actions + [.log("PADO ignored: its Host-Uniq is not ours")] }
            if let error = tags.first(where: \.isError) {
                discoveryError = discoveryError ?? .padoError(tag: error.name, text: error.text)
                return actions + [.log("PADO from \"\(name)\" carries \(error.name) \"\(error.text)\"")]
            }
            guard phase == .discovery else { return actions + [.log("PADO ignored: already chose an offer")] }
            if let wanted = config.acName, wanted != name {
                return actions + [.log("PADO ignored: AC-Name is not \"\(wanted)\"")]
            }
            let service =
                config.serviceName.isEmpty
                ? services.first ?? PPPoETag(type: PPPoETag.serviceName)
                : services.first { $0.text == config.serviceName }
            guard let service else {
                return actions + [.log("PADO ignored: service \"\(config.serviceName)\" not offered")]
            }
            offer = Offer(
                mac: source, name: name, serviceName: service, cookie: tags.first(PPPoETag.acCookie),
                relay: tags.first(PPPoETag.relaySessionID))
            timings.padiToPado = now - (firstPADI ?? now)
            phase = .request
            attempts = 0
            wait = config.discoveryTimeout
            firstPADR = now
            actions.append(.log("taking the offer of \"\(name)\""))
            return actions + sendPADR(now: now)
        case .pads:
            guard phase == .request, let offer, source == offer.mac, hostUniqOK else { return [] }
            if let error = tags.first(where: \.isError) {
                return fail(.padsError(tag: error.name, text: error.text), now: now)
            }
            guard packet.sessionID != 0 else {
                return fail(.padsError(tag: "session id", text: "the PADS carried session id 0"), now: now)
            }
            sessionID = packet.sessionID
            timings.padrToPads = now - (firstPADR ?? now)
            // The last PADR's round trip: LCP uses it to tell a lost first request from a slow peer.
            lcp.peerRoundTrip = now - lastPADR
            phase = .lcp
            phaseStarted = now
            discoveryDeadline = nil
            var actions: [PPPoEAction] = [.log("PADS: session \(sessionID) with \"\(offer.name)\"")]
            actions += handleLCP(lcp.up(now: now), now: now)
            actions += handleLCP(lcp.open(now: now), now: now)
            return actions
        case .padt:
            guard let offer, sessionID != 0, packet.sessionID == sessionID, source == offer.mac else {
                return [.log("PADT for session \(packet.sessionID) from \(source.macText) ignored: not our session")]
            }
            if phase == .terminating { return finish(.closed, now: now) }
            let text = tags.first(where: \.isError).map { ": \($0.name) \"\($0.text)\"" } ?? ""
            sessionID = 0  // the AC already ended it: no PADT back
            return fail(.linkLost(reason: "PADT from the access concentrator\(text)"), now: now)
        case .padi, .padr, .session:
            return []
        }
    }

    // MARK: - Session

    private mutating func sessionFrame(_ ppp: PPPFrame, now: Duration) -> [PPPoEAction] {
        switch ppp.protocolNumber {
        case PPPFrame.lcp:
            guard let packet = try? PPPControlPacket.decode(ppp.information, layer: "LCP") else { return [] }
            if packet.code == PPPControlPacket.terminateRequest, phase != .terminating {
                // The peer hangs up: acknowledge, then end with its reason (no renegotiation).
                phase = .terminating
                var actions = handleLCP(lcp.receive(packet, now: now), now: now)
                let text = String(decoding: packet.data, as: UTF8.self)
                let reason = "the peer sent LCP Terminate-Request" + (text.isEmpty ? "" : " \"\(text)\"")
                if phase != .finished { actions += fail(.linkLost(reason: reason), now: now) }
                return actions
            }
            return handleLCP(lcp.receive(packet, now: now), now: now)
        case PPPFrame.pap:
            guard phase == .authentication, var client = pap else { return [] }
            let outputs = client.receive(ppp.information, now: now)
            pap = client
            return handleAuth(outputs, protocolNumber: PPPFrame.pap, now: now)
        case PPPFrame.chap:
            guard phase == .authentication || phase == .ipcp || phase == .up, var client = chap else { return [] }
            let outputs = client.receive(ppp.information, now: now)
            chap = client
            return handleAuth(outputs, protocolNumber: PPPFrame.chap, now: now)
        case PPPFrame.ipcp:
            guard phase == .ipcp || phase == .up,
                let packet = try? PPPControlPacket.decode(ppp.information, layer: "IPCP")
            else { return [] }
            return handleIPCP(ipcp.receive(packet, now: now), now: now)
        case PPPFrame.ipv4:
            guard phase == .up, let session else { return [] }
            var packet = ppp.information
            TCPMSSClamp.clamp(&packet, maxMSS: session.mss)
            return [.deliverIPv4(packet)]
        default:
            // IPv6CP, CCP, ...: refused with an LCP Protocol-Reject once LCP is open.
            guard lcp.state == .opened else { return [] }
            lcpExtraID &+= 1
            let reject = PPPControlPacket(
                code: PPPControlPacket.protocolReject, identifier: lcpExtraID,
                data: .u16(ppp.protocolNumber) + ppp.information.prefix(max(0, lcp.policy.mru - 10)))
            return [sessionSend(PPPFrame.lcp, reject.encode())]
        }
    }

    private mutating func handleLCP(_ outputs: [PPPNegotiatorOutput], now: Duration) -> [PPPoEAction] {
        var actions: [PPPoEAction] = []
        for output in outputs {
            guard phase != .finished else { break }
            switch output {
            case .send(let packet):
                actions.append(sessionSend(PPPFrame.lcp, packet.encode()))
            case .layerUp:
                actions += lcpOpened(now: now)
            case .layerDown:
                guard phase != .terminating else { continue }
                // The peer restarted LCP (a Configure-Request while opened): everything above LCP
                // starts again once LCP reopens.
                actions.append(.log("LCP restarted by the peer: renegotiating"))
                phase = .lcp
                phaseStarted = now
                echoDeadline = nil
                pap = nil
                chap = nil
                ipcp = PPPNegotiator(policy: IPCPPolicy(), restartTimer: config.restartTimer)
            case .layerStarted:
                break
            case .layerFinished:
                if phase == .terminating {
                    actions += finishTerminating(now: now)
                } else if phase == .lcp {
                    actions += fail(.lcpNotConverged, now: now)
                } else {
                    actions += fail(.linkLost(reason: "LCP closed by the peer"), now: now)
                }
            case .received(let packet):
                actions += lcpExtra(packet, now: now)
            }
        }
        return actions
    }

    private mutating func lcpOpened(now: Duration) -> [PPPoEAction] {
        lcpOpenedAt = now
        timings.lcp = now - phaseStarted
        let policy = lcp.policy
        var actions: [PPPoEAction] = [
            .log("LCP open: MRU \(policy.mru), authentication \(policy.peerAuth?.name ?? "none")")
        ]
        if !policy.refusedAuth.isEmpty {
            actions.append(
                .log("refused \(policy.refusedAuth.map(\.name).joined(separator: ", ")) with a Configure-Nak"))
        }
        phaseStarted = now
        switch policy.peerAuth {
        case .pap:
            phase = .authentication
            var client = PAPClient(
                username: config.username, password: config.password, restartTimer: config.restartTimer)
            let outputs = client.start(now: now)
            pap = client
            actions += handleAuth(outputs, protocolNumber: PPPFrame.pap, now: now)
        case .chapMD5:
            phase = .authentication
            chap = CHAPClient(username: config.username, password: config.password)
        case .other, nil:
            actions += authenticated(now: now)
        }
        return actions
    }

    private mutating func lcpExtra(_ packet: PPPControlPacket, now: Duration) -> [PPPoEAction] {
        switch packet.code {
        case PPPControlPacket.echoRequest:
            let reply = PPPControlPacket(
                code: PPPControlPacket.echoReply, identifier: packet.identifier,
                data: .u32(lcp.policy.magicNumber) + packet.data.dropFirst(4))
            return [sessionSend(PPPFrame.lcp, reply.encode())]
        case PPPControlPacket.echoReply:
            echoOutstanding = 0
            return []
        case PPPControlPacket.protocolReject:
            let rejected = packet.data.count >= 2 ? UInt16(packet.data[0]) << 8 | UInt16(packet.data[1]) : 0
            if rejected == PPPFrame.ipcp { return fail(.ipcpNotConverged, now: now) }
            return []
        default:
            return []
        }
    }

    private mutating func handleAuth(_ outputs: [PPPAuthOutput], protocolNumber: UInt16, now: Duration)
        -> [PPPoEAction]
    {
        var actions: [PPPoEAction] = []
        for output in outputs {
            switch output {
            case .send(let information):
                actions.append(sessionSend(protocolNumber, information))
            case .succeeded(let message):
                guard phase == .authentication else { continue }
                actions.append(.log("authenticated" + (message.isEmpty ? "" : ": \"\(message)\"")))
                actions += authenticated(now: now)
            case .failed(let message):
                actions += fail(.authenticationRejected(message: message), now: now)
            case .timedOut:
                actions += fail(.authTimeout, now: now)
            }
        }
        return actions
    }

    private mutating func authenticated(now: Duration) -> [PPPoEAction] {
        authDoneAt = now
        timings.authentication = now - (lcpOpenedAt ?? now)
        phase = .ipcp
        phaseStarted = now
        return handleIPCP(ipcp.up(now: now), now: now) + handleIPCP(ipcp.open(now: now), now: now)
    }

    private mutating func handleIPCP(_ outputs: [PPPNegotiatorOutput], now: Duration) -> [PPPoEAction] {
        var actions: [PPPoEAction] = []
        for output in outputs {
            guard phase != .finished else { break }
            switch output {
            case .send(let packet):
                actions.append(sessionSend(PPPFrame.ipcp, packet.encode()))
            case .layerUp:
                actions += ipcpOpened(now: now)
            case .layerDown:
                actions.append(.log("IPCP restarted by the peer"))
                if phase == .up { phase = .ipcp }
                phaseStarted = now
            case .layerFinished:
                actions += fail(.ipcpNotConverged, now: now)
            case .layerStarted, .received:
                break
            }
        }
        return actions
    }

    private mutating func ipcpOpened(now: Duration) -> [PPPoEAction] {
        let policy = ipcp.policy
        guard policy.localAddress != [0, 0, 0, 0], let offer else { return fail(.ipcpNotConverged, now: now) }
        timings.ipcp = now - (authDoneAt ?? now)
        timings.total = now - (firstPADI ?? now)
        let info = PPPoESessionInfo(
            sessionID: sessionID, acMAC: offer.mac, acName: offer.name, localIP: policy.localAddress,
            peerIP: policy.peerAddress ?? [0, 0, 0, 0], dns: policy.dns, mru: lcp.policy.mru, timings: timings)
        session = info
        phase = .up
        echoOutstanding = 0
        echoDeadline = now + config.echoInterval
        return [
            .log(
                "IPCP open: \(info.localIP.ipv4Text) peer \(info.peerIP.ipv4Text) "
                    + "DNS \(info.dns.map(\.ipv4Text).joined(separator: " ")) MRU \(info.mru) MSS \(info.mss)"),
            .up(info),
        ]
    }

    private mutating func echo(now: Duration) -> [PPPoEAction] {
        if echoOutstanding >= config.echoMisses { return fail(.echoTimeout(misses: echoOutstanding), now: now) }
        echoOutstanding += 1
        echoDeadline = now + config.echoInterval
        lcpExtraID &+= 1
        let request = PPPControlPacket(
            code: PPPControlPacket.echoRequest, identifier: lcpExtraID, data: .u32(lcp.policy.magicNumber))
        return [sessionSend(PPPFrame.lcp, request.encode())]
    }

    // MARK: - Ending

    private mutating func finishTerminating(now: Duration) -> [PPPoEAction] {
        padt() + finish(.closed, now: now)
    }

    private mutating func fail(_ failure: PPPoEFailure, now: Duration) -> [PPPoEAction] {
        padt() + finish(.failed(failure), now: now)
    }

    /// A PADT for our session, once there is one; at most once.
    private mutating func padt() -> [PPPoEAction] {
        guard let offer, sessionID != 0 else { return [] }
        let packet = PPPoEPacket(code: .padt, sessionID: sessionID, tags: [])
        sessionID = 0
        return [.send(ethernet(EthernetFrame.pppoeDiscovery, packet, to: offer.mac))]
    }

    private mutating func finish(_ result: PPPoEOutcome, now: Duration) -> [PPPoEAction] {
        guard phase != .finished else { return [] }
        phase = .finished
        outcome = result
        discoveryDeadline = nil
        echoDeadline = nil
        let line =
            switch result {
            case .closed: "session closed"
            case .failed(let failure): "failed (\(failure.code)): \(failure)"
            }
        return [.log(line), .finished(result)]
    }

    // MARK: - Framing

    private func ethernet(_ etherType: UInt16, _ packet: PPPoEPacket, to destination: [UInt8]) -> [UInt8] {
        EthernetFrame(
            destination: destination, source: config.macAddress, vlan: config.vlan.map { VLANTag(id: $0) },
            etherType: etherType, payload: packet.encode()
        ).encode()
    }

    private func sessionSend(_ protocolNumber: UInt16, _ information: [UInt8]) -> PPPoEAction {
        let ppp = PPPFrame(protocolNumber: protocolNumber, information: information)
        let packet = PPPoEPacket(code: .session, sessionID: sessionID, payload: ppp.encode())
        return .send(ethernet(EthernetFrame.pppoeSession, packet, to: offer?.mac ?? EthernetFrame.broadcast))
    }
}
