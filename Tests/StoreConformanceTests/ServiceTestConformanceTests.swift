import FTTHCore
import Foundation
import Testing

/// The contract of ``ServiceTestStore``: a test account is held by one active run at most, a
/// probe's result is recorded once and a repeat with the same key answers the same.
@Suite("Store conformance: service tests")
struct ServiceTestConformanceTests {
    typealias Base = StoreConformanceTests
    static let csv = """
        project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports,service_test,plan_mbps
        S1,Service Court,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-S,1:8,3,yes,300
        """
    static let s1 = PortKey(projectCode: "S1", splitter: "SP-S", port: 1)
    static let s2 = PortKey(projectCode: "S1", splitter: "SP-S", port: 2)
    static let s3 = PortKey(projectCode: "S1", splitter: "SP-S", port: 3)
    static let range = CVLANRange(name: "svc", first: VLANID(3100)!, last: VLANID(3109)!)

    func imported(_ kind: StoreKind, accounts: [String]) async throws -> StoreKind.Handle {
        let handle = try await kind.make()
        _ = try await handle.store.importProjects(
            try ProjectImportPlan(csv: Self.csv, file: "s1.csv"), namingRule: .standard, source: "s1.csv",
            at: Base.t0, progress: nil)
        if !accounts.isEmpty {
            let csv = "username,password\n" + accounts.map { "\($0),pw-\($0)" }.joined(separator: "\n")
            _ = try await handle.store.importTestAccounts(
                try TestAccountImport(csv: csv, file: "accounts.csv"), source: "accounts.csv", at: Base.t0)
        }
        return handle
    }

    /// Takes a run of `port` to its line result; in this project it then awaits its service test.
    func lineDone(_ store: any TestRunStore, _ port: PortKey, serial: String, onu: Int) async throws -> TestRun {
        let run = try await store.beginTestRun(
            port, serial: ONUSerial(serial), profile: .build, configuredRanges: [Self.range], at: Base.t0)
        _ = try await store.advanceTestRun(
            run.id, to: .awaitingOnline, onuID: onu, attempt: 0, outcome: nil, at: Base.t0)
        _ = try await store.advanceTestRun(run.id, to: .reading, onuID: onu, attempt: 0, outcome: nil, at: Base.t0)
        let verdict = ThresholdProfile.build.evaluate(Base.good)
        return try await store.finishTestRun(
            run.id, readings: Base.good, verdict: verdict, outcome: verdict.summary, at: Base.t0)
    }

    static func passing(_ planMbps: Double = 300) -> ServiceVerdict {
        ServiceRule.judge(
            ServiceMeasurement(dialSucceeded: true, downMbps: 290, upMbps: 280, measuredAt: Base.t0),
            planMbps: planMbps, minFraction: 0.8)
    }

    @Test(arguments: StoreKind.allCases)
    func aRunOfAServiceProjectAwaitsItsServiceTestHoldingAnAccountAndTheLineVerdictAloneIsNotOverall(
        _ kind: StoreKind
    ) async throws {
        let handle = try await imported(kind, accounts: ["u1"])
        let store = handle.store
        let run = try await lineDone(store, Self.s1, serial: "HWTC00000001", onu: 1)
        #expect(run.step == .awaitingService)
        #expect(run.step.isActive)
        let test = try #require(try await store.serviceTest(runID: run.id))
        #expect(test.username == "u1")
        #expect(test.state == .waiting)
        #expect(test.planMbps == 300)
        let row = try #require(try await store.activationList(projectCode: "S1").first { $0.key == Self.s1 })
        #expect(row.workflow.verdict.line == .pass)
        #expect(row.workflow.verdict.overall == nil)
        #expect(try await store.activeTestRuns().map(\.id) == [run.id])
        // A second test of the same port waits for this one.
        await #expect(throws: StoreError.self) {
            _ = try await store.beginTestRun(
                Self.s1, serial: nil, profile: .build, configuredRanges: [Self.range], at: Base.t0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anAccountIsHeldByOneActiveRunAtATimeAndIsFreeAgainWhenItsRunEnds(_ kind: StoreKind) async throws {
        let handle = try await imported(kind, accounts: ["u1"])
        let store = handle.store
        let first = try await lineDone(store, Self.s1, serial: "HWTC00000001", onu: 1)
        let second = try await lineDone(store, Self.s2, serial: "HWTC00000002", onu: 2)
        #expect(try await store.serviceTest(runID: first.id)?.username == "u1")
        #expect(try await store.serviceTest(runID: second.id)?.username == nil)
        // The first run ends (cancelled): the account is free for the next run.
        _ = try await store.advanceTestRun(
            first.id, to: .cancelled, onuID: 1, attempt: 0, outcome: "cancelled", at: Base.t0)
        #expect(try await store.serviceTest(runID: first.id)?.state == .done)
        let third = try await lineDone(store, Self.s3, serial: "HWTC00000003", onu: 3)
        #expect(try await store.serviceTest(runID: third.id)?.username == "u1")
    }

    @Test(arguments: StoreKind.allCases)
    func aProbeTakesTheOldestWaitingTestWithAnAccountAndNothingWhenNoneWaits(_ kind: StoreKind) async throws {
        let handle = try await imported(kind, accounts: ["u1", "u2"])
        let store = handle.store
        #expect(try await store.claimServiceTest(by: "probe-1", at: Base.t0) == nil)
        let first = try await lineDone(store, Self.s1, serial: "HWTC00000001", onu: 1)
        let second = try await lineDone(store, Self.s2, serial: "HWTC00000002", onu: 2)
        let claim = try #require(try await store.claimServiceTest(by: "probe-1", at: Base.t0))
        #expect(claim.test.runID == first.id)
        #expect(claim.account == TestAccount(username: "u1", password: "pw-u1"))
        #expect(claim.test.state == .claimed)
        #expect(claim.test.claimedBy == "probe-1")
        #expect(claim.run.port.key == Self.s1)
        #expect(try await store.claimServiceTest(by: "probe-2", at: Base.t0)?.test.runID == second.id)
        #expect(try await store.claimServiceTest(by: "probe-3", at: Base.t0) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func aResultIsRecordedOnceAndARepeatWithTheSameKeyAndBodyAnswersTheSame(_ kind: StoreKind) async throws {
        let handle = try await imported(kind, accounts: ["u1"])
        let store = handle.store
        let run = try await lineDone(store, Self.s1, serial: "HWTC00000001", onu: 1)
        let claim = try #require(try await store.claimServiceTest(by: "probe-1", at: Base.t0))
        let verdict = Self.passing()
        let first = try await store.recordServiceResult(
            claim.test.id, verdict: verdict, idempotencyKey: "k1", bodyDigest: "d1", at: Base.t0)
        #expect(!first.replayed)
        #expect(first.test.verdict == verdict)
        let again = try await store.recordServiceResult(
            claim.test.id, verdict: verdict, idempotencyKey: "k1", bodyDigest: "d1", at: Base.t0)
        #expect(again.replayed)
        #expect(again.test == first.test)
        await #expect(throws: StoreError.self, "the same key with another body") {
            _ = try await store.recordServiceResult(
                claim.test.id, verdict: verdict, idempotencyKey: "k1", bodyDigest: "d2", at: Base.t0)
        }
        await #expect(throws: StoreError.self, "a second result under another key") {
            _ = try await store.recordServiceResult(
                claim.test.id, verdict: verdict, idempotencyKey: "k2", bodyDigest: "d1", at: Base.t0)
        }
        // The engine ends the run with it: the port's verdicts, the account free again.
        let ended = try await store.finishServiceTest(
            runID: run.id, verdict: verdict, outcome: "service pass", at: Base.t0)
        #expect(ended.step == .finished)
        let row = try #require(try await store.activationList(projectCode: "S1").first { $0.key == Self.s1 })
        #expect(row.workflow.verdict == PortVerdict(line: .pass, service: .pass, serviceRequired: true))
        #expect(row.workflow.verdict.overall == .pass)
        #expect(try await store.serviceTest(runID: run.id)?.state == .done)
        #expect(try await store.serviceTests(Self.s1).map(\.id) == [claim.test.id])
        await #expect(throws: StoreError.self, "the service result is recorded once") {
            _ = try await store.finishServiceTest(runID: run.id, verdict: verdict, outcome: "again", at: Base.t0)
        }
        let summary = try #require(try await store.projects().first { $0.project.code == "S1" })
        #expect(summary.project.serviceTest)
        #expect(summary.passed == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func aResultForATestThatEndedIsAConflictAndAnUnknownTestIsNotFound(_ kind: StoreKind) async throws {
        let handle = try await imported(kind, accounts: ["u1"])
        let store = handle.store
        let run = try await lineDone(store, Self.s1, serial: "HWTC00000001", onu: 1)
        let test = try #require(try await store.serviceTest(runID: run.id))
        _ = try await store.advanceTestRun(
            run.id, to: .cancelled, onuID: 1, attempt: 0, outcome: "cancelled", at: Base.t0)
        await #expect(throws: StoreError.self) {
            _ = try await store.recordServiceResult(
                test.id, verdict: Self.passing(), idempotencyKey: "k1", bodyDigest: "d1", at: Base.t0)
        }
        do {
            _ = try await store.recordServiceResult(
                999, verdict: Self.passing(), idempotencyKey: nil, bodyDigest: "d", at: Base.t0)
            Issue.record("an unknown service test was accepted")
        } catch let error as StoreError {
            #expect(error.code == "store.not_found")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aFailedServiceFailsTheOverallVerdictAndAProjectWithoutServiceTestsJudgesByLine(_ kind: StoreKind)
        async throws
    {
        let handle = try await imported(kind, accounts: [])
        let store = handle.store
        let run = try await lineDone(store, Self.s1, serial: "HWTC00000001", onu: 1)
        #expect(try await store.serviceTest(runID: run.id)?.username == nil)
        _ = try await store.finishServiceTest(
            runID: run.id, verdict: ServiceRule.noTestAccount(planMbps: 300, minFraction: 0.8), outcome: "no account",
            at: Base.t0)
        let row = try #require(try await store.activationList(projectCode: "S1").first { $0.key == Self.s1 })
        #expect(row.workflow.verdict.overall == .fail)
        #expect(try await store.projects().first { $0.project.code == "S1" }?.failed == 1)

        // The line-only project of the other contract tests: overall is the line verdict.
        _ = try await store.importProjects(
            try ProjectImportPlan(csv: Base.csv, file: "p1.csv"), namingRule: .standard, source: "p1.csv",
            at: Base.t0, progress: nil)
        let line = try await store.beginTestRun(
            Base.p1, serial: ONUSerial("HWTC00000009"), profile: .build, configuredRanges: [Base.range], at: Base.t0)
        _ = try await store.advanceTestRun(
            line.id, to: .awaitingOnline, onuID: 9, attempt: 0, outcome: nil, at: Base.t0)
        _ = try await store.advanceTestRun(line.id, to: .reading, onuID: 9, attempt: 0, outcome: nil, at: Base.t0)
        let verdict = ThresholdProfile.build.evaluate(Base.good)
        let ended = try await store.finishTestRun(
            line.id, readings: Base.good, verdict: verdict, outcome: verdict.summary, at: Base.t0)
        #expect(ended.step == .finished)
        #expect(try await store.serviceTest(runID: line.id) == nil)
        let p1 = try #require(try await store.activationList(projectCode: "P1").first { $0.key == Base.p1 })
        #expect(p1.workflow.verdict.overall == .pass)
    }

    @Test(arguments: StoreKind.allCases)
    func aFailedLineEndsTheRunWithoutAServiceTestHoldingNoAccount(_ kind: StoreKind) async throws {
        let handle = try await imported(kind, accounts: ["u1"])
        let store = handle.store
        let run = try await store.beginTestRun(
            Self.s1, serial: ONUSerial("HWTC00000001"), profile: .build, configuredRanges: [Self.range], at: Base.t0)
        _ = try await store.advanceTestRun(run.id, to: .awaitingOnline, onuID: 1, attempt: 0, outcome: nil, at: Base.t0)
        _ = try await store.advanceTestRun(run.id, to: .reading, onuID: 1, attempt: 0, outcome: nil, at: Base.t0)
        let verdict = ThresholdProfile.build.evaluate(Base.weak)
        let ended = try await store.finishTestRun(
            run.id, readings: Base.weak, verdict: verdict, outcome: verdict.summary, at: Base.t0)
        #expect(ended.step == .finished)
        #expect(try await store.serviceTest(runID: run.id) == nil)
        let row = try #require(try await store.activationList(projectCode: "S1").first { $0.key == Self.s1 })
        #expect(row.workflow.verdict.overall == .fail)
    }

    @Test(arguments: StoreKind.allCases)
    func theProjectGoesToReviewOnlyOnceEveryPortHasItsServiceResultToo(_ kind: StoreKind) async throws {
        let handle = try await imported(kind, accounts: ["u1", "u2", "u3"])
        let store = handle.store
        var runs: [TestRun] = []
        for (i, port) in [Self.s1, Self.s2, Self.s3].enumerated() {
            runs.append(try await lineDone(store, port, serial: "HWTC0000000\(i + 1)", onu: i + 1))
        }
        #expect(try await store.projects().first { $0.project.code == "S1" }?.project.state == .testing)
        for run in runs {
            _ = try await store.finishServiceTest(runID: run.id, verdict: Self.passing(), outcome: "pass", at: Base.t0)
        }
        let summary = try #require(try await store.projects().first { $0.project.code == "S1" })
        #expect(summary.project.state == .awaitingReview)
        #expect(summary.passed == 3)
    }
}
