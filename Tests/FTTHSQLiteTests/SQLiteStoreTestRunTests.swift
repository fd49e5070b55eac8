import FTTHCore
import FTTHSQLite
import Foundation
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
            sp, serial: ONUSerial("HWTC7E570001"), profile: "build", configuredRanges: [city], at: t0)
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

    /// The project follows its ports: the first test starts testing; when every port has a
    /// result it goes to review if all passed, else to rework; a re-test after rework starts
    /// testing again. Each change is in the project's history with who made it.
    @Test func theProjectStateFollowsItsPortTests() async throws {
        let t = try await imported()
        func state() async throws -> ProjectState? {
            let all = try await t.store.projects()
            return all.first { $0.project.code == "P2" }?.project.state
        }
        let p1 = PortKey(projectCode: "P2", splitter: "RC-1", port: 1)
        let p2 = PortKey(projectCode: "P2", splitter: "RC-1", port: 2)
        /// One run of `port` from its start to a recorded result.
        func test(_ port: PortKey, _ readings: OpticalReadings, onu: Int) async throws {
            let run = try await t.store.beginTestRun(
                port, serial: nil, profile: "build", configuredRanges: [city], at: t0)
            #expect(try await state() == .testing)
            _ = try await t.store.advanceTestRun(run.id, to: .reading, onuID: onu, attempt: 0, outcome: nil, at: t0)
            try await t.store.recordLineResult(
                port, readings: readings, verdict: ThresholdProfile.build.evaluate(readings), at: t0)
            _ = try await t.store.advanceTestRun(run.id, to: .finished, onuID: onu, attempt: 0, outcome: nil, at: t0)
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

    @Test func oneActiveRunPerPortAndAnEndedRunCannotMove() async throws {
        let t = try await imported()
        let run = try await t.store.beginTestRun(sp, serial: nil, profile: "build", configuredRanges: [city], at: t0)
        await #expect(throws: StoreError.self) {
            _ = try await t.store.beginTestRun(sp, serial: nil, profile: "build", configuredRanges: [city], at: t0)
        }
        _ = try await t.store.advanceTestRun(run.id, to: .failed, onuID: nil, attempt: 0, outcome: "refused", at: t0)
        await #expect(throws: StoreError.self) {
            _ = try await t.store.advanceTestRun(run.id, to: .reading, onuID: 1, attempt: 0, outcome: nil, at: t0)
        }
        // The failed run gave its CVLAN back; a new run may start and takes it again.
        let again = try await t.store.beginTestRun(sp, serial: nil, profile: "build", configuredRanges: [city], at: t0)
        #expect(again.cvlan == VLANID(3000))
        #expect(try await t.store.testRuns(sp).map(\.step) == [.failed, .provisioning])
    }

    @Test func reservedCVLANsAreNotHandedOutTwice() async throws {
        let t = try await imported()
        let a = try await t.store.beginTestRun(sp, serial: nil, profile: "build", configuredRanges: [city], at: t0)
        let b = try await t.store.beginTestRun(
            PortKey(projectCode: "P1", splitter: "SP-A", port: 2), serial: nil, profile: "build",
            configuredRanges: [city], at: t0)
        #expect([a.cvlan, b.cvlan] == [VLANID(3000), VLANID(3001)])
        await #expect(throws: StoreError.self) {
            _ = try await t.store.beginTestRun(
                PortKey(projectCode: "P1", splitter: "SP-A", port: 3), serial: nil, profile: "build",
                configuredRanges: [city], at: t0)
        }
    }
}
