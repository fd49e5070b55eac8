import FTTHCore
import Synchronization
import Testing

@testable import FTTHDrivers

/// One driver at a time per PON port looks for a free ONU id and adds the ONU; other PON ports
/// go ahead meanwhile.
@Suite struct ONUIDLockTests {
    /// Counts holders inside the lock per PON port; a holder of `waiter` stays inside until a
    /// holder of another key got in.
    final class Probe: Sendable {
        let locks = ONUIDLocks()
        let olt = ManagementAddress("10.0.0.1")!
        let waiter: PONAddress
        let inside = Mutex<[PONAddress: Int]>([:])
        let most = Mutex<[PONAddress: Int]>([:])
        let entered: AsyncStream<Void>
        let signal: AsyncStream<Void>.Continuation

        init(waiter: PONAddress) {
            self.waiter = waiter
            (entered, signal) = AsyncStream<Void>.makeStream()
        }

        func hold(_ key: PONAddress) async throws {
            try await locks.withLock(olt: olt, pon: key) {
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
        let a = PONAddress("0/1/0")!
        let b = PONAddress("0/1/1")!
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
