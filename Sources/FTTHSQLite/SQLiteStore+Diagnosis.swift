import FTTHCore
import Foundation
import GRDB

extension SQLiteStore: DiagnosisStore {
    /// v11: each splitter keeps the ODN design its import gave (JSON of ``ODNDesign``; NULL when
    /// the export had none), for the diagnosis of where light is lost.
    static func registerODNDesignMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v11-odn-design") { db in
            try db.execute(sql: "ALTER TABLE splitters ADD COLUMN design_json TEXT")
        }
    }

    public func odnRecords(olt: ManagementAddress) async throws -> ODNRecords {
        try await read("reading the results on OLT \(olt) for the diagnosis") { db in
            let decoder = JSONDecoder()
            let splitters = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.id, s.name, s.ratio, s.port_count, s.design_json, p.code, pp.frame, pp.slot, pp.port
                    FROM splitters s JOIN projects p ON p.id = s.project_id
                    JOIN pon_ports pp ON pp.id = s.pon_port_id JOIN olts o ON o.id = pp.olt_id
                    WHERE o.address = ? ORDER BY s.id
                    """, arguments: [olt.text]
            ).map { row -> SplitterInfo in
                let id: Int64 = row["id"]
                guard let ratio = SplitRatio(outputs: row["ratio"]) else {
                    throw StoreError.corruptRow(table: "splitters", id: id, problem: "ratio \(row["ratio"] as Int)")
                }
                var design = ODNDesign.none
                if let json = row["design_json"] as String? {
                    do {
                        design = try decoder.decode(ODNDesign.self, from: Data(json.utf8))
                    } catch {
                        throw StoreError.corruptRow(table: "splitters", id: id, problem: "design_json: \(error)")
                    }
                }
                return SplitterInfo(
                    key: SplitterKey(projectCode: row["code"], name: row["name"]), olt: olt,
                    pon: PONAddress(frame: row["frame"], slot: row["slot"], port: row["port"]), ratio: ratio,
                    portCount: row["port_count"], design: design)
            }
            let results = try Row.fetchAll(
                db,
                sql: """
                    SELECT l.id, l.at, l.readings_json, r.onu_serial AS run_serial, p.code, s.name, sp.number
                    FROM line_results l JOIN splitter_ports sp ON sp.id = l.port_id
                    JOIN splitters s ON s.id = sp.splitter_id JOIN projects p ON p.id = s.project_id
                    JOIN pon_ports pp ON pp.id = s.pon_port_id JOIN olts o ON o.id = pp.olt_id
                    LEFT JOIN test_runs r ON r.id = l.run_id
                    WHERE o.address = ? ORDER BY l.id
                    """, arguments: [olt.text]
            ).map { row -> RecordedLink in
                let id: Int64 = row["id"]
                do {
                    let readings = try decoder.decode(
                        OpticalReadings.self, from: Data((row["readings_json"] as String).utf8))
                    let serial = (row["run_serial"] as String?).flatMap(ONUSerial.init)
                    return RecordedLink(
                        port: PortKey(projectCode: row["code"], splitter: row["name"], port: row["number"]),
                        serial: serial, at: row["at"], readings: readings)
                } catch {
                    throw StoreError.corruptRow(table: "line_results", id: id, problem: "\(error)")
                }
            }
            return ODNRecords(splitters: splitters, results: results)
        }
    }
}
