import FTTHCore
import FTTHEngine
import Foundation
import Testing

@Suite struct SchedulerPolicyTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    static func row(_ workflow: PortWorkflow) -> ActivationListRow {
        ActivationListRow(
            key: PortKey(projectCode: "P1", splitter: "SP-A", port: 1), olt: ManagementAddress("10.0.0.1")!,
            oltName: "HW-1", dialect: .huaweiMA5600T, pon: PONAddress("0/1/0")!, onuName: "FT-1", svlan: VLANID(100)!,
            cvlan: VLANID(3000), onuSerial: nil, onuPassword: nil, workflow: workflow)
    }

    static func run(endedAt: Date, step: TestRunStep = .finished) -> TestRun {
        TestRun(
            id: 1, port: row(PortWorkflow()), step: step, profile: "build", cvlan: VLANID(3000)!, onuID: 1, attempt: 0,
            startedAt: endedAt, updatedAt: endedAt, outcome: nil)
    }

    static let failed = PortWorkflow(activation: .activated, verdict: PortVerdict(line: .fail))
    static let passed = PortWorkflow(activation: .activated, verdict: PortVerdict(line: .pass))
    let policy = SchedulerPolicy(
        retestInterval: .seconds(600), maximumRetestInterval: .seconds(3600), maxAutomaticRetests: 3,
        abandonAfter: .seconds(86400))

    @Test func aFailedPortIsRetestedAfterAGrowingIntervalUpToTheLimit() {
        let ended = Self.run(endedAt: Self.t0)
        #expect(policy.decide(Self.row(Self.failed), runs: [ended], automaticRetests: 0, now: Self.t0 + 599) == nil)
        #expect(
            policy.decide(Self.row(Self.failed), runs: [ended], automaticRetests: 0, now: Self.t0 + 600)
                == .retest(reason: "line failed; automatic re-test 1 of 3"))
        // After one automatic re-test the wait doubles: 1200 s, then 2400 s, capped at 3600 s.
        #expect(policy.decide(Self.row(Self.failed), runs: [ended], automaticRetests: 1, now: Self.t0 + 1199) == nil)
        #expect(policy.decide(Self.row(Self.failed), runs: [ended], automaticRetests: 1, now: Self.t0 + 1200) != nil)
        #expect(policy.decide(Self.row(Self.failed), runs: [ended], automaticRetests: 2, now: Self.t0 + 2400) != nil)
        // Limit reached: left to the crew (until it is abandoned).
        #expect(policy.decide(Self.row(Self.failed), runs: [ended], automaticRetests: 3, now: Self.t0 + 7200) == nil)
    }

    @Test func reworkIsRetestedAtOnceAndRunningOrInactivePortsAreLeftAlone() {
        let rework = PortWorkflow(activation: .activated, verdict: PortVerdict(), awaitingRetest: true)
        #expect(
            policy.decide(Self.row(rework), runs: [Self.run(endedAt: Self.t0)], automaticRetests: 3, now: Self.t0)
                == .retest(reason: "rework reported; re-testing"))
        let running = Self.run(endedAt: Self.t0, step: .awaitingOnline)
        #expect(policy.decide(Self.row(rework), runs: [running], automaticRetests: 0, now: Self.t0 + 1e6) == nil)
        let deactivated = PortWorkflow(activation: .deactivated, verdict: PortVerdict(line: .fail))
        #expect(policy.decide(Self.row(deactivated), runs: [], automaticRetests: 0, now: Self.t0) == nil)
    }

    @Test func aTestONUNobodyTestedForTooLongIsAbandoned() {
        let ended = Self.run(endedAt: Self.t0)
        #expect(policy.decide(Self.row(Self.passed), runs: [ended], automaticRetests: 0, now: Self.t0 + 86399) == nil)
        guard
            case .abandon(let reason)? = policy.decide(
                Self.row(Self.passed), runs: [ended], automaticRetests: 0, now: Self.t0 + 86400)
        else {
            Issue.record("expected abandon")
            return
        }
        #expect(reason.contains("no test for 24 h"))
    }
}

@Suite(.timeLimit(.minutes(2))) struct SchedulerPassTests {
    @Test func reworkedPortsAreRetestedAndTheResultRecorded() async throws {
        let rig = try await EngineRig().imported()
        let engine = rig.engine()
        // No engine loop: the test executes each run itself, so no second copy races it.
        _ = try await rig.store.applyProjectEvent("P1", .startTesting, actor: "crew", at: Date())
        // A first test with a serial no ONT has: no light, fail.
        let first = try await engine.begin(EngineRig.port(3), serial: ONUSerial("HWTCDEAD0001"), profile: "build")
        _ = await engine.execute(first)
        #expect(try await rig.store.lineResults(EngineRig.port(3)).last?.verdict.verdict == .fail)
        // The builder reports rework: the scheduler re-tests at once, without the crew.
        try await rig.store.reportRework(EngineRig.port(3), note: "re-spliced", at: Date())

        let scheduler = AcceptanceScheduler(
            engine: engine, store: rig.store, policy: SchedulerPolicy(), clock: rig.clock,
            now: { Date(timeIntervalSince1970: 1_790_000_000) })
        let pass = try await scheduler.pass()
        #expect(pass.retested == [EngineRig.port(3)])
        // The scheduler began the re-test and queued it for the daemon's loop; run it here.
        let retest = try #require(try await rig.store.activeTestRuns().first)
        #expect(retest.port.key == EngineRig.port(3))
        _ = await engine.execute(retest)
        let events = try await rig.store.portHistory(EngineRig.port(3)).map(\.event)
        #expect(events.contains("scheduled_retest"))
        #expect(try await rig.store.testRuns(EngineRig.port(3)).map(\.step) == [.finished, .finished])
        #expect(try await rig.store.lineResults(EngineRig.port(3)).count == 2)
        // Nothing more to do until the interval passes.
        #expect(try await scheduler.pass() == AcceptanceScheduler.Pass())
    }
}

@Suite struct HandOverTests {
    /// Approval hands the project over: its test ONUs leave the OLT, then its passed ports are
    /// queued for the account-opening system, once.
    @Test func anApprovedProjectIsDeactivatedThenQueuedForThePush() async throws {
        let rig = try await EngineRig().imported()
        let engine = rig.engine()
        _ = try await rig.store.applyProjectEvent("P1", .startTesting, actor: "crew", at: Date())
        let run = try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        #expect(await engine.execute(run).step == .finished)
        _ = try await rig.store.applyProjectEvent(
            "P1", .testsCompleted(passed: 1, failed: 0, untested: 0), actor: "crew", at: Date())
        _ = try await rig.store.applyProjectEvent("P1", .approve, actor: "admin", at: Date())
        let customer = try rig.olt.configure(
            pon: EngineRig.pon, id: nil, serial: ONUSerial("HWTC00000C01"), name: "customer-0001",
            lineProfile: "ftth-test", serviceProfile: "ftth-test")

        let scheduler = AcceptanceScheduler(
            engine: engine, store: rig.store, policy: SchedulerPolicy(), clock: rig.clock,
            now: { Date(timeIntervalSince1970: 1_790_000_000) })
        let pass = try await scheduler.pass()
        #expect(pass.handedOver == ["P1"])
        #expect(rig.olt.configuredONUs(on: EngineRig.pon).map(\.id) == [customer])
        let messages = try await rig.store.outboxMessages(projectCode: "P1")
        #expect(messages.map(\.port) == [EngineRig.port(3)])
        // Nothing more on the next pass: one message per port and approval.
        #expect(try await scheduler.pass().handedOver.isEmpty)
        #expect(try await rig.store.outboxMessages(projectCode: "P1").count == 1)
    }
}
