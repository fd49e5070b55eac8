import FTTHCore

/// The CSV imports and their validation, as `POST /v1/projects/import` and `ftthctl import` read
/// an uploaded file: project exports, test CVLAN ranges and PPPoE test accounts. Every importer
/// reads every input; a file with problems must throw ``CSVProblems``, never trap.
enum CSVImportFuzz {
    static let target = FuzzTarget(
        name: "csv", summary: "CSV table, project export, CVLAN range and test account imports", run: run)

    static func run(_ bytes: [UInt8]) {
        // The route refuses a body that is not UTF-8 before any CSV is read.
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        do {
            let plan = try ProjectImportPlan(csv: text, file: "fuzz.csv")
            _ = plan.portCount
        } catch let problems as CSVProblems {
            _ = problems.description
        } catch {
            fatalError("ProjectImportPlan threw \(type(of: error)), not CSVProblems: \(error)")
        }
        _ = try? CVLANRangeImport(csv: text, file: "fuzz.csv")
        _ = try? TestAccountImport(csv: text, file: "fuzz.csv")
        _ = try? CSVTable(text: text, file: "fuzz.csv", required: ["a"], optional: ["b"])
    }
}
