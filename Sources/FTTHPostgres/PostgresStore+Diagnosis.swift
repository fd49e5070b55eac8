import FTTHCore
import FTTHStoreKit
import Foundation
import PostgresNIO

extension PostgresStore: DiagnosisStore {
    public func odnRecords(olt: ManagementAddress) async throws -> ODNRecords {
        try await read("reading the results on OLT \(olt) for the diagnosis") { db in
            let decoder = JSONDecoder()
            let splitters = try await db.rows(
                """
                SELECT s.id, s.name, s.ratio, s.port_count, s.design_json, p.code, pp.frame, pp.slot, pp.port
                FROM splitters s JOIN projects p ON p.id = s.project_id
                JOIN pon_ports pp ON pp.id = s.pon_port_id JOIN olts o ON o.id = pp.olt_id
                WHERE o.address = \(olt.text) ORDER BY s.id
                """
            ).map { row -> SplitterInfo in
                let id: Int64 = try row["id"]
                let outputs: Int = try row["ratio"]
                guard let ratio = SplitRatio(outputs: outputs) else {
                    throw StoreError.corruptRow(table: "splitters", id: id, problem: "ratio \(outputs)")
                }
                var design = ODNDesign.none
                if let json: String = try row["design_json"] {
                    do {
                        design = try decoder.decode(ODNDesign.self, from: Data(json.utf8))
                    } catch {
                        throw StoreError.corruptRow(table: "splitters", id: id, problem: "design_json: \(error)")
                    }
                }
                return SplitterInfo(
                    key: SplitterKey(projectCode: try row["code"], name: try row["name"]), olt: olt,
                    pon: PONAddress(frame: try row["frame"], slot: try row["slot"], port: try row["port"]),
                    ratio: ratio, portCount: try row["port_count"], design: design)
            }
            let results = try await db.rows(
                """
                SELECT l.id, l.at, l.readings_json, r.onu_serial AS run_serial, p.code, s.name, sp.number
                FROM line_results l JOIN splitter_ports sp ON sp.id = l.port_id
                JOIN splitters s ON s.id = sp.splitter_id JOIN projects p ON p.id = s.project_id
                JOIN pon_ports pp ON pp.id = s.pon_port_id JOIN olts o ON o.id = pp.olt_id
                LEFT JOIN test_runs r ON r.id = l.run_id
                WHERE o.address = \(olt.text) ORDER BY l.id
                """
            ).map { row -> RecordedLink in
                let id: Int64 = try row["id"]
                do {
                    let json: String = try row["readings_json"]
                    let readings = try decoder.decode(OpticalReadings.self, from: Data(json.utf8))
                    let serial: String? = try row["run_serial"]
                    return RecordedLink(
                        port: PortKey(projectCode: try row["code"], splitter: try row["name"], port: try row["number"]),
                        serial: serial.flatMap(ONUSerial.init), at: try row["at"], readings: readings)
                } catch {
                    throw StoreError.corruptRow(table: "line_results", id: id, problem: "\(error)")
                }
            }
            return ODNRecords(splitters: splitters, results: results)
        }
    }
}
