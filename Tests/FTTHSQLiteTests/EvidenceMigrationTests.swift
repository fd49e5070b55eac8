import FTTHCore
import Foundation
import GRDB
import Testing

@testable import FTTHSQLite

/// v9-evidence on a store written by the version before it: its runs stay and take evidence.
@Suite struct EvidenceMigrationTests {
    @Test func aStoreFromBeforeEvidenceKeepsItsRunsAndTakesABundle() async throws {
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
        let port = PortKey(projectCode: "P1", splitter: "SP-A", port: 1)
        let runID: Int64
        do {
            let store = try SQLiteStore(path: path)
            _ = try await store.importProjects(
                try ProjectImportPlan(csv: csv, file: "p1.csv"), namingRule: .standard, source: "p1.csv", at: t0,
                progress: nil)
            runID =
                try await store.beginTestRun(
                    port, serial: nil, profile: .build,
                    configuredRanges: [CVLANRange(name: "t", first: VLANID(3000)!, last: VLANID(3001)!)], at: t0
                ).id
        }
        // Back to v8: drop what v9 made and forget it was applied.
        do {
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(
                    sql: """
                        DROP TABLE evidence_photos; DROP TABLE evidence_bundles;
                        DELETE FROM grdb_migrations WHERE identifier = 'v9-evidence';
                        """)
            }
            #expect(try await queue.read { try $0.tableExists("evidence_bundles") } == false)
        }
        let store = try SQLiteStore(path: path)
        #expect(try await store.testRun(id: runID)?.port.key == port)
        let bundle = try await store.addEvidence(
            runID: runID, photos: [], position: nil, serial: ONUSerial("HWTC7E570103"), by: "wang", at: t0)
        #expect(bundle.serial == ONUSerial("HWTC7E570103"))
        #expect(try await store.evidence(port: port).count == 1)
    }
}
