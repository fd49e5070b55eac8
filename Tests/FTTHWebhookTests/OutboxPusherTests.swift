import FTTHCore
import FTTHEngine
import FTTHSQLite
import FTTHWebhook
import Foundation
import Testing

@Suite(.timeLimit(.minutes(2))) struct OutboxPusherTests {
    /// The issue's check: a receiver that fails the first pushes (503s, a response lost after
    /// it stored the message, 500, 429) still gets each accepted port exactly once by key.
    @Test func aReceiverThatFailsTheFirstPushesGetsEachPortExactlyOnceByKey() async throws {
        let rig = try await OutboxRig()
        rig.receiver.script([
            .status(503, "maintenance"), .status(503, "maintenance"), .status(503, "maintenance"), .loseResponse,
            .status(500, "oops"), .status(429, "slow down"),
        ])
        let events = await rig.pusher.events()
        let task = Task { try await rig.pusher.run() }
        var failures = 0
        for await event in events {
            if case .projectPushed("P1") = event { break }
            if case .failed = event { failures += 1 }
            // A pusher that never gets there fails the test instead of hanging it.
            if failures > 100 { break }
        }
        task.cancel()
        try await task.value

        let messages = try await rig.store.outboxMessages(projectCode: "P1")
        let keys = Set(messages.map(\.idempotencyKey))
        #expect(messages.map(\.port) == OutboxRig.ports)
        #expect(keys.count == OutboxRig.ports.count)
        #expect(Set(rig.receiver.stored.keys) == keys)
        #expect(rig.receiver.acknowledgements == Dictionary(uniqueKeysWithValues: keys.map { ($0, 1) }))
        #expect(failures == 6)
        // The retry after the lost response carried the same key, and its payload matches.
        let lost = try #require(rig.receiver.requests.first { $0.answered == nil })
        let sameKey = rig.receiver.requests.filter { $0.idempotencyKey == lost.idempotencyKey }
        #expect(sameKey.count == 2)
        #expect(sameKey.map(\.body) == [lost.body, lost.body])
        for (key, body) in rig.receiver.stored {
            let payload = try AcceptedPortPayload.decode(body)
            #expect(payload.idempotencyKey == key)
            #expect(messages.first { $0.idempotencyKey == key }?.port.port == payload.port)
        }
        for request in rig.receiver.requests {
            #expect(request.method == "POST")
            #expect(request.path == "/accepted-ports")
            #expect(request.contentType == "application/json")
            #expect(request.authorization == "Bearer s3cret")
        }
        #expect(messages.allSatisfy { $0.isDelivered })
        #expect(messages.map(\.attempts).reduce(0, +) == 6)
        #expect(try await rig.store.pendingOutboxCount(projectCode: "P1") == 0)
        #expect(try await rig.state() == .pushed)
    }

    /// Approved just before a stop, with a test ONU still on the OLT: nothing is pushed until the
    /// scheduler has removed it.
    @Test func catchUpLeavesAProjectWithActivatedTestONUsToTheHandOver() async throws {
        let rig = try await OutboxRig(handedOver: false)
        #expect(await rig.pusher.catchUp() == 0)
        for port in OutboxRig.ports { try await rig.store.recordDeactivation(port, at: OutboxRig.t0) }
        #expect(await rig.pusher.catchUp() == 6)
    }

    @Test func aReceiverThatIsDownLosesNothingAndBackoffDoubles() async throws {
        let rig = try await OutboxRig()
        #expect(await rig.pusher.catchUp() == 6)
        #expect(await rig.pusher.catchUp() == 0)
        try await rig.receiver.stop()
        let start = rig.time.date

        #expect(await rig.pusher.deliverDue() == (0, 6))
        var messages = try await rig.store.outboxMessages(projectCode: "P1")
        #expect(messages.allSatisfy { $0.attempts == 1 && $0.nextAttemptAt == start.addingTimeInterval(1) })
        let error = try #require(messages[0].lastError)
        #expect(error.contains("no answer from http://127.0.0.1:\(rig.receiver.port)/accepted-ports"))
        // Nothing is due before the backoff has passed.
        #expect(await rig.pusher.deliverDue() == (0, 0))

        rig.time.advance(by: .seconds(1))
        #expect(await rig.pusher.deliverDue() == (0, 6))
        messages = try await rig.store.outboxMessages(projectCode: "P1")
        #expect(messages.allSatisfy { $0.attempts == 2 && $0.nextAttemptAt == start.addingTimeInterval(3) })
        #expect(try await rig.state() == .accepted)

        try await rig.receiver.restart()
        rig.time.advance(by: .seconds(2))
        #expect(await rig.pusher.deliverDue() == (6, 0))
        #expect(rig.receiver.requests.count == 6)
        #expect(Set(rig.receiver.requests.compactMap(\.idempotencyKey)) == Set(messages.map(\.idempotencyKey)))
        #expect(try await rig.state() == .pushed)

        rig.time.advance(by: .seconds(3600))
        #expect(await rig.pusher.deliverDue() == (0, 0))
        #expect(rig.receiver.requests.count == 6)
    }

    @Test func aRefusingReceiverKeepsTheMessageQueuedWithItsWords() async throws {
        let rig = try await OutboxRig()
        await rig.pusher.catchUp()
        rig.receiver.script([.status(422, "{\"error\":\"unknown splitter SP-A\"}")])
        let events = await rig.pusher.events()

        #expect(await rig.pusher.deliverDue() == (5, 1))
        let refused = try #require(try await rig.store.outboxMessages(projectCode: "P1").first { !$0.isDelivered })
        #expect(refused.port == OutboxRig.ports[0])
        #expect(refused.attempts == 1)
        let error = try #require(refused.lastError)
        #expect(error.contains("refused the message with HTTP 422"))
        #expect(error.contains("unknown splitter SP-A"))
        #expect(try await rig.store.pendingOutboxCount(projectCode: "P1") == 1)
        #expect(try await rig.state() == .accepted)
        var iterator = events.makeAsyncIterator()
        let first = await iterator.next()
        guard case .failed(let m, .refused, _, _) = first else {
            Issue.record("expected the refusal first, got \(String(describing: first))")
            return
        }
        #expect(m.port == OutboxRig.ports[0])
        #expect("\(first!)".contains("refused by the receiver"))

        // Fixed at the receiver: the next attempt delivers it and the project is pushed.
        rig.time.advance(by: .seconds(1))
        #expect(await rig.pusher.deliverDue() == (1, 0))
        #expect(try await rig.state() == .pushed)
        #expect(rig.receiver.acknowledgements.values.allSatisfy { $0 == 1 })
        #expect(rig.receiver.acknowledgements.count == 6)
    }

    @Test func aBatchIsTheMostSentInOnePass() async throws {
        let rig = try await OutboxRig(batch: 4)
        await rig.pusher.catchUp()
        #expect(await rig.pusher.deliverDue() == (4, 0))
        #expect(try await rig.state() == .accepted)
        #expect(await rig.pusher.deliverDue() == (2, 0))
        #expect(try await rig.state() == .pushed)
    }
}

@Suite struct OutboxPusherConfigurationTests {
    @Test func backoffDoublesUpToItsCap() {
        let c = OutboxPusherConfiguration(backoff: .seconds(5), maximumBackoff: .seconds(20))
        #expect(
            (1...5).map { c.delay(afterAttempts: $0) } == [
                .seconds(5), .seconds(10), .seconds(20), .seconds(20), .seconds(20),
            ])
    }

    @Test(arguments: [
        (200, WebhookDisposition.acknowledged), (204, .acknowledged), (400, .refused), (401, .refused),
        (422, .refused), (408, .retry), (429, .retry), (500, .retry), (503, .retry), (302, .retry),
    ])
    func statusesAreSortedIntoAcknowledgedRetryAndRefused(status: Int, disposition: WebhookDisposition) {
        #expect(WebhookResponse(status: status, body: "").disposition == disposition)
    }
}
