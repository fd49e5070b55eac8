import Crypto

/// How the simulated access concentrator behaves: its names, accounts, addresses and faults.
public struct PPPoEAccessConcentratorConfig: Sendable {
    /// A fault the access concentrator can be told to show.
    public enum Fault: Sendable, Equatable {
        /// Ignores every frame (no PADO: "no access concentrator").
        case noAnswer
        /// Stops answering LCP Echo-Requests this long after a session came up.
        case stopEchoes(after: Duration)
        /// Refuses every authentication, whatever the password.
        case rejectAll
        /// Answers every PADR with a PADS carrying Generic-Error and this text.
        case padsError(String)
    }

    /// The access concentrator's MAC address, 6 bytes.
    public var macAddress: [UInt8]
    /// AC-Name in its PADOs.
    public var acName: String = "ftth-sim-bras"
    /// Service-Names it offers; a PADI asking another one gets no answer.
    public var serviceNames: [String] = ["internet"]
    /// Accounts: user name → password.
    public var accounts: [String: String] = [:]
    /// The authentication it asks in LCP (`PPPAuthProtocol.msCHAPv2` first, to check a client's
    /// Configure-Nak, falls back to what the Nak suggests).
    public var auth: PPPAuthProtocol = .pap
    /// The MRU it asks, and the largest it lets a client ask.
    public var mru: Int = 1492
    /// Its own address in IPCP.
    public var serverAddress: [UInt8] = [10, 67, 0, 1]
    /// The first client address; each session takes the next one.
    public var firstClientAddress: [UInt8] = [10, 67, 0, 10]
    /// DNS servers handed out.
    public var dns: [[UInt8]] = [[10, 67, 0, 1], [10, 67, 0, 2]]
    /// The 802.1Q VLAN it serves; nil = untagged or VLAN 0.
    public var vlan: UInt16? = nil
    /// LCP/IPCP retransmission period.
    public var restartTimer: Duration = .seconds(3)
    /// The faults to show.
    public var faults: [Fault] = []
    /// Faults of one account's sessions only, by user name (a PADI names no account, so they show
    /// from authentication on): `noAnswer` leaves its authentication requests unanswered (a RADIUS
    /// server that is down), `stopEchoes(after:)` silences its echoes, `rejectAll` refuses it.
    public var accountFaults: [String: [Fault]] = [:]

    /// Makes a configuration with the defaults above.
    public init(macAddress: [UInt8], accounts: [String: String] = [:]) {
        precondition(macAddress.count == 6, "a MAC address is 6 bytes")
        self.macAddress = macAddress
        self.accounts = accounts
    }
}

/// A small access concentrator as a pure state machine: PPPoE discovery, LCP, PAP or CHAP-MD5
/// against its accounts, IPCP (address and DNS), echo replies and IPv4 forwarding, for several
/// sessions at once. Used by the demo's simulated BRAS and as the client's peer in tests.
///
/// Like `PPPoEClient` it performs no I/O: frames in, actions out, time passed in. It is a test
/// double, not a BRAS: no RADIUS, no accounting, no IPv6, no session limits.
public struct PPPoEAccessConcentrator: Sendable {
    /// A session's identity: the client's MAC and the session id.
    public struct SessionKey: Sendable, Hashable {
        /// The client's MAC address.
        public var mac: [UInt8]
        /// The PPPoE session id.
        public var sessionID: UInt16
    }

    /// What the access concentrator asks its owner to do.
    public enum Action: Sendable, Equatable {
        /// Put this Ethernet frame on the wire.
        case send([UInt8])
        /// An IPv4 packet a client sent through its session.
        case deliverIPv4(session: SessionKey, packet: [UInt8])
        /// A line for the log.
        case log(String)
        /// A session is up: the client's address and account.
        case sessionUp(SessionKey, address: [UInt8], username: String)
        /// A session ended.
        case sessionDown(SessionKey, reason: String)
    }

    struct Session: Sendable {
        var key: SessionKey
        var vlan: VLANTag?
        var lcp: PPPNegotiator<LCPPolicy>
        var ipcp: PPPNegotiator<IPCPServerPolicy>
        var address: [UInt8]
        var authenticated = false
        var username = ""
        var challenge: [UInt8] = []
        var challengeID: UInt8 = 0
        var upSince: Duration?
    }

    /// The configuration.
    public let config: PPPoEAccessConcentratorConfig
    private var sessions: [SessionKey: Session] = [:]
    private var nextSessionID: UInt16 = 1
    private var counter: UInt32 = 0

    /// Makes an access concentrator with no sessions.
    public init(config: PPPoEAccessConcentratorConfig) {
        self.config = config
    }

    /// The sessions now open (any phase).
    public var sessionKeys: [SessionKey] { Array(sessions.keys) }

    /// When `tick(now:)` next has work.
    public var nextDeadline: Duration? {
        sessions.values.flatMap { [$0.lcp.deadline, $0.ipcp.deadline] }.compactMap { $0 }.min()
    }

    /// Runs the sessions' restart timers.
    public mutating func tick(now: Duration) -> [Action] {
        var actions: [Action] = []
        for key in sessions.keys.sorted(by: { $0.sessionID < $1.sessionID }) {
            guard var session = sessions[key] else { continue }
            let lcpOut = session.lcp.tick(now: now)
            let ipcpOut = session.ipcp.tick(now: now)
            sessions[key] = session
            actions += handleLCP(lcpOut, key: key, now: now)
            actions += handleIPCP(ipcpOut, key: key, now: now)
        }
        return actions
    }

    /// Feeds one frame from the wire.
    public mutating func receive(frame bytes: [UInt8], now: Duration) -> [Action] {
        guard !config.faults.contains(.noAnswer), let frame = try? EthernetFrame.decode(bytes),
            frame.destination == config.macAddress || frame.destination == EthernetFrame.broadcast
        else { return [] }
        if let vlan = config.vlan {
            guard frame.vlan?.id == vlan else { return [] }
        } else {
            guard frame.vlan == nil || frame.vlan?.id == 0 else { return [] }
        }
        guard let packet = try? PPPoEPacket.decode(frame.payload) else { return [] }
        switch frame.etherType {
        case EthernetFrame.pppoeDiscovery:
            guard let tags = try? packet.tags() else { return [] }
            return discovery(packet, tags: tags, frame: frame, now: now)
        case EthernetFrame.pppoeSession:
            let key = SessionKey(mac: frame.source, sessionID: packet.sessionID)
            guard packet.code == .session, sessions[key] != nil, let ppp = try? PPPFrame.decode(packet.payload)
            else { return [] }
            return sessionFrame(ppp, key: key, now: now)
        default:
            return []
        }
    }

    /// Sends an IPv4 packet to the session holding its destination address; dropped if none.
    public mutating func sendIPv4(_ packet: [UInt8], now: Duration) -> [Action] {
        guard packet.count >= 20 else { return [] }
        let destination = Array(packet[16..<20])
        guard let session = sessions.values.first(where: { $0.address == destination && $0.upSince != nil }) else {
            return []
        }
        var clamped = packet
        TCPMSSClamp.clamp(&clamped, maxMSS: session.lcp.policy.mru - 40)
        return [send(session, PPPFrame.ipv4, clamped)]
    }

    /// Restarts LCP on a session that is up (a Configure-Request while opened), as a BRAS does
    /// when its PPP profile changes.
    public mutating func restartLCP(_ key: SessionKey, now: Duration) -> [Action] {
        guard var session = sessions[key] else { return [] }
        session.lcp = newLCP()
        session.ipcp = newIPCP(address: session.address)
        session.authenticated = false
        session.upSince = nil
        let outputs = session.lcp.up(now: now) + session.lcp.open(now: now)
        sessions[key] = session
        return [.log("session \(key.sessionID): restarting LCP")] + handleLCP(outputs, key: key, now: now)
    }

    /// Ends a session with a PADT (the BRAS hangs up).
    public mutating func terminate(_ key: SessionKey, now: Duration) -> [Action] {
        guard let session = sessions.removeValue(forKey: key) else { return [] }
        let padt = PPPoEPacket(code: .padt, sessionID: key.sessionID, tags: [])
        return [
            .send(ethernet(EthernetFrame.pppoeDiscovery, padt, to: key.mac, vlan: session.vlan)),
            .sessionDown(key, reason: "terminated by the access concentrator"),
        ]
    }

    // MARK: - Discovery

    private func cookie(for mac: [UInt8]) -> [UInt8] {
        var md5 = Insecure.MD5()
        md5.update(data: config.macAddress + mac + Array(config.acName.utf8))
        return Array(md5.finalize())
    }

    private mutating func discovery(
        _ packet: PPPoEPacket, tags: [PPPoETag], frame: EthernetFrame, now: Duration
    ) -> [Action] {
        let asked = tags.first(PPPoETag.serviceName)?.text ?? ""
        let offered = asked.isEmpty || config.serviceNames.contains(asked)
        var echoed: [PPPoETag] = []
        if let hostUniq = tags.first(PPPoETag.hostUniq) { echoed.append(hostUniq) }
        if let relay = tags.first(PPPoETag.relaySessionID) { echoed.append(relay) }
        switch packet.code {
        case .padi:
            guard offered else { return [.log("PADI for service \"\(asked)\" from \(frame.source.macText) ignored")] }
            let services = asked.isEmpty ? config.serviceNames : [asked]
            let reply =
                [PPPoETag(type: PPPoETag.acName, text: config.acName)]
                + services.map { PPPoETag(type: PPPoETag.serviceName, text: $0) }
                + [PPPoETag(type: PPPoETag.acCookie, value: cookie(for: frame.source))] + echoed
            return [
                .send(
                    ethernet(
                        EthernetFrame.pppoeDiscovery, PPPoEPacket(code: .pado, tags: reply), to: frame.source,
                        vlan: frame.vlan))
            ]
        case .padr:
            guard frame.destination == config.macAddress,
                tags.first(PPPoETag.acCookie)?.value == cookie(for: frame.source)
            else { return [.log("PADR from \(frame.source.macText) without our cookie ignored")] }
            let base = [PPPoETag(type: PPPoETag.serviceName, text: asked)] + echoed
            var error: PPPoETag?
            if !offered { error = PPPoETag(type: PPPoETag.serviceNameError, text: "service \"\(asked)\" not offered") }
            for case .padsError(let text) in config.faults { error = PPPoETag(type: PPPoETag.genericError, text: text) }
            if let error {
                let pads = PPPoEPacket(code: .pads, sessionID: 0, tags: base + [error])
                return [.send(ethernet(EthernetFrame.pppoeDiscovery, pads, to: frame.source, vlan: frame.vlan))]
            }
            let key = SessionKey(mac: frame.source, sessionID: nextSessionID)
            nextSessionID = nextSessionID == 0xFFFE ? 1 : nextSessionID + 1
            let address = freeAddress()
            var session = Session(
                key: key, vlan: frame.vlan, lcp: newLCP(), ipcp: newIPCP(address: address), address: address)
            let pads = PPPoEPacket(code: .pads, sessionID: key.sessionID, tags: base)
            let outputs = session.lcp.up(now: now) + session.lcp.open(now: now)
            sessions[key] = session
            return [
                .log("session \(key.sessionID) for \(key.mac.macText)"),
                .send(ethernet(EthernetFrame.pppoeDiscovery, pads, to: frame.source, vlan: frame.vlan)),
            ] + handleLCP(outputs, key: key, now: now)
        case .padt:
            let key = SessionKey(mac: frame.source, sessionID: packet.sessionID)
            guard sessions.removeValue(forKey: key) != nil else { return [] }
            return [.sessionDown(key, reason: "PADT from the client")]
        case .pado, .pads, .session:
            return []
        }
    }

    /// The first address from `firstClientAddress` on that no session holds.
    private func freeAddress() -> [UInt8] {
        let used = Set(sessions.values.map(\.address))
        var address = config.firstClientAddress
        for _ in 0..<256 where used.contains(address) { address[3] &+= 1 }
        return address
    }

    private func newLCP() -> PPPNegotiator<LCPPolicy> {
        var policy = LCPPolicy(desiredMRU: config.mru, magicNumber: 0x5EED_0000 | UInt32(nextSessionID))
        policy.requestedAuth = config.auth
        policy.maximumPeerMRU = config.mru
        return PPPNegotiator(policy: policy, restartTimer: config.restartTimer)
    }

    private func newIPCP(address: [UInt8]) -> PPPNegotiator<IPCPServerPolicy> {
        PPPNegotiator(
            policy: IPCPServerPolicy(serverAddress: config.serverAddress, clientAddress: address, dns: config.dns),
            restartTimer: config.restartTimer)
    }

    // MARK: - Session

    private mutating func sessionFrame(_ ppp: PPPFrame, key: SessionKey, now: Duration) -> [Action] {
        guard var session = sessions[key] else { return [] }
        switch ppp.protocolNumber {
        case PPPFrame.lcp:
            guard let packet = try? PPPControlPacket.decode(ppp.information) else { return [] }
            let outputs = session.lcp.receive(packet, now: now)
            sessions[key] = session
            return handleLCP(outputs, key: key, now: now)
        case PPPFrame.pap:
            guard session.lcp.state == .opened,
                case .request(let id, let peer, let password)? = try? PAPPacket.decode(ppp.information)
            else { return [] }
            let user = String(decoding: peer, as: UTF8.self)
            if unanswered(user) {
                return [.log("session \(key.sessionID): PAP request of \"\(user)\" left unanswered (test fault)")]
            }
            let ok = checks(user: user) { $0 == String(decoding: password, as: UTF8.self) }
            let reply: PAPPacket =
                ok
                ? .ack(identifier: id, message: Array("Login ok".utf8))
                : .nak(identifier: id, message: Array(rejection(user).utf8))
            var actions = [send(session, PPPFrame.pap, reply.encode())]
            actions += authenticated(ok, user: user, key: key, now: now)
            return actions
        case PPPFrame.chap:
            guard session.lcp.state == .opened,
                case .response(let id, let value, let name)? = try? CHAPPacket.decode(ppp.information),
                id == session.challengeID, !session.challenge.isEmpty
            else { return [] }
            let user = String(decoding: name, as: UTF8.self)
            if unanswered(user) {
                return [.log("session \(key.sessionID): CHAP response of \"\(user)\" left unanswered (test fault)")]
            }
            let challenge = session.challenge
            let ok = checks(user: user) {
                CHAPClient.response(identifier: id, secret: Array($0.utf8), challenge: challenge) == value
            }
            let reply: CHAPPacket =
                ok
                ? .success(identifier: id, message: Array("Welcome".utf8))
                : .failure(identifier: id, message: Array(rejection(user).utf8))
            var actions = [send(session, PPPFrame.chap, reply.encode())]
            actions += authenticated(ok, user: user, key: key, now: now)
            return actions
        case PPPFrame.ipcp:
            guard session.authenticated, let packet = try? PPPControlPacket.decode(ppp.information, layer: "IPCP")
            else { return [] }
            let outputs = session.ipcp.receive(packet, now: now)
            sessions[key] = session
            return handleIPCP(outputs, key: key, now: now)
        case PPPFrame.ipv4:
            guard session.upSince != nil else { return [] }
            var packet = ppp.information
            TCPMSSClamp.clamp(&packet, maxMSS: session.lcp.policy.mru - 40)
            return [.deliverIPv4(session: key, packet: packet)]
        default:
            return []
        }
    }

    /// The faults that apply to `user`'s sessions: the access concentrator's and the account's.
    private func faults(of user: String) -> [PPPoEAccessConcentratorConfig.Fault] {
        config.faults + (config.accountFaults[user] ?? [])
    }

    private func unanswered(_ user: String) -> Bool {
        config.accountFaults[user]?.contains(.noAnswer) ?? false
    }

    private func checks(user: String, _ matches: (String) -> Bool) -> Bool {
        guard !faults(of: user).contains(.rejectAll), let password = config.accounts[user] else { return false }
        return matches(password)
    }

    private func rejection(_ user: String) -> String {
        if config.faults.contains(.rejectAll) { return "Authentication refused for every account (test fault)" }
        if faults(of: user).contains(.rejectAll) { return "Authentication refused for \(user) (test fault)" }
        return "Authentication failed for \(user): wrong user name or password"
    }

    private mutating func authenticated(_ ok: Bool, user: String, key: SessionKey, now: Duration) -> [Action] {
        guard var session = sessions[key] else { return [] }
        guard ok else {
            let outputs = session.lcp.close(now: now)
            sessions[key] = session
            return [.log("session \(key.sessionID): authentication of \"\(user)\" refused")]
                + handleLCP(outputs, key: key, now: now)
        }
        guard !session.authenticated else { return [] }
        session.authenticated = true
        session.username = user
        let outputs = session.ipcp.up(now: now) + session.ipcp.open(now: now)
        sessions[key] = session
        return handleIPCP(outputs, key: key, now: now)
    }

    private mutating func handleLCP(_ outputs: [PPPNegotiatorOutput], key: SessionKey, now: Duration) -> [Action] {
        var actions: [Action] = []
        for output in outputs {
            guard var session = sessions[key] else { break }
            switch output {
            case .send(let packet):
                actions.append(send(session, PPPFrame.lcp, packet.encode()))
            case .layerUp:
                switch session.lcp.policy.requestedAuth {
                case .chapMD5:
                    counter &+= 1
                    var md5 = Insecure.MD5()
                    md5.update(data: config.macAddress + .u32(counter) + .u16(key.sessionID))
                    session.challenge = Array(md5.finalize())
                    session.challengeID &+= 1
                    let challenge = CHAPPacket.challenge(
                        identifier: session.challengeID, value: session.challenge, name: Array(config.acName.utf8))
                    sessions[key] = session
                    actions.append(send(session, PPPFrame.chap, challenge.encode()))
                case .pap:
                    break
                case .other, nil:
                    actions += authenticated(true, user: "", key: key, now: now)
                }
            case .layerDown:
                session.upSince = nil
                sessions[key] = session
            case .layerFinished:
                sessions[key] = nil
                let padt = PPPoEPacket(code: .padt, sessionID: key.sessionID, tags: [])
                actions.append(.send(ethernet(EthernetFrame.pppoeDiscovery, padt, to: key.mac, vlan: session.vlan)))
                actions.append(.sessionDown(key, reason: "LCP finished"))
            case .layerStarted:
                break
            case .received(let packet):
                guard packet.code == PPPControlPacket.echoRequest else { continue }
                if echoSilenced(session, now: now) { continue }
                let reply = PPPControlPacket(
                    code: PPPControlPacket.echoReply, identifier: packet.identifier,
                    data: .u32(session.lcp.policy.magicNumber) + packet.data.dropFirst(4))
                actions.append(send(session, PPPFrame.lcp, reply.encode()))
            }
        }
        return actions
    }

    private func echoSilenced(_ session: Session, now: Duration) -> Bool {
        guard let since = session.upSince else { return false }
        for case .stopEchoes(let after) in faults(of: session.username) where now - since >= after { return true }
        return false
    }

    private mutating func handleIPCP(_ outputs: [PPPNegotiatorOutput], key: SessionKey, now: Duration) -> [Action] {
        var actions: [Action] = []
        for output in outputs {
            guard var session = sessions[key] else { break }
            switch output {
            case .send(let packet):
                actions.append(send(session, PPPFrame.ipcp, packet.encode()))
            case .layerUp:
                session.upSince = now
                sessions[key] = session
                actions.append(.sessionUp(key, address: session.address, username: session.username))
            case .layerDown:
                session.upSince = nil
                sessions[key] = session
            case .layerFinished, .layerStarted, .received:
                break
            }
        }
        return actions
    }

    // MARK: - Framing

    private func ethernet(_ etherType: UInt16, _ packet: PPPoEPacket, to destination: [UInt8], vlan: VLANTag?)
        -> [UInt8]
    {
        EthernetFrame(
            destination: destination, source: config.macAddress, vlan: vlan, etherType: etherType,
            payload: packet.encode()
        ).encode()
    }

    private func send(_ session: Session, _ protocolNumber: UInt16, _ information: [UInt8]) -> Action {
        let ppp = PPPFrame(protocolNumber: protocolNumber, information: information)
        let packet = PPPoEPacket(code: .session, sessionID: session.key.sessionID, payload: ppp.encode())
        return .send(ethernet(EthernetFrame.pppoeSession, packet, to: session.key.mac, vlan: session.vlan))
    }
}
