import FTTHCore
import Synchronization
import Testing

@testable import FTTHEngine

/// The engine provisions one test ONU per PON port at a time (the OLT or the driver picks the
/// ONU id) while other PON ports go ahead.
@Suite struct WorkLimiterTests {
    /// Counts holders inside the limiter per key; a holder of `waiter` stays inside until a
    /// holder of another key got in.
    final class Probe: Sendable {
        let limiter = WorkLimiter<PONSlot>(limit: 1)
        let waiter: PONSlot
        let inside = Mutex<[PONSlot: Int]>([:])
        let most = Mutex<[PONSlot: Int]>([:])
        let entered: AsyncStream<Void>
        let signal: AsyncStream<Void>.Continuation

        init(waiter: PONSlot) {
            self.waiter = waiter
            (entered, signal) = AsyncStream<Void>.makeStream()
        }

        func hold(_ key: PONSlot) async throws {
            try await limiter.withSlot(key) {
                let now = self.inside.withLock {
                    $0[key, default: 0] += 1; return $0[key]!
                }
                self.most.withLock { $0[key] = max($0[key] ?? 0, now) }
                if key == self.waiter {
                    for await _ in self.entered { break }
                } else {
                    self.signal.yield()
                }
                await Task.yield()
                self.inside.withLock { $0[key, default: 0] -= 1 }
            }
        }
    }

    @Test func oneHolderPerKeyAndOtherKeysGoAhead() async throws {
        let olt = ManagementAddress("10.0.0.1")!
        let a = PONSlot(olt: olt, pon: PONAddress("0/1/0")!)
        let b = PONSlot(olt: olt, pon: PONAddress("0/1/1")!)
        let probe = Probe(waiter: a)
        // If `b` had to wait for `a`, the holders of `a` would wait for ever.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { try await probe.hold(a) } }
            for _ in 0..<4 { group.addTask { try await probe.hold(b) } }
            try await group.waitForAll()
        }
        #expect(probe.most.withLock { $0 } == [a: 1, b: 1])
    }
}
