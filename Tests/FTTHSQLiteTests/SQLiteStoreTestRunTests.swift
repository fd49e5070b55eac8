import FTTHCore
import FTTHSQLite
import Foundation
import GRDB
import Testing

@Suite struct SQLiteStoreTestRunTests {
    let city = CVLANRange(name: "city", first: VLANID(3000)!, last: VLANID(3001)!)
    let sp = PortKey(projectCode: "P1", splitter: "SP-A", port: 1)

    func imported() async throws -> TemporaryStore {
        let t = try TemporaryStore()
        _ = try await t.store.importProjects(
            try samplePlan(), namingRule: .standard, source: "a.csv", at: t0, progress: nil)
        return t
    }

    @Test func aRunSurvivesReopeningTheStoreWithItsStepAndCVLAN() async throws {
        let t = try await imported()
        let run = try await t.store.beginTestRun(
            sp, serial: ONUSerial("HWTC7E570001"), profile: .build, configuredRanges: [city], at: t0)
        let moved = try await t.store.advanceTestRun(
            run.id, to: .awaitingOnline, onuID: 4, attempt: 0, outcome: nil, at: t0)
        #expect(moved.port.workflow.activation == .activated)

        let reopened = try SQLiteStore(path: t.path)
        let active = try await reopened.activeTestRuns()
        #expect(active.map(\.id) == [run.id])
        #expect(active.first?.step == .awaitingOnline)
        #expect(active.first?.onuID == 4)
        #expect(active.first?.cvlan == VLANID(3000))
        #expect(active.first?.port.onuSerial == ONUSerial("HWTC7E570001"))
    }

    let p1 = PortKey(projectCode: "P2", splitter: "RC-1", port: 1)
    let p2 = PortKey(projectCode: "P2", splitter: "RC-1", port: 2)

    func state(_ t: TemporaryStore, _ code: String = "P2") async throws -> ProjectState? {
        let all = try await t.store.projects()
        return all.first { $0.project.code == code }?.project.state
    }

    func begin(_ t: TemporaryStore, _ port: PortKey) async throws -> TestRun {
        try await t.store.beginTestRun(port, serial: nil, profile: .build, configuredRanges: [city], at: t0)
    }

    /// The rest of a run begun with `begin`: its ONU online, the result recorded, the run ended.
    func finish(_ t: TemporaryStore, _ run: TestRun, _ readings: OpticalReadings, onu: Int) async throws {
        _ = try await t.store.advanceTestRun(run.id, to: .reading, onuID: onu, attempt: 0, outcome: nil, at: t0)
        let verdict = ThresholdProfile.build.evaluate(readings)
        _ = try await t.store.finishTestRun(
            run.id, readings: readings, verdict: verdict, outcome: verdict.summary, at: t0)
    }

    /// The project follows its ports: the first test starts testing; when every port has a
    /// result it goes to review if all passed, else to rework; a re-test after rework starts
    /// testing again. Each change is in the project's history with who made it.
    @Test func theProjectStateFollowsItsPortTests() async throws {
        let t = try await imported()
        func state() async throws -> ProjectState? { try await self.state(t) }
        /// One run of `port` from its start to a recorded result.
        func test(_ port: PortKey, _ readings: OpticalReadings, onu: Int) async throws {
            let run = try await begin(t, port)
            #expect(try await state() == .testing)
            try await finish(t, run, readings, onu: onu)
        }
        #expect(try await state() == .entered)
        try await test(p1, passing, onu: 1)
        #expect(try await state() == .testing)
        try await test(p2, failing, onu: 2)
        #expect(try await state() == .rework)

        try await t.store.reportRework(p2, note: "connector cleaned", at: t0)
        try await test(p2, passing, onu: 2)
        #expect(try await state() == .awaitingReview)
        #expect(try await t.store.applyProjectEvent("P2", .approve, actor: "admin", at: t0) == .accepted)
        // P1 was not touched.
        #expect(try await t.store.projects().first { $0.project.code == "P1" }?.project.state == .entered)
    }

    /// A crew may test a port again while the project is in review. Approval waits for that
    /// test (it would remove the test ONU under it); a failed re-test sends the project back to
    /// rework, naming the port and why. Once accepted, the project's ports are not tested.
    @Test func aReTestDuringReviewHoldsApprovalAndAFailureSendsTheProjectBack() async throws {
        let t = try await imported()
        func state() async throws -> ProjectState? { try await self.state(t) }
        func begin(_ port: PortKey) async throws -> TestRun { try await self.begin(t, port) }
        func finish(_ run: TestRun, _ readings: OpticalReadings, onu: Int) async throws {
            try await self.finish(t, run, readings, onu: onu)
        }
        try await finish(try await begin(p1), passing, onu: 1)
        try await finish(try await begin(p2), passing, onu: 2)
        #expect(try await state() == .awaitingReview)

        // A re-check of port 1: the review stays open, but approval waits for the result.
        let again = try await begin(p1)
        #expect(try await state() == .awaitingReview)
        await #expect {
            _ = try await t.store.applyProjectEvent("P2", .approve, actor: "admin", at: t0)
        } throws: { error in
            "\(error)".contains("port 1 of splitter RC-1 is being tested (run \(again.id)")
        }
        try await finish(again, failing, onu: 1)
        #expect(try await state() == .rework)
        let queue = try DatabaseQueue(path: t.path)
        let last = try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT event, from_state, actor, detail FROM project_events ORDER BY id DESC")
        }
        #expect(last?["event"] == "re-test failed")
        #expect(last?["from_state"] == "awaiting_review")
        #expect(last?["actor"] == "ftth-acceptd")
        #expect((last?["detail"] as String?)?.hasPrefix("P2 / RC-1 / port 1 failed its re-test: ONU rx") == true)

        // A passing re-test of a project in review changes nothing; once approved, no more tests.
        try await t.store.reportRework(p1, note: "connector cleaned", at: t0)
        try await finish(try await begin(p1), passing, onu: 1)
        #expect(try await state() == .awaitingReview)
        try await finish(try await begin(p2), passing, onu: 2)
        #expect(try await state() == .awaitingReview)
        #expect(try await t.store.applyProjectEvent("P2", .approve, actor: "admin", at: t0) == .accepted)
        await #expect {
            _ = try await begin(p2)
        } throws: { error in
            "\(error)".contains("project P2 is accepted: its ports are accepted into inventory")
        }
    }

    @Test func oneActiveRunPerPortAndAnEndedRunCannotMove() async throws {
        let t = try await imported()
        let run = try await t.store.beginTestRun(sp, serial: nil, profile: .build, configuredRanges: [city], at: t0)
        await #expect(throws: StoreError.self) {
            _ = try await t.store.beginTestRun(sp, serial: nil, profile: .build, configuredRanges: [city], at: t0)
        }
        _ = try await t.store.advanceTestRun(run.id, to: .failed, onuID: nil, attempt: 0, outcome: "refused", at: t0)
        await #expect(throws: StoreError.self) {
            _ = try await t.store.advanceTestRun(run.id, to: .reading, onuID: 1, attempt: 0, outcome: nil, at: t0)
        }
        // The failed run gave its CVLAN back; a new run may start and takes it again.
        let again = try await t.store.beginTestRun(sp, serial: nil, profile: .build, configuredRanges: [city], at: t0)
        #expect(again.cvlan == VLANID(3000))
        #expect(try await t.store.testRuns(sp).map(\.step) == [.failed, .provisioning])
    }

    @Test func reservedCVLANsAreNotHandedOutTwice() async throws {
        let t = try await imported()
        let a = try await t.store.beginTestRun(sp, serial: nil, profile: .build, configuredRanges: [city], at: t0)
        let b = try await t.store.beginTestRun(
            PortKey(projectCode: "P1", splitter: "SP-A", port: 2), serial: nil, profile: .build,
            configuredRanges: [city], at: t0)
        #expect([a.cvlan, b.cvlan] == [VLANID(3000), VLANID(3001)])
        await #expect(throws: StoreError.self) {
            _ = try await t.store.beginTestRun(
                PortKey(projectCode: "P1", splitter: "SP-A", port: 3), serial: nil, profile: .build,
                configuredRanges: [city], at: t0)
        }
    }
}
