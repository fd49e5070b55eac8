import PPPCore

/// A client and one or more pure access concentrators on one simulated wire, with a manual clock:
/// frames are delivered in order; when none is in flight, time jumps to the next deadline.
struct PPPoELab {
    static let clientMAC: [UInt8] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01]
    static let acMAC: [UInt8] = [0x02, 0x00, 0x00, 0x00, 0x00, 0xAC]
    static let secondACMAC: [UInt8] = [0x02, 0x00, 0x00, 0x00, 0x00, 0xAD]
    static let accounts = ["test01": "s3cret"]

    var client: PPPoEClient
    var acs: [PPPoEAccessConcentrator]
    var now: Duration = .zero
    /// How long each frame takes on the wire.
    var latency: Duration = .zero
    /// Every frame the client sent, in order.
    var clientFrames: [[UInt8]] = []
    /// Every frame the access concentrators sent, in order.
    var acFrames: [[UInt8]] = []
    var logs: [String] = []
    var ups: [PPPoESessionInfo] = []
    var outcome: PPPoEOutcome?
    var delivered: [[UInt8]] = []
    var acDelivered: [[UInt8]] = []
    var acEvents: [PPPoEAccessConcentrator.Action] = []
    /// Frames from the access concentrators to drop (by predicate) before the client sees them.
    var dropToClient: @Sendable ([UInt8]) -> Bool = { _ in false }
    /// Frames from the client to drop (by predicate) before the access concentrators see them.
    var dropToACs: @Sendable ([UInt8]) -> Bool = { _ in false }
    /// Rewrites frames from the access concentrators before the client sees them.
    var rewriteToClient: @Sendable ([UInt8]) -> [UInt8] = { $0 }
    /// When each of `clientFrames` was sent.
    var clientFrameTimes: [Duration] = []

    private var toClient: [[UInt8]] = []
    private var toACs: [[UInt8]] = []

    static func clientConfig(
        username: String = "test01", password: String = "s3cret",
        configure: (inout PPPoEClientConfig) -> Void = { _ in }
    ) -> PPPoEClientConfig {
        var config = PPPoEClientConfig(
            macAddress: clientMAC, username: username, password: password, hostUniq: [0xCA, 0xFE],
            magicNumber: 0x1122_3344)
        configure(&config)
        return config
    }

    static func acConfig(configure: (inout PPPoEAccessConcentratorConfig) -> Void = { _ in })
        -> PPPoEAccessConcentratorConfig
    {
        var config = PPPoEAccessConcentratorConfig(macAddress: acMAC, accounts: accounts)
        configure(&config)
        return config
    }

    init(client: PPPoEClientConfig = clientConfig(), acs: [PPPoEAccessConcentratorConfig] = [acConfig()]) {
        self.client = PPPoEClient(config: client)
        self.acs = acs.map(PPPoEAccessConcentrator.init(config:))
    }

    mutating func start() {
        take(client.start(now: now))
    }

    /// Runs until `done` holds, the client finished, or `limit` of simulated time passed.
    mutating func run(for limit: Duration = .seconds(600), until done: (PPPoELab) -> Bool = { _ in false }) {
        let end = now + limit
        while !done(self) {
            if !toACs.isEmpty {
                let frame = toACs.removeFirst()
                now += latency
                for index in acs.indices { take(acs[index].receive(frame: frame, now: now)) }
            } else if !toClient.isEmpty {
                let frame = toClient.removeFirst()
                now += latency
                take(client.receive(frame: frame, now: now))
            } else {
                if outcome != nil { return }
                let deadlines = [client.nextDeadline] + acs.map(\.nextDeadline)
                guard let next = deadlines.compactMap({ $0 }).min(), next <= end else { return }
                now = max(now, next)
                take(client.tick(now: now))
                for index in acs.indices { take(acs[index].tick(now: now)) }
            }
        }
    }

    mutating func runUntilUp() {
        run { !$0.ups.isEmpty }
    }

    mutating func take(_ actions: [PPPoEAction]) {
        for action in actions {
            switch action {
            case .send(let frame):
                clientFrames.append(frame)
                clientFrameTimes.append(now)
                if !dropToACs(frame) { toACs.append(frame) }
            case .deliverIPv4(let packet): delivered.append(packet)
            case .log(let line): logs.append(line)
            case .up(let info): ups.append(info)
            case .finished(let result):
                precondition(outcome == nil, "the client reported finished twice")
                outcome = result
            }
        }
    }

    mutating func take(_ actions: [PPPoEAccessConcentrator.Action]) {
        for action in actions {
            acEvents.append(action)
            switch action {
            case .send(let frame):
                acFrames.append(frame)
                if !dropToClient(frame) { toClient.append(rewriteToClient(frame)) }
            case .deliverIPv4(_, let packet): acDelivered.append(packet)
            default: break
            }
        }
    }

    /// Injects a frame as if it came from the wire to the client.
    mutating func inject(_ frame: [UInt8]) {
        toClient.append(frame)
    }

    /// The PPP frames (protocol, control packet) the client sent, decoded.
    func clientPackets(_ protocolNumber: UInt16) -> [PPPControlPacket] {
        clientFrames.compactMap { bytes in
            guard let frame = try? EthernetFrame.decode(bytes), frame.etherType == EthernetFrame.pppoeSession,
                let packet = try? PPPoEPacket.decode(frame.payload), let ppp = try? PPPFrame.decode(packet.payload),
                ppp.protocolNumber == protocolNumber
            else { return nil }
            return try? PPPControlPacket.decode(ppp.information)
        }
    }

    /// The discovery packets the client sent.
    func clientDiscovery() -> [PPPoEPacket] {
        clientFrames.compactMap { bytes in
            guard let frame = try? EthernetFrame.decode(bytes), frame.etherType == EthernetFrame.pppoeDiscovery else {
                return nil
            }
            return try? PPPoEPacket.decode(frame.payload)
        }
    }

    var failure: PPPoEFailure? {
        if case .failed(let failure)? = outcome { failure } else { nil }
    }
}
