import FTTHCore
import FTTHEngine
import FTTHMetrics
import FTTHPrometheus
import Foundation
import TestClocks
import Testing

/// The engine in a cluster, on the SQLite store (which keeps leases as the PostgreSQL store
/// does), measured into a registry of the test's own: `ftth_leases_held` follows the runs it
/// executes under a lease, `ftth_leases_taken_over_total` counts the runs it took from a daemon
/// whose lease ran out. Time moves only when the test says: a run waits for its ONU, and the
/// lease keeper wakes, on a ``ManualClock``.
@Suite(.timeLimit(.minutes(2))) struct ClusterMetricsTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static let held = FTTHMetric.leasesHeld.rawValue
    static let takenOver = FTTHMetric.leasesTakenOver.rawValue

    /// Returns once the engine executes exactly `ids`: launching a run and ending one are
    /// actor steps of the engine, which sets the gauge in the same step.
    static func waitUntilHeld(_ engine: AcceptanceEngine, _ ids: [Int64]) async {
        while await engine.heldRunIDs != ids.sorted() { await Task.yield() }
    }

    @Test func leasesHeldFollowTheRunsAndOnlyRunsOfAnotherDaemonCountAsTakenOver() async throws {
        let rig = try await EngineRig().imported()
        let store = rig.store
        let ranges = [EngineRig.range]
        // Port 3's run was left by a daemon that died: its lease ran out at t0 + 30 s.
        let orphan = try await store.beginTestRun(
            EngineRig.port(3), serial: EngineRig.testONT, profile: .build, configuredRanges: ranges, by: nil,
            lease: RunLease(holder: "dead-daemon", until: Self.t0.addingTimeInterval(30)), at: Self.t0)
        // Port 4's run was never leased (begun by a daemon alone on its store): nobody held it.
        let unheld = try await store.beginTestRun(
            EngineRig.port(4), serial: ONUSerial("HWTCDEAD0004"), profile: .build, configuredRanges: ranges,
            at: Self.t0)

        let factory = CatalogueMetricsFactory()
        let clock = ManualClock()
        // Runs poll their ONU, and the engine looks for unheld runs, only when the test moves
        // time by that much: between the steps below only the lease keeper wakes.
        var configuration = EngineConfiguration(
            profiles: Dictionary(uniqueKeysWithValues: ThresholdProfile.defaults.map { ($0.name, $0) }),
            cvlanRanges: ranges, onlineTimeout: .seconds(7200), pollInterval: .seconds(3600))
        let membership = ClusterMembership(holder: "this-daemon", lease: .seconds(30), pollEvery: .seconds(3600))
        configuration.cluster = membership
        let engine = AcceptanceEngine(
            store: store, drivers: rig.drivers, configuration: configuration, clock: clock,
            now: { Self.t0.addingTimeInterval(60) }, clusterMetrics: ClusterMetrics(factory: factory))
        func samples() -> ExpositionSamples {
            ExpositionSamples(String(decoding: factory.registry.emitToBuffer(), as: UTF8.self))
        }
        #expect(samples()[Self.held] == 0 && samples()[Self.takenOver] == 0, "both are there from the start")

        let running = Task { await engine.run() }
        await Self.waitUntilHeld(engine, [orphan.id, unheld.id])
        #expect(samples()[Self.held] == 2)
        #expect(samples()[Self.takenOver] == 1, "the orphan was another daemon's; the unheld run was nobody's")

        // A run this daemon begins is leased from the start: held, taken from nobody.
        let own = try await engine.start(EngineRig.port(5), serial: ONUSerial("HWTCDEAD0005"), profile: "build")
        await Self.waitUntilHeld(engine, [orphan.id, unheld.id, own.id])
        #expect(samples()[Self.held] == 3)
        #expect(samples()[Self.takenOver] == 1)

        // Another daemon takes the orphan once this daemon's lease on it ran out (it could not
        // renew in time); at its next renewal this daemon finds it lost and stops executing it.
        let taken = try await store.takeRuns(
            lease: RunLease(holder: "other-daemon", until: Self.t0.addingTimeInterval(3600)), limit: 1,
            at: Self.t0.addingTimeInterval(100))
        #expect(taken.map(\.run.id) == [orphan.id] && taken.allSatisfy(\.takenOver))
        clock.advance(by: membership.renewEvery)
        await Self.waitUntilHeld(engine, [unheld.id, own.id])
        #expect(samples()[Self.held] == 2)
        #expect(samples()[Self.takenOver] == 1, "losing a run is not taking one over")

        // SIGTERM: the runs park and their leases are given up; the other daemon keeps its own.
        running.cancel()
        await running.value
        #expect(samples()[Self.held] == 0)
        #expect(samples()[Self.takenOver] == 1)
        #expect(try await store.leaseHolders(at: Self.t0.addingTimeInterval(60)) == ["other-daemon": 1])
    }

    /// A daemon restarted after a crash resumes the runs its earlier process held, at once: they
    /// are held again, but nobody else's, so they are not taken over.
    @Test func runsReclaimedFromThisDaemonsEarlierProcessAreHeldNotTakenOver() async throws {
        let rig = try await EngineRig().imported()
        let ranges = [EngineRig.range]
        let left = try await rig.store.beginTestRun(
            EngineRig.port(3), serial: EngineRig.testONT, profile: .build, configuredRanges: ranges, by: nil,
            lease: RunLease(holder: "acceptd-1/100/aaaa", until: Self.t0.addingTimeInterval(3600)), at: Self.t0)
        let factory = CatalogueMetricsFactory()
        var configuration = EngineConfiguration(
            profiles: Dictionary(uniqueKeysWithValues: ThresholdProfile.defaults.map { ($0.name, $0) }),
            cvlanRanges: ranges, onlineTimeout: .seconds(7200), pollInterval: .seconds(3600))
        configuration.cluster = ClusterMembership(
            holder: "acceptd-1/200/bbbb", predecessor: "acceptd-1/", lease: .seconds(30), pollEvery: .seconds(3600))
        let engine = AcceptanceEngine(
            store: rig.store, drivers: rig.drivers, configuration: configuration, clock: ManualClock(),
            now: { Self.t0.addingTimeInterval(60) }, clusterMetrics: ClusterMetrics(factory: factory))
        let running = Task { await engine.run() }
        await Self.waitUntilHeld(engine, [left.id])
        let samples = ExpositionSamples(String(decoding: factory.registry.emitToBuffer(), as: UTF8.self))
        #expect(samples[Self.held] == 1)
        #expect(samples[Self.takenOver] == 0)
        running.cancel()
        await running.value
    }
}
