import FTTHCore
import Foundation
import GRDB
import Testing

@testable import FTTHSQLite

/// v10-who-tested on a store written by the version before it: old runs, results and history
/// stay, with nobody named; new runs name who started them.
@Suite struct WhoTestedMigrationTests {
    @Test func aStoreFromBeforeKeepsItsRunsWithNobodyNamedAndNamesNewOnes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ftth-migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.sqlite").path
        let t0 = Date(timeIntervalSince1970: 1_790_000_000)
        let csv = """
            project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports
            P1,Garden Court,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-A,1:8,2
            """
        let p1 = PortKey(projectCode: "P1", splitter: "SP-A", port: 1)
        let p2 = PortKey(projectCode: "P1", splitter: "SP-A", port: 2)
        let ranges = [CVLANRange(name: "t", first: VLANID(3000)!, last: VLANID(3001)!)]
        let runID: Int64
        do {
            let store = try SQLiteStore(path: path)
            _ = try await store.importProjects(
                try ProjectImportPlan(csv: csv, file: "p1.csv"), namingRule: .standard, source: "p1.csv", at: t0,
                progress: nil)
            runID = try await store.beginTestRun(p1, serial: nil, profile: .build, configuredRanges: ranges, at: t0).id
        }
        // Back to v9: drop the two columns and forget v10 was applied.
        do {
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(
                    sql: """
                        ALTER TABLE test_runs DROP COLUMN started_by;
                        ALTER TABLE port_events DROP COLUMN actor;
                        DELETE FROM grdb_migrations WHERE identifier = 'v10-who-tested';
                        """)
            }
            #expect(
                try await queue.read { try $0.columns(in: "test_runs").contains { $0.name == "started_by" } } == false)
        }
        let store = try SQLiteStore(path: path)
        let old = try #require(try await store.testRun(id: runID))
        #expect(old.port.key == p1 && old.startedBy == nil)
        #expect(try await store.portHistory(p1).contains { $0.event == "test_started" && $0.actor == nil })
        let new = try await store.beginTestRun(
            p2, serial: nil, profile: .build, configuredRanges: ranges, by: "li", at: t0)
        #expect(try await store.testRun(id: new.id)?.startedBy == "li")
    }
}
