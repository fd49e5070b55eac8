/// What a policy says about one option of the peer's Configure-Request.
public enum PPPOptionJudgement: Sendable, Equatable {
    /// Acceptable as sent.
    case ack
    /// Acceptable with another value: this option goes into a Configure-Nak.
    case nak(PPPOption)
    /// Not recognised or not negotiable: the option goes into a Configure-Reject.
    case reject
}

/// The option rules of one control protocol (LCP, IPCP): what we ask, what we accept of the peer,
/// and how we adapt to its Naks and Rejects. Used by `PPPNegotiator`.
public protocol PPPNegotiationPolicy: Sendable {
    /// The options of our next Configure-Request.
    mutating func requestOptions() -> [PPPOption]
    /// Judges one option of the peer's Configure-Request.
    mutating func judge(_ option: PPPOption) -> PPPOptionJudgement
    /// Options we need the peer to request but it did not (added to a Configure-Nak); none by default.
    mutating func missingOptions(in request: [PPPOption]) -> [PPPOption]
    /// The peer's whole Configure-Request was acknowledged: record what it asked.
    mutating func peerAcknowledged(_ options: [PPPOption])
    /// The peer acknowledged our Configure-Request: record what was agreed.
    mutating func acknowledged(_ options: [PPPOption])
    /// The peer sent a Configure-Nak for our request.
    mutating func naked(_ options: [PPPOption])
    /// The peer sent a Configure-Reject for our request.
    mutating func rejected(_ options: [PPPOption])
    /// Codes above Code-Reject this protocol knows (LCP: Protocol-Reject, Echo, Discard).
    var extraCodes: ClosedRange<UInt8>? { get }
}

extension PPPNegotiationPolicy {
    public mutating func missingOptions(in request: [PPPOption]) -> [PPPOption] { [] }
    public var extraCodes: ClosedRange<UInt8>? { nil }
}

/// What a `PPPNegotiator` asks its owner to do.
public enum PPPNegotiatorOutput: Sendable, Equatable {
    /// Send this packet in a frame of the negotiator's protocol.
    case send(PPPControlPacket)
    /// This-Layer-Up: the protocol is open (options agreed).
    case layerUp
    /// This-Layer-Down: the protocol left the opened state.
    case layerDown
    /// This-Layer-Started: the lower layer is wanted.
    case layerStarted
    /// This-Layer-Finished: the protocol gave up or was closed; `converged` is false after the
    /// restart counter ran out (no agreement or no answer).
    case layerFinished(timedOut: Bool)
    /// A Protocol-Reject, Echo or Discard packet the owner handles (LCP's extra codes).
    case received(PPPControlPacket)
}

/// Runs `PPPAutomaton` for one protocol: restart timer, Max-Configure (10), Max-Terminate (2),
/// Max-Failure (5), identifiers, and the policy's verdicts on options.
///
/// Time is passed in (`now`); `deadline` is when `tick(now:)` next has work.
public struct PPPNegotiator<Policy: PPPNegotiationPolicy>: Sendable {
    /// The automaton's state.
    public private(set) var state: PPPAutomaton.State = .initial
    /// The option rules, with what they recorded.
    public var policy: Policy
    /// When the restart timer fires, if it runs.
    public private(set) var deadline: Duration?
    /// The restart timer's period.
    public var restartTimer: Duration
    /// Configure-Requests sent before giving up (RFC 1661 Max-Configure).
    public var maxConfigure: Int
    /// Terminate-Requests sent before giving up (RFC 1661 Max-Terminate).
    public var maxTerminate: Int
    /// Configure-Naks sent without an Ack before Naks become Rejects (RFC 1661 Max-Failure).
    public var maxFailure: Int
    /// Configure-Requests sent so far (for logs and tests).
    public private(set) var requestsSent = 0
    /// The round-trip time to the peer, when known (PPPoE: PADR to PADS). With it the restart timer
    /// is cut short once: when the peer's Configure-Request shows it is listening but ours is still
    /// unanswered, the timer fires `2 × roundTrip + 10 ms` after our request instead of after 3 s.
    /// Over PPPoE the access concentrator often starts its PPP process only after the PADS, so our
    /// first request is lost, and waiting out the whole timer (as pppd does) adds 3 s to the dial;
    /// a peer that did get it answers within the shorter wait, so nothing is sent twice. The
    /// early expiry is the table's TO+ event.
    public var peerRoundTrip: Duration?

    private var restartCounter = 0
    private var failureCounter = 0
    private var nextIdentifier: UInt8
    private var lastRequest: PPPControlPacket?
    private var lastTerminateID: UInt8 = 0
    private var timedOut = false
    private var heardAnswer = false
    private var shortened = false
    private var lastRequestAt: Duration = .zero

    /// Makes a negotiator in the Initial state.
    public init(
        policy: Policy, restartTimer: Duration = .seconds(3), maxConfigure: Int = 10, maxTerminate: Int = 2,
        maxFailure: Int = 5, firstIdentifier: UInt8 = 1
    ) {
        self.policy = policy
        self.restartTimer = restartTimer
        self.maxConfigure = maxConfigure
        self.maxTerminate = maxTerminate
        self.maxFailure = maxFailure
        self.nextIdentifier = firstIdentifier
    }

    /// The lower layer is up.
    public mutating func up(now: Duration) -> [PPPNegotiatorOutput] { run(.up, now: now) }
    /// The lower layer is down.
    public mutating func down(now: Duration) -> [PPPNegotiatorOutput] { run(.down, now: now) }
    /// Administrative open.
    public mutating func open(now: Duration) -> [PPPNegotiatorOutput] { run(.open, now: now) }
    /// Administrative close (Terminate-Request when open or negotiating).
    public mutating func close(now: Duration) -> [PPPNegotiatorOutput] { run(.close, now: now) }

    /// Call at or after `deadline`: retransmits or gives up.
    public mutating func tick(now: Duration) -> [PPPNegotiatorOutput] {
        guard let deadline, now >= deadline else { return [] }
        return run(restartCounter > 0 ? .toPlus : .toMinus, now: now)
    }

    /// Feeds a received packet of this protocol.
    public mutating func receive(_ packet: PPPControlPacket, now: Duration) -> [PPPNegotiatorOutput] {
        switch packet.code {
        case PPPControlPacket.configureRequest:
            guard let options = try? packet.options() else {
                return run(.rcrMinus, now: now, reply: Self.rejectAllOf(packet))
            }
            var naks: [PPPOption] = []
            var rejects: [PPPOption] = []
            for option in options {
                switch policy.judge(option) {
                case .ack: break
                case .nak(let suggestion): naks.append(suggestion)
                case .reject: rejects.append(option)
                }
            }
            naks += policy.missingOptions(in: options)
            if !rejects.isEmpty {
                let reply = PPPControlPacket(
                    code: PPPControlPacket.configureReject, identifier: packet.identifier, options: rejects)
                return run(.rcrMinus, now: now, reply: reply) + resendIfUnanswered(now: now)
            }
            if !naks.isEmpty {
                // After Max-Failure Naks without an Ack the options are rejected instead (RFC 1661).
                let code =
                    failureCounter >= maxFailure ? PPPControlPacket.configureReject : PPPControlPacket.configureNak
                let reply = PPPControlPacket(code: code, identifier: packet.identifier, options: naks)
                return run(.rcrMinus, now: now, reply: reply) + resendIfUnanswered(now: now)
            }
            let ack = PPPControlPacket(
                code: PPPControlPacket.configureAck, identifier: packet.identifier, data: packet.data)
            return run(.rcrPlus, now: now, reply: ack, acked: options) + resendIfUnanswered(now: now)
        case PPPControlPacket.configureAck:
            guard let lastRequest, packet.identifier == lastRequest.identifier, packet.data == lastRequest.data
            else { return [] }
            heardAnswer = true
            policy.acknowledged((try? packet.options()) ?? [])
            let outputs = run(.rca, now: now)
            // Ack-Rcvd keeps the timer running for the peer's request: back to its full period.
            if shortened, state.timerRuns { deadline = lastRequestAt + restartTimer }
            return outputs
        case PPPControlPacket.configureNak, PPPControlPacket.configureReject:
            guard let lastRequest, packet.identifier == lastRequest.identifier,
                let options = try? packet.options()
            else { return [] }
            heardAnswer = true
            if packet.code == PPPControlPacket.configureNak {
                policy.naked(options)
            } else {
                policy.rejected(options)
            }
            return run(.rcn, now: now)
        case PPPControlPacket.terminateRequest:
            let ack = PPPControlPacket(code: PPPControlPacket.terminateAck, identifier: packet.identifier)
            return run(.rtr, now: now, reply: ack)
        case PPPControlPacket.terminateAck:
            return run(.rta, now: now)
        case PPPControlPacket.codeReject:
            // A rejected Configure-* or Terminate-* code leaves nothing to negotiate with.
            let rejectedCode = packet.data.first ?? 0
            return run((1...7).contains(rejectedCode) ? .rxjMinus : .rxjPlus, now: now)
        default:
            if let extra = policy.extraCodes, extra.contains(packet.code) {
                if packet.code == PPPControlPacket.protocolReject {
                    return [.received(packet)] + run(.rxjPlus, now: now)
                }
                return run(.rxr, now: now, reply: packet)
            }
            let reject = PPPControlPacket(
                code: PPPControlPacket.codeReject, identifier: bumpIdentifier(),
                data: Array(packet.encode().prefix(1400)))
            return run(.ruc, now: now, reply: reject)
        }
    }

    /// The shortened restart timer of `peerRoundTrip`: at most once per open.
    private mutating func resendIfUnanswered(now: Duration) -> [PPPNegotiatorOutput] {
        guard let peerRoundTrip, !heardAnswer, !shortened, restartCounter > 0, state == .reqSent || state == .ackSent
        else { return [] }
        shortened = true
        let early = lastRequestAt + peerRoundTrip * 2 + .milliseconds(10)
        if now >= early { return run(.toPlus, now: now) }
        deadline = min(deadline ?? early, early)
        return []
    }

    private static func rejectAllOf(_ packet: PPPControlPacket) -> PPPControlPacket {
        PPPControlPacket(code: PPPControlPacket.configureReject, identifier: packet.identifier, data: packet.data)
    }

    private mutating func bumpIdentifier() -> UInt8 {
        defer { nextIdentifier &+= 1 }
        return nextIdentifier
    }

    /// Applies one event: the table's transition, then its actions in order.
    private mutating func run(
        _ event: PPPAutomaton.Event, now: Duration, reply: PPPControlPacket? = nil, acked: [PPPOption] = []
    ) -> [PPPNegotiatorOutput] {
        let (next, actions) = PPPAutomaton.transition(from: state, on: event)
        if event == .toMinus { timedOut = true }
        if event == .up || event == .open {
            timedOut = false
            failureCounter = 0
            heardAnswer = false
            shortened = false
        }
        state = next
        var outputs: [PPPNegotiatorOutput] = []
        for action in actions {
            switch action {
            case .tlu: outputs.append(.layerUp)
            case .tld: outputs.append(.layerDown)
            case .tls: outputs.append(.layerStarted)
            case .tlf: outputs.append(.layerFinished(timedOut: timedOut))
            case .irc:
                restartCounter = actions.contains(.str) ? maxTerminate : maxConfigure
            case .zrc:
                restartCounter = 0
                deadline = now + restartTimer
            case .scr:
                let request = PPPControlPacket(
                    code: PPPControlPacket.configureRequest, identifier: bumpIdentifier(),
                    options: policy.requestOptions())
                lastRequest = request
                lastRequestAt = now
                restartCounter -= 1
                requestsSent += 1
                deadline = now + restartTimer
                outputs.append(.send(request))
            case .sca:
                failureCounter = 0
                policy.peerAcknowledged(acked)
                if let reply { outputs.append(.send(reply)) }
            case .scn:
                if reply?.code == PPPControlPacket.configureNak { failureCounter += 1 }
                if let reply { outputs.append(.send(reply)) }
            case .str:
                lastTerminateID = bumpIdentifier()
                restartCounter -= 1
                deadline = now + restartTimer
                outputs.append(
                    .send(PPPControlPacket(code: PPPControlPacket.terminateRequest, identifier: lastTerminateID)))
            case .sta:
                let ack = reply ?? PPPControlPacket(code: PPPControlPacket.terminateAck, identifier: bumpIdentifier())
                outputs.append(.send(PPPControlPacket(code: PPPControlPacket.terminateAck, identifier: ack.identifier)))
            case .scj:
                if let reply { outputs.append(.send(reply)) }
            case .ser:
                if let reply { outputs.append(.received(reply)) }
            }
        }
        if !state.timerRuns {
            deadline = nil
        } else if deadline == nil {
            deadline = now + restartTimer
        }
        return outputs
    }
}
