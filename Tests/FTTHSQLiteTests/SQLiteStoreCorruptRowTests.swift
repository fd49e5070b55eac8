import FTTHCore
import FTTHSQLite
import Foundation
import GRDB
import Testing

/// A row edited by hand or written by a broken version is an error naming its table and row;
/// the rest of the store goes on serving.
@Suite struct SQLiteStoreCorruptRowTests {
    @Test func aCorruptPortRowNamesItsTableAndRowAndTheOtherProjectsStillServe() async throws {
        let t = try TemporaryStore()
        _ = try await t.store.importProjects(
            try samplePlan(), namingRule: .standard, source: "sample.csv", at: t0, progress: nil)
        let queue = try DatabaseQueue(path: t.path)
        try await queue.write { db in
            try db.execute(sql: "UPDATE olts SET address = 'ten.0.0.2' WHERE name = 'ZTE-1'")
        }
        do {
            _ = try await t.store.activationList(projectCode: "P2")
            Issue.record("a corrupt row was read as if it were whole")
        } catch let error as StoreError {
            #expect(error.code == "store.corrupt_row")
            #expect(error.description.contains("of table splitter_ports is corrupt"))
            #expect(error.description.contains("its OLT address 'ten.0.0.2' is not an IP address"))
        }
        #expect(try await t.store.activationList(projectCode: "P1").count == 16)
        #expect(try await t.store.projects().count == 2)
    }

    @Test func aResultThatNoLongerDecodesIsAnErrorNotACrash() async throws {
        let t = try TemporaryStore()
        _ = try await t.store.importProjects(
            try samplePlan(), namingRule: .standard, source: "sample.csv", at: t0, progress: nil)
        let port = PortKey(projectCode: "P1", splitter: "SP-A", port: 1)
        let range = CVLANRange(name: "t", first: VLANID(3000)!, last: VLANID(3009)!)
        _ = try await t.store.recordActivation(port, serial: nil, configuredRanges: [range], at: t0)
        try await t.store.recordLineResult(
            port, readings: passing, verdict: ThresholdProfile.build.evaluate(passing), at: t0)
        let queue = try DatabaseQueue(path: t.path)
        try await queue.write { db in
            // History is append-only; a broken version (or a hand) got past that.
            try db.execute(sql: "DROP TRIGGER line_results_no_update")
            try db.execute(sql: "UPDATE line_results SET verdict_json = '{\"profile\": 1}'")
        }
        await #expect(throws: StoreError.self) { _ = try await t.store.lineResults(port) }
        do {
            _ = try await t.store.lineResults(port)
        } catch let error as StoreError {
            #expect(error.description.hasPrefix("stored row 1 of table line_results is corrupt"))
        }
        #expect(try await t.store.activationList(projectCode: "P1").count == 16)
    }
}
