import FTTHCore
import Foundation
import Testing

/// The contract of ``PermitStore``: an OLT's limit counted across every daemon.
@Suite("Store conformance: permits")
struct PermitConformanceTests {
    let t0 = StoreConformanceTests.t0

    @Test(arguments: StoreKind.allCases)
    func noMoreThanTheLimitAreHeldAndARunOutPermitIsFreeAgain(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        let store = h.store
        let olt = "olt-work:10.0.0.1"
        let until = t0.addingTimeInterval(30)
        #expect(try await store.takePermit(olt, limit: 2, holder: "a", at: t0, until: until) == 1)
        #expect(try await store.takePermit(olt, limit: 2, holder: "b", at: t0, until: until) == 2)
        #expect(try await store.takePermit(olt, limit: 2, holder: "a", at: t0, until: until) == nil)
        // Another OLT has slots of its own.
        #expect(try await store.takePermit("olt-work:10.0.0.2", limit: 2, holder: "a", at: t0, until: until) == 1)
        #expect(try await store.heldPermits(olt, at: t0) == 2)
        // Given back, a slot is free at once.
        try await store.releasePermit(olt, slot: 1, holder: "a")
        #expect(try await store.takePermit(olt, limit: 2, holder: "c", at: t0, until: until) == 1)
        // Renewed permits hold; the others run out with their lease (a daemon that died).
        #expect(
            try await store.renewPermits(holder: "c", at: t0.addingTimeInterval(10), until: t0.addingTimeInterval(60))
                == 1)
        let later = t0.addingTimeInterval(31)
        #expect(try await store.heldPermits(olt, at: later) == 1)
        #expect(
            try await store.takePermit(olt, limit: 2, holder: "d", at: later, until: later.addingTimeInterval(30)) == 2)
        #expect(
            try await store.takePermit(olt, limit: 2, holder: "e", at: later, until: later.addingTimeInterval(30))
                == nil)
    }

    /// A permit given back as its daemon stops (the work's task already cancelled) is free at
    /// once, not when its lease runs out.
    @Test(arguments: StoreKind.allCases)
    func aPermitGivenBackFromACancelledTaskIsFreeAtOnce(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        let store = h.store
        let olt = "olt-work:10.0.0.1"
        let until = t0.addingTimeInterval(90)
        let slot = try #require(try await store.takePermit(olt, limit: 1, holder: "a", at: t0, until: until))
        let stopping = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await store.giveBack(olt, slot: slot, holder: "a")
        }
        await stopping.value
        #expect(try await store.heldPermits(olt, at: t0.addingTimeInterval(1)) == 0)
    }

    /// Many daemons asking at once never hold more than the limit together.
    @Test(arguments: StoreKind.allCases)
    func holdersAskingAtOnceNeverExceedTheLimit(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        let store = h.store
        let at = t0
        let slots = try await withThrowingTaskGroup(of: Int?.self) { group in
            for n in 0..<12 {
                group.addTask {
                    try await store.takePermit(
                        "olt-work:10.0.0.9", limit: 3, holder: "d\(n)", at: at, until: at.addingTimeInterval(30))
                }
            }
            var all: [Int?] = []
            for try await slot in group { all.append(slot) }
            return all
        }
        #expect(slots.compactMap { $0 }.sorted() == [1, 2, 3], "\(slots)")
        #expect(try await store.heldPermits("olt-work:10.0.0.9", at: at) == 3)
    }
}
