import FTTHCore
import Foundation
import GRDB
import Testing

@testable import FTTHSQLite

/// v10-who-tested on a store written by the version before it: old runs, results and history
/// stay, with nobody named; new runs name who started them.
@Suite struct WhoTestedMigrationTests {
    @Test func aStoreFromBeforeKeepsItsRunsWithNobodyNamedAndNamesNewOnes() async throws {
        let scratch = try TemporaryStore()
        let p1 = PortKey(projectCode: "P1", splitter: "SP-A", port: 1)
        let p2 = PortKey(projectCode: "P1", splitter: "SP-A", port: 2)
        let ranges = [CVLANRange(name: "t", first: VLANID(3000)!, last: VLANID(3001)!)]
        _ = try await scratch.store.importProjects(
            try samplePlan(), namingRule: .standard, source: "sample.csv", at: t0, progress: nil)
        let runID = try await scratch.store.beginTestRun(
            p1, serial: nil, profile: .build, configuredRanges: ranges, at: t0
        ).id
        // Back to v9: drop the two columns and forget v10 was applied.
        let queue = try DatabaseQueue(path: scratch.path)
        try await queue.write { db in
            try db.execute(
                sql: """
                    ALTER TABLE test_runs DROP COLUMN started_by;
                    ALTER TABLE port_events DROP COLUMN actor;
                    DELETE FROM grdb_migrations WHERE identifier = 'v10-who-tested';
                    """)
        }
        #expect(try await queue.read { try $0.columns(in: "test_runs").contains { $0.name == "started_by" } } == false)
        let store = try SQLiteStore(path: scratch.path)
        let old = try #require(try await store.testRun(id: runID))
        #expect(old.port.key == p1 && old.startedBy == nil)
        #expect(try await store.portHistory(p1).contains { $0.event == "test_started" && $0.actor == nil })
        let new = try await store.beginTestRun(
            p2, serial: nil, profile: .build, configuredRanges: ranges, by: "li", at: t0)
        #expect(try await store.testRun(id: new.id)?.startedBy == "li")
    }
}
