import FTTHCore
import FTTHSQLite
import Foundation
import GRDB
import Testing

@Suite struct SQLiteStoreImportTests {
    @Test func importWritesProjectsOLTsSplittersAndNamedPorts() async throws {
        let t = try TemporaryStore()
        let summary = try await t.store.importProjects(
            try samplePlan(), namingRule: .standard, source: "sample.csv", at: t0, progress: nil)
        #expect(summary.projects == 2)
        #expect(summary.olts == 2)
        #expect(summary.ponPorts == 3)
        #expect(summary.splitters == 4)
        #expect(summary.ports == 8 + 4 + 4 + 2)

        let projects = try await t.store.projects()
        #expect(projects.map(\.project.code) == ["P1", "P2"])
        #expect(projects[0].ports == 16)
        #expect(projects[0].splitters == 3)
        #expect(projects[0].project.state == .entered)

        let list = try await t.store.activationList(projectCode: "P1")
        #expect(list.count == 16)
        // Splitter indexes count per PON port: SP-A 1, SP-B 2 on 0/1/0; SP-C 1 on 0/1/1.
        #expect(
            list.first { $0.key == PortKey(projectCode: "P1", splitter: "SP-B", port: 4) }?.onuName
                == "FT-0A000001-0-1-0-S2-P4")
        #expect(
            list.first { $0.key == PortKey(projectCode: "P1", splitter: "SP-C", port: 1) }?.onuName
                == "FT-0A000001-0-1-1-S1-P1")
        #expect(Set(list.map(\.onuName)).count == list.count)
        #expect(
            list.allSatisfy {
                $0.workflow.activation == .notActivated && $0.workflow.testStatus == .notDone && $0.cvlan == nil
            })
        #expect(list.first?.svlan == VLANID(1001))
    }

    @Test func secondProjectOnTheSameOLTAndPONContinuesSplitterIndexes() async throws {
        let t = try TemporaryStore()
        _ = try await t.store.importProjects(
            try samplePlan(), namingRule: .standard, source: "a.csv", at: t0, progress: nil)
        let more = try ProjectImportPlan(
            csv: """
                project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio
                P3,Later phase,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-A,1:2
                """, file: "b.csv")
        let summary = try await t.store.importProjects(
            more, namingRule: .standard, source: "b.csv", at: t0, progress: nil)
        #expect(summary.olts == 0)
        #expect(summary.ponPorts == 0)
        let list = try await t.store.activationList(projectCode: "P3")
        // Same splitter name in another project is fine; its ONU names must still differ.
        #expect(list.map(\.onuName) == ["FT-0A000001-0-1-0-S3-P1", "FT-0A000001-0-1-0-S3-P2"])
    }

    @Test func reimportingAProjectIsAConflictAndChangesNothing() async throws {
        let t = try TemporaryStore()
        _ = try await t.store.importProjects(
            try samplePlan(), namingRule: .standard, source: "a.csv", at: t0, progress: nil)
        let before = try dump(t.path)
        await #expect {
            _ = try await t.store.importProjects(
                try samplePlan(), namingRule: .standard, source: "a.csv", at: t0, progress: nil)
        } throws: { error in
            guard let e = error as? StoreError, case .conflict(let location, let message) = e else { return false }
            return location?.line == 2 && location?.file == "sample.csv" && message.contains("P1 was already imported")
        }
        #expect(try dump(t.path) == before)
    }

    @Test(arguments: [
        ("P9,x,HW-1,10.0.0.1,zte-c300,0/1/0,1001,S,1:8", "OLT 10.0.0.1 is stored as 'HW-1' (huawei-ma5800)"),
        ("P9,x,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1999,S,1:8", "stored with SVLAN 1001 but the file says 1999"),
    ])
    func conflictsWithStoredTopologyNameTheLineAndChangeNothing(row: String, expected: String) async throws {
        let t = try TemporaryStore()
        _ = try await t.store.importProjects(
            try samplePlan(), namingRule: .standard, source: "a.csv", at: t0, progress: nil)
        let before = try dump(t.path)
        let plan = try ProjectImportPlan(
            csv:
                "project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio\n\(row)\n",
            file: "b.csv")
        await #expect {
            _ = try await t.store.importProjects(plan, namingRule: .standard, source: "b.csv", at: t0, progress: nil)
        } throws: { error in
            guard let e = error as? StoreError, case .conflict(let location, let message) = e else { return false }
            return location?.file == "b.csv" && location?.line == 2 && message.contains(expected)
        }
        #expect(try dump(t.path) == before)
    }

    @Test func aNameTheOLTWouldRefuseAbortsTheWholeImport() async throws {
        let t = try TemporaryStore()
        let rule = try ONUNamingRule(template: "{splitter}-{olt_ip}-{frame}-{slot}-{pon}-{port}")
        let plan = try ProjectImportPlan(
            csv: """
                project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio
                P1,x,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,GOOD,1:8
                P1,x,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,花园苑分光器,1:8
                """, file: "c.csv")
        await #expect {
            _ = try await t.store.importProjects(plan, namingRule: rule, source: "c.csv", at: t0, progress: nil)
        } throws: { error in
            guard let e = error as? StoreError, case .naming(let location, let naming) = e,
                case .disallowedCharacter = naming
            else { return false }
            return location?.line == 3
        }
        #expect(try await t.store.projects().isEmpty)
    }

    @Test func aDuplicateNameIsRefusedByTheStore() async throws {
        let t = try TemporaryStore()
        // {olt} is the OLT's free-text name: two OLTs with the same name and the same PON address
        // render the same test ONU name, which the store must refuse.
        let rule = try ONUNamingRule(template: "{olt}_{frame}_{slot}_{pon}_{splitter_index}_{port}")
        let plan = try ProjectImportPlan(
            csv: """
                project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio
                P1,x,SAME,10.0.0.1,huawei-ma5800,0/1/0,1001,S1,1:2
                P1,x,SAME,10.0.0.2,huawei-ma5800,0/1/0,1001,S2,1:2
                """, file: "g.csv")
        await #expect {
            _ = try await t.store.importProjects(plan, namingRule: rule, source: "g.csv", at: t0, progress: nil)
        } throws: { error in
            guard let e = error as? StoreError, case .conflict(let location, let message) = e else { return false }
            return location?.line == 3 && message.contains("SAME_0_1_0_1_1") && message.contains("P1 / S1 / port 1")
        }
        #expect(try await t.store.projects().isEmpty)
    }

    @Test func cvlanRangesAndAccountsImportAndConflict() async throws {
        let t = try TemporaryStore()
        let ranges = try CVLANRangeImport(
            csv: "name,olt_ip,first,last\ncity,,3000,3009\nolt2,10.0.0.2,3500,3501\n", file: "r.csv")
        #expect(try await t.store.importCVLANRanges(ranges, source: "r.csv", at: t0) == 2)
        #expect(try await t.store.cvlanRanges().map(\.name) == ["city", "olt2"])
        let overlapping = try CVLANRangeImport(csv: "name,olt_ip,first,last\nnew,,3005,3020\n", file: "s.csv")
        await #expect {
            _ = try await t.store.importCVLANRanges(overlapping, source: "s.csv", at: t0)
        } throws: { error in
            "\(error)".contains("s.csv:2") && "\(error)".contains("overlaps stored range 'city'")
        }
        let accounts = try TestAccountImport(
            csv: "username,password\ntest01@city,pw1\ntest02@city,pw2\n", file: "a.csv")
        #expect(try await t.store.importTestAccounts(accounts, source: "a.csv", at: t0) == 2)
        await #expect(throws: StoreError.self) {
            _ = try await t.store.importTestAccounts(accounts, source: "a.csv", at: t0)
        }
        #expect(try await t.store.testAccountUsernames() == ["test01@city", "test02@city"])
    }

    @Test func theStoreSurvivesReopening() async throws {
        let t = try TemporaryStore()
        _ = try await t.store.importProjects(
            try samplePlan(), namingRule: .standard, source: "a.csv", at: t0, progress: nil)
        let reopened = try SQLiteStore(path: t.path)
        #expect(try await reopened.projects().count == 2)
    }

    @Test func anUnusableFileIsAClearError() throws {
        #expect {
            _ = try SQLiteStore(path: "/proc/definitely/not/here.sqlite")
        } throws: { error in
            "\(error)".contains("/proc/definitely/not/here.sqlite")
        }
    }
}

/// Every row of every table, as text: two equal dumps mean an unchanged store.
func dump(_ path: String) throws -> [String] {
    let queue = try DatabaseQueue(path: path)
    return try queue.read { db in
        let tables = try String.fetchAll(
            db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        return try tables.flatMap { table in
            try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\" ORDER BY rowid").map { "\(table): \($0)" }
        }
    }
}
