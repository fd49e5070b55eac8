import FTTHCore
import FTTHSQLite
import Foundation

/// A store in a fresh temporary directory, removed when the test ends.
final class TemporaryStore {
    let directory: URL
    let path: String
    let store: SQLiteStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ftth-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("store.sqlite").path
        store = try SQLiteStore(path: path)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

/// A fixed clock reading for records: tests never depend on the wall clock.
let t0 = Date(timeIntervalSince1970: 1_790_000_000)

let sampleCSV = """
    project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports
    P1,Garden Court,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-A,1:8,
    P1,Garden Court,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-B,1:8,4
    P1,Garden Court,HW-1,10.0.0.1,huawei-ma5800,0/1/1,1002,SP-C,1:4,
    P2,Riverside,ZTE-1,10.0.0.2,zte-c300,1/2/1,2001,RC-1,1:8,2
    """

func samplePlan() throws -> ProjectImportPlan { try ProjectImportPlan(csv: sampleCSV, file: "sample.csv") }

let passing = OpticalReadings(
    oltTx: .dBm(DBm(3.5)), oltRx: .dBm(DBm(-18)), onuTx: .dBm(DBm(2.1)), onuRx: .dBm(DBm(-17.2)))
let failing = OpticalReadings(
    oltTx: .dBm(DBm(3.5)), oltRx: .dBm(DBm(-18)), onuTx: .dBm(DBm(2.1)), onuRx: .dBm(DBm(-21.4)))
