import Foundation
import ZIPFoundation

/// A workbook written as Office Open XML (ECMA-376, the `.xlsx` a spreadsheet opens): the
/// minimal parts — content types, the package and workbook relationships, the workbook, a
/// stylesheet and one worksheet per sheet — with text as inline strings and numbers as numbers.
/// Cells hold values, never formulas: text that starts like one is neutralised by
/// ``ProjectReport/neutralised(_:)`` before it gets here, so the CSV and the XLSX read the same.
public struct XLSXWorkbook: Sendable {
    /// One worksheet: a bold header row, then the rows.
    public struct Sheet: Sendable {
        /// The tab's name; a spreadsheet allows at most 31 characters and none of `[]:*?/\`.
        public var name: String
        public var header: [String]
        public var rows: [[ProjectReport.Cell]]

        /// A sheet named `name` (cut to what a spreadsheet accepts).
        public init(name: String, header: [String], rows: [[ProjectReport.Cell]]) {
            self.name = String(name.filter { !"[]:*?/\\".contains($0) }.prefix(31))
            self.header = header
            self.rows = rows
        }
    }

    public var sheets: [Sheet]

    /// A workbook of `sheets`, the first one shown when it opens.
    public init(sheets: [Sheet]) {
        precondition(!sheets.isEmpty, "a workbook has at least one sheet")
        self.sheets = sheets
    }

    /// The MIME type of an `.xlsx` file.
    public static let contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    /// The workbook's bytes: a ZIP archive of its parts, deflated. `modified` stamps the entries
    /// (fixed by default, so the same report gives the same bytes).
    public func data(modified: Date = Date(timeIntervalSince1970: 1_767_225_600)) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for (path, text) in parts {
            let bytes = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: modified,
                compressionMethod: .deflate
            ) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw XLSXError.unreadable("the in-memory archive has no data") }
        return data
    }

    static let spreadsheetML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let officeRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let packageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships"
    static let declaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"

    /// Every part by its path in the package, in the order written.
    var parts: [(String, String)] {
        let indices = Array(1...sheets.count)
        let contentTypes =
            Self.declaration
            + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
            + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
            + #"<Default Extension="xml" ContentType="application/xml"/>"#
            + #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
            + #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
            + indices.map {
                #"<Override PartName="/xl/worksheets/sheet\#($0).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
            }.joined() + "</Types>"
        let packageRels =
            Self.declaration + #"<Relationships xmlns="\#(Self.packageRelationships)">"#
            + #"<Relationship Id="rId1" Type="\#(Self.officeRelationships)/officeDocument" Target="xl/workbook.xml"/>"#
            + "</Relationships>"
        let workbook =
            Self.declaration + #"<workbook xmlns="\#(Self.spreadsheetML)" xmlns:r="\#(Self.officeRelationships)">"#
            + "<sheets>"
            + zip(indices, sheets).map { i, sheet in
                #"<sheet name="\#(Self.escaped(sheet.name))" sheetId="\#(i)" r:id="rId\#(i)"/>"#
            }.joined() + "</sheets></workbook>"
        let workbookRels =
            Self.declaration + #"<Relationships xmlns="\#(Self.packageRelationships)">"#
            + indices.map {
                #"<Relationship Id="rId\#($0)" Type="\#(Self.officeRelationships)/worksheet" Target="worksheets/sheet\#($0).xml"/>"#
            }.joined()
            + #"<Relationship Id="rId\#(sheets.count + 1)" Type="\#(Self.officeRelationships)/styles" Target="styles.xml"/>"#
            + "</Relationships>"
        var parts = [
            ("[Content_Types].xml", contentTypes), ("_rels/.rels", packageRels), ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", workbookRels), ("xl/styles.xml", Self.styles),
        ]
        for (i, sheet) in zip(indices, sheets) { parts.append(("xl/worksheets/sheet\(i).xml", Self.worksheet(sheet))) }
        return parts
    }

    /// Style 0 plain, 1 bold (the header), 2 two decimals (powers and losses, `0.00`), 3 one
    /// decimal (Mbit/s and ms, `0.0`).
    static let styles =
        declaration + #"<styleSheet xmlns="\#(spreadsheetML)">"#
        + #"<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/></numFmts>"#
        + #"<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>"#
        + #"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#
        + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
        + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
        + #"<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
        + #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#
        + #"<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        + #"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>"#
        + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#

    static func worksheet(_ sheet: Sheet) -> String {
        var xml =
            declaration + #"<worksheet xmlns="\#(spreadsheetML)">"#
            // The header stays in view while scrolling.
            + #"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#
            + #"<sheetFormatPr defaultRowHeight="15"/>"#
        if !sheet.header.isEmpty {
            xml += "<cols>"
            for (i, name) in sheet.header.enumerated() {
                let width = max(8, min(40, name.count + 2))
                xml += #"<col min="\#(i + 1)" max="\#(i + 1)" width="\#(width)" customWidth="1"/>"#
            }
            xml += "</cols>"
        }
        xml += "<sheetData>"
        xml += row(1, sheet.header.map { .text($0) }, style: 1)
        for (i, cells) in sheet.rows.enumerated() { xml += row(i + 2, cells, style: nil) }
        return xml + "</sheetData></worksheet>"
    }

    static func row(_ number: Int, _ cells: [ProjectReport.Cell], style: Int?) -> String {
        var xml = #"<row r="\#(number)">"#
        for (column, cell) in cells.enumerated() {
            let ref = columnName(column) + String(number)
            switch cell {
            case .number(.none), .number(.some("")):
                continue
            case .number(let text?):
                guard Double(text) != nil else {
                    // Not a number after all: kept as text rather than a file a spreadsheet refuses.
                    xml += inline(ref, text, style: style)
                    continue
                }
                let decimals = text.split(separator: ".").dropFirst().first?.count ?? 0
                let numberStyle = style ?? (decimals == 2 ? 2 : decimals == 1 ? 3 : 0)
                xml += #"<c r="\#(ref)"\#(numberStyle == 0 ? "" : #" s="\#(numberStyle)""#)><v>\#(text)</v></c>"#
            case .text:
                let value = cell.value
                if value.isEmpty { continue }
                xml += inline(ref, value, style: style)
            }
        }
        return xml + "</row>"
    }

    static func inline(_ ref: String, _ text: String, style: Int?) -> String {
        #"<c r="\#(ref)" t="inlineStr"\#(style.map { #" s="\#($0)""# } ?? "")><is><t xml:space="preserve">\#(escaped(text))</t></is></c>"#
    }

    /// `A`, `B`, … `Z`, `AA`, … for a 0-based column.
    public static func columnName(_ index: Int) -> String {
        var n = index + 1
        var name = ""
        while n > 0 {
            let r = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + r))) + name
            n = (n - 1) / 26
        }
        return name
    }

    /// Text as XML character data or an attribute value: the five markup characters as
    /// entities, a carriage return as `&#13;` (a parser would turn a bare one into a line feed),
    /// and characters XML 1.0 cannot carry (other control characters, lone surrogates' stand-ins)
    /// as U+FFFD.
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Why a workbook could not be written or read, in words for the person who sent the file.
public enum XLSXError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The bytes are not an XLSX workbook (not a ZIP, a part missing, XML that does not parse).
    case unreadable(String)
    /// A part unpacks to more than the limit: refused rather than filling memory.
    case tooLarge(part: String, limit: Int)

    public var description: String {
        switch self {
        case .unreadable(let why):
            "not a readable XLSX workbook: \(why); save it again from the spreadsheet as .xlsx, or export CSV"
        case .tooLarge(let part, let limit):
            "the workbook's \(part) unpacks to more than \(limit) bytes; split the file, or export CSV"
        }
    }
}
