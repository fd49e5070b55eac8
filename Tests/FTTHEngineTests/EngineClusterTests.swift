import FTTHCore
import FTTHEngine
import Foundation
import TestClocks
import Testing

/// The engine as a member of a cluster, on the SQLite store (which keeps leases as the
/// PostgreSQL store does); time moves only when the test says (``ManualClock``).
@Suite(.timeLimit(.minutes(2))) struct EngineClusterTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    /// SIGTERM cancels the engine's task; the leases must still be given up, so another daemon
    /// resumes the runs at once instead of waiting for the leases to run out.
    @Test func aStoppedEngineGivesUpItsLeasesForAnotherDaemonToTakeAtOnce() async throws {
        let rig = try await EngineRig().imported()
        var configuration = EngineConfiguration(
            profiles: Dictionary(uniqueKeysWithValues: ThresholdProfile.defaults.map { ($0.name, $0) }),
            cvlanRanges: [EngineRig.range], onlineTimeout: .seconds(7200), pollInterval: .seconds(3600))
        configuration.cluster = ClusterMembership(holder: "this-daemon", lease: .seconds(30))
        let engine = AcceptanceEngine(
            store: rig.store, drivers: rig.drivers, configuration: configuration, clock: ManualClock(),
            now: { Self.t0 })
        let running = Task { await engine.run() }
        let run = try await engine.start(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        while await engine.heldRunIDs != [run.id] { await Task.yield() }
        #expect(try await rig.store.leaseHolders(at: Self.t0) == ["this-daemon": 1])

        running.cancel()
        await running.value
        #expect(try await rig.store.leaseHolders(at: Self.t0).isEmpty)
        let taken = try await rig.store.takeRuns(
            lease: RunLease(holder: "other-daemon", until: Self.t0.addingTimeInterval(30)), limit: 10, at: Self.t0)
        #expect(taken.map(\.run.id) == [run.id], "taken while this daemon's lease would still have run")
        #expect(taken.allSatisfy { !$0.takenOver }, "given up, not taken over")
    }
}
