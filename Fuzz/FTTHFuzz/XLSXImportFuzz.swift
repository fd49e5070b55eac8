import FTTHReport
import Foundation

/// The XLSX reader of the browser import, as `/admin/import` reads an uploaded workbook: any
/// bytes must either give the first sheet's rows or throw ``XLSXError``, never trap.
enum XLSXImportFuzz {
    static let target = FuzzTarget(
        name: "xlsx", summary: "XLSX workbook (ZIP, workbook, shared strings, first sheet) of an import", run: run,
        seeds: { _ in seeds() })

    static func run(_ bytes: [UInt8]) {
        do {
            let sheet = try XLSXSheetReader(data: Data(bytes), maxPartBytes: 1 << 20)
            _ = sheet.csv
        } catch is XLSXError {
            return
        } catch {
            fatalError("XLSXSheetReader threw \(type(of: error)), not XLSXError: \(error)")
        }
    }

    /// Workbooks the report writer makes: text that needs escaping, numbers, empty cells.
    static func seeds() -> [(name: String, bytes: [UInt8])] {
        let sheets: [(String, [[ProjectReport.Cell]])] = [
            ("plain", [[.text("P1"), .number("1001"), .text("0/1/0")]]),
            ("escaped", [[.text("a<&>\"b'"), .number("-21.40"), .number(nil), .text("=cmd|x")]]),
            ("wide", [(0..<40).map { .number(String($0)) }]),
        ]
        return sheets.compactMap { name, rows in
            let workbook = XLSXWorkbook(sheets: [.init(name: name, header: ["a", "b", "c"], rows: rows)])
            return (try? workbook.data()).map { (name: "\(name).xlsx", bytes: [UInt8]($0)) }
        }
    }
}
