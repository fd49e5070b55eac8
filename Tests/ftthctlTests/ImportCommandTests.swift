import FTTHCore
import FTTHSQLite
import Foundation
import GRDB
import Testing

@Suite struct ImportCommandTests {
    let header = "project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio"

    @Test func importThenListProjectsAndPorts() throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        try cli.write(
            "p.csv",
            "\(header)\nP1,Garden,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-A,1:8\nP1,Garden,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,\"分光器, 3号楼\",1:4\n"
        )
        let imported = try cli.run("import", "projects", "p.csv", "--store", "s.sqlite")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("1 project(s), 1 new OLT(s), 1 new PON port(s), 2 splitter(s), 12 port(s)"))

        let projects = try cli.run("projects", "--store", "s.sqlite", "--json")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(projects.stdout.utf8)) as? [[String: Any]])
        #expect(list.count == 1)
        #expect(list[0]["code"] as? String == "P1")
        #expect(list[0]["ports"] as? Int == 12)
        #expect(list[0]["state"] as? String == "entered")

        let ports = try cli.run("ports", "--project", "P1", "--store", "s.sqlite", "--json")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(ports.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 12)
        #expect(rows[8]["splitter"] as? String == "分光器, 3号楼")
        #expect(rows[8]["onu_name"] as? String == "FT-0A000001-0-1-0-S2-P1")
        #expect(rows[0]["activation"] as? String == "not_activated")
        #expect(rows[0]["test"] as? String == "not_done")
        #expect(rows[0]["cvlan"] is NSNull)
        #expect(rows[0]["svlan"] as? Int == 1001)

        let table = try cli.run("ports", "--project", "P1", "--store", "s.sqlite")
        #expect(table.stdout.contains("FT-0A000001-0-1-0-S1-P8"))
    }

    @Test func aFileWithAnyErrorImportsNothingAndSaysWhere() throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        try cli.write(
            "p.csv",
            "\(header)\nP1,Garden,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-A,1:8\nP1,Garden,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-B,1:9\n"
        )
        let result = try cli.run("import", "projects", "p.csv", "--store", "s.sqlite")
        #expect(result.status != 0)
        #expect(result.stderr.contains("p.csv:3 column 'splitter_ratio'"))
        #expect(result.stderr.contains("nothing was imported"))
        let projects = try cli.run("projects", "--store", "s.sqlite", "--json")
        #expect(projects.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    /// A process killed with SIGKILL in the middle of an import leaves no half-written project:
    /// each project is one SQLite transaction (an uncommitted WAL frame is ignored), so every
    /// project of the file is stored whole or not at all, and what was stored before is unchanged.
    @Test func sigkillMidImportLeavesEveryProjectWholeOrAbsent() throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        try cli.write("small.csv", "\(header)\nP0,Before,HW-0,10.9.0.1,huawei-ma5800,0/0/0,100,S0,1:8\n")
        #expect(try cli.run("import", "projects", "small.csv", "--store", "s.sqlite").status == 0)
        try cli.write("ranges.csv", "name,olt_ip,first,last\ncity,,3000,3999\n")
        #expect(try cli.run("import", "cvlans", "ranges.csv", "--store", "s.sqlite").status == 0)
        let before = try dump(cli.path("s.sqlite"))

        // 20 projects of 100 splitters of 1:64 on 16 OLTs, two splitters (128 ports) per PON
        // port: 128,000 ports, far more than are written between the first progress line (the
        // first project is stored) and the kill.
        var big = header + "\n"
        for i in 0..<2000 {
            let olt = i % 16
            let pon = i / 32
            big +=
                "BIG\(i / 100),Big build,OLT-\(olt),10.8.0.\(olt + 1),zte-c600,1/\(pon % 16)/\(pon / 16),\(200 + olt),SPL-\(i),1:64\n"
        }
        try cli.write("big.csv", big)

        let (process, out, err) = cli.process(["import", "projects", "big.csv", "--store", "s.sqlite", "--progress"])
        try process.run()
        var seen = ""
        var killedMidWrite = false
        while true {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if seen.contains("written ") {
                // The first project is stored and the next one's transaction is open: kill it now.
                kill(process.processIdentifier, SIGKILL)
                killedMidWrite = true
                break
            }
        }
        process.waitUntilExit()
        _ = out.fileHandleForReading.readDataToEndOfFile()
        #expect(killedMidWrite, "no progress line came: \(seen)")
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == SIGKILL)

        // What was stored before is untouched; each BIG project is whole, the stored ones first.
        let after = try dump(cli.path("s.sqlite"))
        for table in ["cvlan_ranges", "test_accounts", "api_tokens"] {
            #expect(after.filter { $0.hasPrefix("\(table): ") } == before.filter { $0.hasPrefix("\(table): ") })
        }
        let queue = try DatabaseQueue(path: cli.path("s.sqlite"))
        let counts = try queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.code, COUNT(DISTINCT s.id) AS splitters, COUNT(sp.id) AS ports FROM projects p
                    LEFT JOIN splitters s ON s.project_id = p.id LEFT JOIN splitter_ports sp ON sp.splitter_id = s.id
                    GROUP BY p.id ORDER BY p.id
                    """
            ).map { (code: $0["code"] as String, splitters: $0["splitters"] as Int, ports: $0["ports"] as Int) }
        }
        #expect(counts.first?.code == "P0" && counts.first?.ports == 8)
        let stored = counts.dropFirst()
        #expect(stored.count >= 1 && stored.count < 20, "\(stored.count) projects stored")
        #expect(stored.map(\.code) == (0..<stored.count).map { "BIG\($0)" })
        #expect(stored.allSatisfy { $0.splitters == 100 && $0.ports == 6400 }, "\(stored)")

        // The same file is then refused whole, naming a stored project, and changes nothing.
        let again = try cli.run("import", "projects", "big.csv", "--store", "s.sqlite")
        #expect(again.status != 0)
        #expect(again.stderr.contains("BIG0 was already imported"), "\(again.stderr)")
        #expect(try dump(cli.path("s.sqlite")) == after)
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

/// What `ftthctl` shows of issue 10's foundations: the thresholds in force (the store's) and the
/// test ONU passwords of OLTs that authenticate by password.
@Suite struct ThresholdsAndPasswordsCommandTests {
    let header = "project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio"

    @Test func thresholdsShowsTheProfilesInForceWithTheirBindings() async throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        let store = try SQLiteStore(path: cli.path("s.sqlite"))
        let configured = Dictionary(uniqueKeysWithValues: ThresholdProfile.defaults.map { ($0.name, $0) })
        _ = try await store.applyConfiguredThresholds(configured, at: Date())
        _ = try await store.updateThresholdProfile(
            "build",
            settings: [
                ThresholdSetting(key: .minONURx, centi: -2100), ThresholdSetting(key: .minOLTRx, binding: true),
            ],
            configured: configured, actor: "admin-1", at: Date())

        let json = try cli.run("thresholds", "--store", "s.sqlite", "--json")
        #expect(json.status == 0, "\(json.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let build = try #require(list.first { $0["name"] as? String == "build" })
        #expect(build["min_onu_rx_dbm"] as? Double == -21)
        let binding = try #require(build["binding"] as? [String: Bool])
        #expect(binding["min_olt_rx_dbm"] == true)
        #expect(binding["max_upstream_attenuation_db"] == false)

        let table = try cli.run("thresholds", "--store", "s.sqlite")
        #expect(table.stdout.contains("-21.00"))
        #expect(table.stdout.contains("28.00 (advisory)"))
    }

    @Test func importGivesThePortsOfAPasswordOLTTheirPasswordsAndPortsShowsThem() throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        try cli.write("c.toml", "[activation]\npassword_olts = [\"10.0.0.2\"]\n")
        try cli.write(
            "p.csv",
            "\(header)\nP1,Garden,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-A,1:4\nP1,Garden,ZTE-1,10.0.0.2,zte-c300,1/2/1,2001,SP-B,1:4\n"
        )
        let imported = try cli.run("import", "projects", "p.csv", "--config", "c.toml", "--store", "s.sqlite")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("4 port(s) on password-authenticating OLTs got a test ONU password"))
        let ports = try cli.run("ports", "--project", "P1", "--config", "c.toml", "--store", "s.sqlite", "--json")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(ports.stdout.utf8)) as? [[String: Any]])
        #expect(rows.filter { $0["olt_ip"] as? String == "10.0.0.1" }.allSatisfy { $0["onu_password"] is NSNull })
        let passwords = rows.filter { $0["olt_ip"] as? String == "10.0.0.2" }.compactMap {
            $0["onu_password"] as? String
        }
        #expect(passwords.count == 4)
        #expect(passwords.allSatisfy { $0.count == 10 && $0.allSatisfy(\.isNumber) })
        // Never in the command's own output.
        #expect(passwords.allSatisfy { !imported.stdout.contains($0) && !imported.stderr.contains($0) })
    }
}
