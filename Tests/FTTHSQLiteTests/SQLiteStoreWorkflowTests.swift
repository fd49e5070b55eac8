import FTTHCore
import FTTHSQLite
import Foundation
import GRDB
import Testing

@Suite struct SQLiteStoreWorkflowTests {
    let city = CVLANRange(name: "city", first: VLANID(3000)!, last: VLANID(3002)!)

    func imported() async throws -> TemporaryStore {
        let t = try TemporaryStore()
        _ = try await t.store.importProjects(
            try samplePlan(), namingRule: .standard, source: "a.csv", at: t0, progress: nil)
        return t
    }

    func key(_ splitter: String, _ port: Int, project: String = "P1") -> PortKey {
        PortKey(projectCode: project, splitter: splitter, port: port)
    }

    @Test func activationAllocatesTheLowestFreeCVLANPerOLTAndSVLAN() async throws {
        let t = try await imported()
        let a = try await t.store.recordActivation(
            key("SP-A", 1), serial: ONUSerial("485754431A2B3C4D"), configuredRanges: [city], at: t0)
        let b = try await t.store.recordActivation(key("SP-A", 2), serial: nil, configuredRanges: [city], at: t0)
        // SP-C is on PON 0/1/1 with SVLAN 1002: the same CVLAN may be used again there.
        let c = try await t.store.recordActivation(key("SP-C", 1), serial: nil, configuredRanges: [city], at: t0)
        #expect(a.cvlan == VLANID(3000))
        #expect(b.cvlan == VLANID(3001))
        #expect(c.cvlan == VLANID(3000))
        #expect(a.onuSerial?.text == "HWTC1A2B3C4D")
        #expect(a.workflow.activation == .activated)
    }

    @Test func reactivatingKeepsTheCVLANAndDeactivationReleasesIt() async throws {
        let t = try await imported()
        let first = try await t.store.recordActivation(key("SP-A", 1), serial: nil, configuredRanges: [city], at: t0)
        let again = try await t.store.recordActivation(key("SP-A", 1), serial: nil, configuredRanges: [city], at: t0)
        #expect(first.cvlan == again.cvlan)
        try await t.store.recordDeactivation(key("SP-A", 1), at: t0)
        let row = try await t.store.activationList(projectCode: "P1").first { $0.key == key("SP-A", 1) }
        #expect(row?.cvlan == nil)
        #expect(row?.workflow.activation == .deactivated)
        let next = try await t.store.recordActivation(key("SP-A", 2), serial: nil, configuredRanges: [city], at: t0)
        #expect(next.cvlan == VLANID(3000))
    }

    @Test func exhaustionNamesTheRangeAndLeavesThePortUnactivated() async throws {
        let t = try await imported()
        for port in 1...3 {
            _ = try await t.store.recordActivation(key("SP-A", port), serial: nil, configuredRanges: [city], at: t0)
        }
        await #expect {
            _ = try await t.store.recordActivation(key("SP-A", 4), serial: nil, configuredRanges: [city], at: t0)
        } throws: { error in
            guard let e = error as? StoreError, case .cvlan(let k, .exhausted) = e else { return false }
            return k == key("SP-A", 4) && "\(e)".contains("'city' 3000-3002") && "\(e)".contains("SVLAN 1001")
        }
        let row = try await t.store.activationList(projectCode: "P1").first { $0.key == key("SP-A", 4) }
        #expect(row?.workflow.activation == .notActivated)
        #expect(row?.cvlan == nil)
    }

    @Test func storedRangesForTheOLTComeFirst() async throws {
        let t = try await imported()
        _ = try await t.store.importCVLANRanges(
            try CVLANRangeImport(csv: "name,olt_ip,first,last\nhw1,10.0.0.1,3900,3901\n", file: "r.csv"),
            source: "r.csv", at: t0)
        let a = try await t.store.recordActivation(key("SP-A", 1), serial: nil, configuredRanges: [city], at: t0)
        #expect(a.cvlan == VLANID(3900))
        // The ZTE OLT has no range of its own: it takes from the range for any OLT.
        let z = try await t.store.recordActivation(
            key("RC-1", 1, project: "P2"), serial: nil, configuredRanges: [city], at: t0)
        #expect(z.cvlan == VLANID(3000))
    }

    @Test func resultsAreAppendOnlyAndARetestAddsARow() async throws {
        let t = try await imported()
        let k = key("SP-A", 1)
        _ = try await t.store.recordActivation(k, serial: nil, configuredRanges: [city], at: t0)
        let fail = ThresholdProfile.build.evaluate(failing)
        try await t.store.recordLineResult(k, readings: failing, verdict: fail, at: t0)
        try await t.store.reportRework(k, note: "re-spliced connector at SP-A", at: t0.addingTimeInterval(3600))
        let pass = ThresholdProfile.build.evaluate(passing)
        try await t.store.recordLineResult(k, readings: passing, verdict: pass, at: t0.addingTimeInterval(7200))

        let results = try await t.store.lineResults(k)
        #expect(results.map(\.verdict.verdict) == [.fail, .pass])
        #expect(results[0].readings == failing)
        #expect(results[0].verdict.reasons.first?.contains("ONU rx -21.40 dBm below build limit -20.00 dBm") == true)
        #expect(results[1].at == t0.addingTimeInterval(7200))

        let history = try await t.store.portHistory(k)
        #expect(history.map(\.event) == ["activated", "line_result", "rework_reported", "line_result"])
        #expect(history[2].detail == "re-spliced connector at SP-A")

        let row = try await t.store.activationList(projectCode: "P1").first { $0.key == k }
        #expect(row?.workflow.verdict.line == .pass)
        #expect(row?.workflow.testStatus == .done)
        let summary = try await t.store.projects().first { $0.project.code == "P1" }
        #expect(summary?.tested == 1)
        #expect(summary?.passed == 1)

        // The history tables refuse changes even from SQL written by hand.
        let queue = try DatabaseQueue(path: t.path)
        for sql in [
            "UPDATE line_results SET verdict = 'pass'", "DELETE FROM line_results", "DELETE FROM port_events",
            "UPDATE project_events SET actor = 'x'",
        ] {
            #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: sql) } }
        }
        #expect(try await t.store.lineResults(k).count == 2)
    }

    @Test func illegalTransitionsAreRefusedAndChangeNothing() async throws {
        let t = try await imported()
        let k = key("SP-A", 1)
        let before = try dump(t.path)
        await #expect {
            try await t.store.recordLineResult(
                k, readings: passing, verdict: ThresholdProfile.build.evaluate(passing), at: t0)
        } throws: { error in
            guard let e = error as? StoreError, case .illegalTransition(let pk, let transition) = e else {
                return false
            }
            return pk == k && transition.reason.contains("activate it first")
        }
        await #expect(throws: StoreError.self) { try await t.store.recordDeactivation(k, at: t0) }
        await #expect(throws: StoreError.self) { try await t.store.reportRework(k, note: "x", at: t0) }
        #expect(try dump(t.path) == before)
    }

    @Test func unknownPortsAndProjectsAreNotFound() async throws {
        let t = try await imported()
        await #expect {
            _ = try await t.store.recordActivation(key("SP-A", 9), serial: nil, configuredRanges: [city], at: t0)
        } throws: { error in
            guard let e = error as? StoreError, case .notFound(let what) = e else { return false }
            return what.contains("P1 / SP-A / port 9")
        }
        await #expect(throws: StoreError.self) { _ = try await t.store.activationList(projectCode: "NOPE") }
    }

    @Test func projectWorkflowIsPersistedWithItsHistory() async throws {
        let t = try await imported()
        #expect(try await t.store.applyProjectEvent("P1", .startTesting, actor: "crew-7", at: t0) == .testing)
        #expect(
            try await t.store.applyProjectEvent(
                "P1", .testsCompleted(passed: 15, failed: 1, untested: 0), actor: "engine", at: t0)
                == .rework)
        await #expect {
            _ = try await t.store.applyProjectEvent("P1", .approve, actor: "admin", at: t0)
        } throws: { error in
            "\(error)".contains("only a project whose ports all passed can be approved")
        }
        #expect(try await t.store.applyProjectEvent("P1", .startTesting, actor: "crew-7", at: t0) == .testing)
        #expect(
            try await t.store.applyProjectEvent(
                "P1", .testsCompleted(passed: 16, failed: 0, untested: 0), actor: "engine", at: t0)
                == .awaitingReview)
        #expect(try await t.store.applyProjectEvent("P1", .approve, actor: "admin", at: t0) == .accepted)
        #expect(try await t.store.projects().first?.project.state == .accepted)
        let queue = try DatabaseQueue(path: t.path)
        let events = try await queue.read { db in
            try String.fetchAll(db, sql: "SELECT to_state FROM project_events ORDER BY id")
        }
        #expect(events == ["entered", "entered", "testing", "rework", "testing", "awaiting_review", "accepted"])
    }
}
