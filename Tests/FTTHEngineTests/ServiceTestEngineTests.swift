import FTTHCore
import FTTHEngine
import FTTHSQLite
import Foundation
import OLTSim
import Synchronization
import Testing

/// The rig's clock, with `hook` run before every sleep: a probe's upload, a crew's cancel or a
/// daemon's stop then happens at a known point of the wait, never after a real delay.
final class HookedClock: Clock, Sendable {
    typealias Instant = SimLinkedClock.Instant
    let inner: SimLinkedClock
    let hook: @Sendable () async -> Void

    init(_ inner: SimLinkedClock, hook: @escaping @Sendable () async -> Void) {
        self.inner = inner
        self.hook = hook
    }

    var now: Instant { inner.now }
    var minimumResolution: Duration { inner.minimumResolution }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        await hook()
        try await inner.sleep(until: deadline, tolerance: tolerance)
    }
}

/// The service half of a port test (DESIGN §2 step 4) in the engine: hold an account, wait for
/// a probe's result, judge, release the account; every wait on the injected clock.
@Suite(.timeLimit(.minutes(2))) struct ServiceTestEngineTests {
    static let csv = """
        project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports,service_test,plan_mbps
        P1,Garden Court,HW-1,10.20.0.1,huawei-ma5600t,0/1/0,1001,SP-A,1:8,,yes,300
        """
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    func rig(accounts: [String]) async throws -> EngineRig {
        let rig = try EngineRig()
        _ = try await rig.store.importProjects(
            try ProjectImportPlan(csv: Self.csv, file: "p1.csv"), namingRule: .standard, source: "p1.csv", at: Self.t0,
            progress: nil)
        if !accounts.isEmpty {
            let csv = "username,password\n" + accounts.map { "\($0),secret-\($0)" }.joined(separator: "\n")
            _ = try await rig.store.importTestAccounts(
                try TestAccountImport(csv: csv, file: "accounts.csv"), source: "accounts.csv", at: Self.t0)
        }
        return rig
    }

    func engine(_ rig: EngineRig, clock: any Clock<Duration>, wait: Duration = .seconds(30 * 60)) -> AcceptanceEngine {
        var configuration = EngineConfiguration(
            profiles: Dictionary(uniqueKeysWithValues: ThresholdProfile.defaults.map { ($0.name, $0) }),
            cvlanRanges: [EngineRig.range], onlineTimeout: .seconds(120), pollInterval: .seconds(5))
        configuration.service = ServiceTestPolicy(minFraction: 0.8, wait: wait)
        return AcceptanceEngine(
            store: rig.store, drivers: rig.drivers, configuration: configuration, clock: clock, now: { Self.t0 })
    }

    static func measurement(down: Double, up: Double) -> ServiceMeasurement {
        ServiceMeasurement(
            dialSucceeded: true, phases: ServicePhases(total: 850), ip: "100.64.0.7", mru: 1492, mss: 1452,
            downMbps: down, upMbps: up, rttMs: 4.2, server: "ftth-acceptd", measuredAt: t0)
    }

    /// A probe: takes the waiting service test (if any) and posts `measurement`, once.
    static func probe(_ store: SQLiteStore, _ measurement: ServiceMeasurement) -> @Sendable () async -> Void {
        {
            guard let claim = try? await store.claimServiceTest(by: "probe-1", at: t0) else { return }
            let verdict = ServiceRule.judge(measurement, planMbps: claim.test.planMbps, minFraction: 0.8)
            _ = try? await store.recordServiceResult(
                claim.test.id, verdict: verdict, idempotencyKey: "k", bodyDigest: "d", at: t0)
        }
    }

    func port(_ rig: EngineRig) async throws -> ActivationListRow {
        try #require(try await rig.store.activationList(projectCode: "P1").first { $0.key.port == 3 })
    }

    @Test func aProbesResultEndsTheRunWithTheServiceVerdictAndFreesTheAccount() async throws {
        let rig = try await rig(accounts: ["u1"])
        let clock = HookedClock(rig.clock, hook: Self.probe(rig.store, Self.measurement(down: 291.5, up: 260)))
        let engine = engine(rig, clock: clock)
        let progress = await engine.progress()
        let started = try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        let ended = await engine.execute(started)
        #expect(ended.step == .finished, "\(ended.outcome ?? "")")
        let row = try await port(rig)
        #expect(row.workflow.verdict.line == .pass)
        #expect(row.workflow.verdict.service == .pass)
        #expect(row.workflow.verdict.overall == .pass)
        let test = try #require(try await rig.store.serviceTest(runID: started.id))
        #expect(test.state == .done)
        #expect(test.verdict?.measurement?.downMbps == 291.5)
        #expect(ended.outcome?.contains("service pass") == true)
        var last: TestProgress?
        var messages: [String] = []
        var states: [ServiceTestState] = []
        for await event in progress {
            last = event
            messages.append(event.message)
            if let state = event.serviceState { states.append(state) }
            if !event.run.step.isActive { break }
        }
        #expect(last?.service?.verdict == .pass)
        #expect(last?.service?.measurement?.downMbps == 291.5)
        // The live view's service phases: waiting for a probe, then a probe dialling.
        #expect(states.first == .waiting && states.last == .claimed)
        #expect(messages.contains { $0.contains("waiting up to 30 min for a probe") })
        #expect(messages.contains { $0.contains("probe probe-1 took the service test") })
    }

    @Test func aSlowLineFailsTheServiceWithTheDirectionBelowThePlan() async throws {
        let rig = try await rig(accounts: ["u1"])
        let clock = HookedClock(rig.clock, hook: Self.probe(rig.store, Self.measurement(down: 290, up: 100)))
        let engine = engine(rig, clock: clock)
        let started = try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        let ended = await engine.execute(started)
        #expect(ended.step == .finished)
        let row = try await port(rig)
        #expect(row.workflow.verdict.service == .fail)
        #expect(row.workflow.verdict.overall == .fail)
        #expect(try await rig.store.serviceTest(runID: started.id)?.verdict?.failure == .belowPlanUp)
    }

    @Test func withNoFreeAccountTheServiceFailsAtOnce() async throws {
        let rig = try await rig(accounts: [])
        let sleepsInService = Mutex(0)
        let store = rig.store
        let clock = HookedClock(rig.clock) {
            if (try? await store.activeTestRuns().first?.step) == .awaitingService {
                sleepsInService.withLock { $0 += 1 }
            }
        }
        let engine = engine(rig, clock: clock)
        let started = try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        let ended = await engine.execute(started)
        #expect(ended.step == .finished)
        #expect(sleepsInService.withLock { $0 } == 0)
        let verdict = try #require(try await rig.store.serviceTest(runID: started.id)?.verdict)
        #expect(verdict.failure == .noTestAccount)
        #expect(verdict.reason.contains("ftthctl import accounts"))
        #expect(try await port(rig).workflow.verdict.overall == .fail)
    }

    @Test func noResultWithinTheWaitIsNotTestedAndTheAccountIsFreeAgain() async throws {
        let rig = try await rig(accounts: ["u1"])
        let engine = engine(rig, clock: rig.clock, wait: .seconds(10 * 60))
        let started = try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        let before = rig.clock.now
        let ended = await engine.execute(started)
        #expect(ended.step == .finished)
        #expect(before.duration(to: rig.clock.now) >= .seconds(10 * 60))
        let test = try #require(try await rig.store.serviceTest(runID: started.id))
        #expect(test.verdict?.failure == .notTested)
        #expect(test.state == .done)
        #expect(try await rig.store.claimServiceTest(by: "late-probe", at: Self.t0) == nil)
        #expect(try await port(rig).workflow.verdict.service == .fail)
    }

    @Test func aCancelledServiceWaitEndsTheRunAndFreesTheAccount() async throws {
        let rig = try await rig(accounts: ["u1"])
        let store = rig.store
        let box = Mutex<AcceptanceEngine?>(nil)
        let clock = HookedClock(rig.clock) {
            guard let run = try? await store.activeTestRuns().first, run.step == .awaitingService,
                let engine = box.withLock({ $0 })
            else { return }
            await engine.cancel(runID: run.id)
        }
        let engine = engine(rig, clock: clock)
        box.withLock { $0 = engine }
        let started = try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        let ended = await engine.execute(started)
        #expect(ended.step == .cancelled)
        #expect(try await store.serviceTest(runID: started.id)?.state == .done)
        #expect(try await store.activeTestRuns().isEmpty)
        let row = try await port(rig)
        #expect(row.workflow.verdict.line == .pass)
        #expect(row.workflow.verdict.service == nil)
        #expect(row.workflow.verdict.overall == nil)
    }

    @Test func aDaemonStoppedDuringTheWaitResumesItAndTakesTheProbesResult() async throws {
        let rig = try await rig(accounts: ["u1"])
        let store = rig.store
        // The first daemon stops (its task cancelled) at its first sleep of the service wait.
        let stopping = HookedClock(rig.clock) {
            if (try? await store.activeTestRuns().first?.step) == .awaitingService {
                withUnsafeCurrentTask { $0?.cancel() }
            }
        }
        let first = engine(rig, clock: stopping)
        let started = try await first.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        let parked = await Task { await first.execute(started) }.value
        #expect(parked.step == .awaitingService)
        #expect(try await store.serviceTest(runID: started.id)?.username == "u1")

        // The restarted daemon finds the run active and resumes its wait; the probe posts.
        let second = engine(
            rig, clock: HookedClock(rig.clock, hook: Self.probe(store, Self.measurement(down: 300, up: 300))))
        #expect(try await store.activeTestRuns().map(\.id) == [started.id])
        await second.resume()
        let run = try #require(try await store.testRun(id: started.id))
        #expect(run.step == .finished)
        #expect(try await port(rig).workflow.verdict.overall == .pass)
        #expect(rig.olt.configuredONUs(on: EngineRig.pon).count == 1)
    }
}
