import FTTHCore
import Synchronization
import Testing

@testable import FTTHEngine

/// When many tests start at once, a test under way (its run-state poll, its optics read) gets
/// the OLT's next free slot before a test that would only start (its provisioning).
@Suite struct OLTWorkLimiterTests {
    /// The order in which the queued work got the slot.
    final class Order: Sendable {
        let names = Mutex<[String]>([])
        func append(_ name: String) { names.withLock { $0.append(name) } }
    }

    @Test func finishingWorkGoesBeforeNewWorkAndEqualsInOrder() async throws {
        let limiter = OLTWorkLimiter(limit: 1)
        let olt = ManagementAddress("10.0.0.1")!
        let order = Order()
        // The test holds the only slot while the others queue, one after the other.
        await limiter.acquire(olt, priority: .normal)
        var tasks: [Task<Void, any Error>] = []
        for (name, priority) in [
            ("provision-1", OLTWorkLimiter.Priority.normal), ("provision-2", .normal), ("poll-1", .finishing),
            ("read-1", .finishing),
        ] {
            let queued = await limiter.waiters(olt)
            tasks.append(
                Task {
                    try await limiter.withSlot(olt, priority: priority) { order.append(name) }
                })
            while await limiter.waiters(olt) == queued { await Task.yield() }
        }
        await limiter.release(olt)
        for task in tasks { try await task.value }
        #expect(order.names.withLock { $0 } == ["poll-1", "read-1", "provision-1", "provision-2"])
        #expect(await limiter.waiters(olt) == 0)
    }
}
