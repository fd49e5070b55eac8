import Testing

@testable import PPPCore

/// A policy that wants option 1 to carry 7 and naks anything else.
private struct Insistent: PPPNegotiationPolicy {
    var asked: UInt8 = 1
    mutating func requestOptions() -> [PPPOption] { [PPPOption(type: 1, value: [asked])] }
    mutating func judge(_ option: PPPOption) -> PPPOptionJudgement {
        option.value == [7] ? .ack : .nak(PPPOption(type: 1, value: [7]))
    }
    mutating func peerAcknowledged(_ options: [PPPOption]) {}
    mutating func acknowledged(_ options: [PPPOption]) {}
    mutating func naked(_ options: [PPPOption]) {}
    mutating func rejected(_ options: [PPPOption]) {}
}

@Suite struct PPPNegotiatorTests {
    private static func sent(_ outputs: [PPPNegotiatorOutput]) -> [PPPControlPacket] {
        outputs.compactMap { if case .send(let packet) = $0 { packet } else { nil } }
    }

    @Test func naksBecomeRejectsAfterMaxFailure() {
        var negotiator = PPPNegotiator(policy: Insistent())
        _ = negotiator.up(now: .zero)
        _ = negotiator.open(now: .zero)
        var codes: [UInt8] = []
        for id in 0..<7 {
            let request = PPPControlPacket(
                code: PPPControlPacket.configureRequest, identifier: UInt8(id),
                options: [PPPOption(type: 1, value: [1])])
            codes += Self.sent(negotiator.receive(request, now: .zero)).map(\.code)
        }
        #expect(codes == [3, 3, 3, 3, 3, 4, 4])
    }

    @Test func ackOfAnOlderRequestIsIgnored() {
        var negotiator = PPPNegotiator(policy: Insistent())
        _ = negotiator.up(now: .zero)
        let first = Self.sent(negotiator.open(now: .zero))[0]
        let second = Self.sent(negotiator.tick(now: .seconds(3)))[0]
        #expect(first.identifier != second.identifier)
        let staleAck = PPPControlPacket(
            code: PPPControlPacket.configureAck, identifier: first.identifier, data: first.data)
        #expect(negotiator.receive(staleAck, now: .seconds(3)).isEmpty)
        #expect(negotiator.state == .reqSent)
        let ack = PPPControlPacket(
            code: PPPControlPacket.configureAck, identifier: second.identifier, data: second.data)
        _ = negotiator.receive(ack, now: .seconds(3))
        #expect(negotiator.state == .ackRcvd)
    }

    @Test func givesUpAfterMaxConfigureRequests() {
        var negotiator = PPPNegotiator(policy: Insistent(), restartTimer: .seconds(1))
        _ = negotiator.up(now: .zero)
        var outputs = negotiator.open(now: .zero)
        var now = Duration.zero
        while let deadline = negotiator.deadline {
            now = deadline
            outputs += negotiator.tick(now: now)
        }
        #expect(negotiator.requestsSent == 10)
        #expect(now == .seconds(10))
        #expect(outputs.last == .layerFinished(timedOut: true))
        #expect(negotiator.state == .stopped)
    }

    @Test func unknownCodeIsCodeRejected() {
        var negotiator = PPPNegotiator(policy: Insistent())
        _ = negotiator.up(now: .zero)
        _ = negotiator.open(now: .zero)
        let odd = PPPControlPacket(code: 42, identifier: 9, data: [1, 2])
        let reply = Self.sent(negotiator.receive(odd, now: .zero))
        #expect(reply.map(\.code) == [PPPControlPacket.codeReject])
        #expect(reply.first?.data == odd.encode())
    }

    /// A peer that got our first request answers it within the round trip: its own earlier
    /// request must not make us send ours twice, and the timer goes back to its full period.
    @Test func shortenedTimerNeverResendsToAPeerThatAnswers() {
        var negotiator = PPPNegotiator(policy: Insistent())
        negotiator.peerRoundTrip = .milliseconds(10)
        _ = negotiator.up(now: .zero)
        let ours = Self.sent(negotiator.open(now: .zero))[0]
        // The peer's request (naked: value 1) comes first: the timer is cut to 2 × 10 + 10 ms.
        let theirs = PPPControlPacket(
            code: PPPControlPacket.configureRequest, identifier: 1, options: [PPPOption(type: 1, value: [1])])
        _ = negotiator.receive(theirs, now: .milliseconds(1))
        #expect(negotiator.deadline == .milliseconds(30))
        let ack = PPPControlPacket(code: PPPControlPacket.configureAck, identifier: ours.identifier, data: ours.data)
        _ = negotiator.receive(ack, now: .milliseconds(5))
        #expect(negotiator.state == .ackRcvd)
        #expect(negotiator.deadline == .seconds(3))
        #expect(negotiator.requestsSent == 1)
    }

    @Test func shortenedTimerResendsALostRequest() {
        var negotiator = PPPNegotiator(policy: Insistent())
        negotiator.peerRoundTrip = .milliseconds(10)
        _ = negotiator.up(now: .zero)
        _ = negotiator.open(now: .zero)
        let theirs = PPPControlPacket(
            code: PPPControlPacket.configureRequest, identifier: 1, options: [PPPOption(type: 1, value: [7])])
        _ = negotiator.receive(theirs, now: .milliseconds(2))
        #expect(negotiator.state == .ackSent)
        let resent = Self.sent(negotiator.tick(now: .milliseconds(30)))
        #expect(resent.map(\.code) == [PPPControlPacket.configureRequest])
        #expect(negotiator.deadline == .milliseconds(30) + .seconds(3))
        // Only once: a second request of the peer's does not cut the timer again.
        _ = negotiator.receive(theirs, now: .milliseconds(40))
        #expect(negotiator.deadline == .milliseconds(30) + .seconds(3))
    }
}
