import FTTHCore
import FTTHMetrics
import FTTHPrometheus
import Foundation
import Testing

/// The outbox's series in a registry of the test's own: each send by its result, and the backlog
/// the store counts.
@Suite struct OutboxMetricsTests {
    @Test func everySendIsCountedByItsResultAndTheBacklogIsTheStoresCount() async throws {
        let factory = CatalogueMetricsFactory()
        let metrics = OutboxMetrics(factory: factory)
        let rig = try await OutboxRig(metrics: metrics)
        #expect(await rig.pusher.catchUp() == 6)
        #expect(try await rig.store.outboxBacklog() == 6)
        rig.receiver.script([.status(422, "{\"error\":\"unknown splitter SP-A\"}"), .status(503, "maintenance")])
        #expect(await rig.pusher.deliverDue() == (4, 2))
        metrics.backlog(try await rig.store.outboxBacklog())

        var samples = ExpositionSamples(String(decoding: factory.registry.emitToBuffer(), as: UTF8.self))
        let attempts = FTTHMetric.outboxDeliveryAttempts.rawValue
        #expect(samples[attempts, ["result": "acknowledged"]] == 4)
        #expect(samples[attempts, ["result": "refused"]] == 1)
        #expect(samples[attempts, ["result": "retry"]] == 1)
        #expect(samples[attempts, ["result": "no_answer"]] == 0)
        #expect(samples[FTTHMetric.outboxBacklog.rawValue] == 2)

        try await rig.receiver.stop()
        rig.time.advance(by: .seconds(2))
        #expect(await rig.pusher.deliverDue() == (0, 2))
        samples = ExpositionSamples(String(decoding: factory.registry.emitToBuffer(), as: UTF8.self))
        #expect(samples[attempts, ["result": "no_answer"]] == 2)
    }
}
