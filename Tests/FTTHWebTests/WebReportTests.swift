import FTTHCore
import FTTHReport
import FTTHSQLite
import FTTHWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ZIPFoundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A project whose names a spreadsheet or an XML writer could trip on: a splitter that starts
/// like a formula, one with the five XML markup characters, one with a Chinese name.
let trickyCSV = """
    project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports
    R1,Report <Court> & Sons,HW-2,10.0.0.2,huawei-ma5800,0/1/1,1002,=cmd|x,1:8,2
    R1,Report <Court> & Sons,HW-2,10.0.0.2,huawei-ma5800,0/1/1,1002,"a<&>""b'",1:8,2
    R1,Report <Court> & Sons,HW-2,10.0.0.2,huawei-ma5800,0/1/1,1002,花园苑1号楼,1:8,2
    """

extension WebFixture {
    /// Imports project R1 and records line results: `=cmd|x` port 1 at −21.30 dBm (fails build),
    /// port 2 at −18.00, the Chinese splitter's port 1 at −19.99 and port 2 with no reading.
    func addReportProject() async throws {
        _ = try await store.importProjects(
            try ProjectImportPlan(csv: trickyCSV, file: "tricky.csv"), namingRule: .standard, source: "tricky.csv",
            at: t0, progress: nil)
        func record(_ splitter: String, _ port: Int, _ rx: PowerReading, at offset: TimeInterval) async throws {
            let key = PortKey(projectCode: "R1", splitter: splitter, port: port)
            _ = try await store.recordActivation(
                key, serial: nil,
                configuredRanges: [CVLANRange(name: "t", olt: nil, first: VLANID(3000)!, last: VLANID(3010)!)], at: t0)
            let readings = OpticalReadings(
                oltTx: .dBm(DBm(3.5)), oltRx: .dBm(DBm(-18)), onuTx: .dBm(DBm(2.1)), onuRx: rx)
            try await store.recordLineResult(
                key, readings: readings, verdict: ThresholdProfile.build.evaluate(readings),
                at: t0.addingTimeInterval(offset))
        }
        try await record("=cmd|x", 1, .dBm(DBm(-21.3)), at: 60)
        try await record("=cmd|x", 2, .dBm(DBm(-18)), at: 120)
        try await record("花园苑1号楼", 1, .dBm(DBm(-19.99)), at: 180)
        try await record("花园苑1号楼", 2, .missing(.sentinel, raw: "-80000"), at: 240)
    }

    /// Posts a multipart form (the way a browser sends a file) to `uri`.
    func postMultipart(
        _ uri: String, fields: [(String, String)], file: (name: String, filename: String, type: String, body: Data)?,
        session: String?
    ) async throws -> TestResponse {
        let boundary = "----ftth-test-boundary-7MA4YWxk"
        var body = Data()
        for (name, value) in fields {
            body.append(
                Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        if let file {
            body.append(
                Data(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: \(file.type)\r\n\r\n"
                        .utf8))
            body.append(file.body)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        var fields = HTTPFields()
        fields[.contentType] = "multipart/form-data; boundary=\(boundary)"
        if let session { fields[.cookie] = "ftth_session=\(session)" }
        let headers = fields
        let bytes = body
        return try await application().test(.router) { client in
            try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
        }
    }
}

/// The parts of an XLSX by path.
func unzipParts(_ data: Data) throws -> [String: Data] {
    let archive = try Archive(data: data, accessMode: .read)
    var parts: [String: Data] = [:]
    for entry in archive {
        var bytes = Data()
        _ = try archive.extract(entry) { bytes.append($0) }
        parts[entry.path] = bytes
    }
    return parts
}

/// A CSV line split into fields (RFC 4180 quoting), for comparing with a sheet's cells.
func csvFields(_ line: String) -> [String] {
    var fields: [String] = []
    var field = ""
    var quoted = false
    var chars = line.makeIterator()
    var pending: Character? = nil
    while let c = pending ?? chars.next() {
        pending = nil
        if quoted {
            if c == "\"" {
                if let next = chars.next() {
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else {
                    quoted = false
                }
            } else {
                field.append(c)
            }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            fields.append(field); field = ""
        } else {
            field.append(c)
        }
    }
    fields.append(field)
    return fields
}

/// A workbook made by hand the way Excel writes one: shared strings, numbers, a skipped row.
func excelStyleWorkbook(rows: [(Int, [String])]) throws -> Data {
    var strings: [String] = []
    func index(_ s: String) -> Int {
        if let i = strings.firstIndex(of: s) { return i }
        strings.append(s)
        return strings.count - 1
    }
    var sheetRows = ""
    for (number, cells) in rows {
        sheetRows += #"<row r="\#(number)">"#
        for (column, value) in cells.enumerated() where !value.isEmpty {
            let ref = String(UnicodeScalar(UInt8(65 + column))) + "\(number)"
            if Double(value) != nil {
                sheetRows += #"<c r="\#(ref)"><v>\#(value)</v></c>"#
            } else {
                sheetRows += #"<c r="\#(ref)" t="s"><v>\#(index(value))</v></c>"#
            }
        }
        sheetRows += "</row>"
    }
    let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    let shared =
        #"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="\#(main)" count="\#(strings.count)">"#
        + strings.map { "<si><t>\(XLSXWorkbook.escaped($0))</t></si>" }.joined() + "</sst>"
    let parts: [(String, String)] = [
        (
            "[Content_Types].xml",
            #"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#
        ),
        (
            "xl/workbook.xml",
            #"<workbook xmlns="\#(main)" xmlns:r="\#(rel)"><sheets><sheet name="Data" sheetId="1" r:id="rId7"/></sheets></workbook>"#
        ),
        (
            "xl/_rels/workbook.xml.rels",
            #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="\#(rel)/worksheet" Target="worksheets/data.xml"/></Relationships>"#
        ),
        ("xl/sharedStrings.xml", shared),
        ("xl/worksheets/data.xml", #"<worksheet xmlns="\#(main)"><sheetData>\#(sheetRows)</sheetData></worksheet>"#),
    ]
    let archive = try Archive(accessMode: .create)
    for (path, text) in parts {
        let bytes = Data(text.utf8)
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate)
        {
            bytes.subdata(in: Int($0)..<Int($0) + $1)
        }
    }
    guard let data = archive.data else { throw XLSXError.unreadable("the test's archive has no data") }
    return data
}

@Suite("Reports: XLSX, the printable page and its histogram; import from the browser")
struct WebReportTests {
    @Test func theWorkbookIsWellFormedOfficeOpenXMLWithTheCSVsRows() async throws {
        let f = try await WebFixture()
        try await f.addReportProject()
        let report = try await ProjectReport.load(project: "R1", from: f.store)
        let parts = try unzipParts(try report.workbook.data())
        for path in [
            "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
            "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
        ] {
            let xml = try #require(parts[path], "\(path) is missing")
            let parser = XMLParser(data: xml)
            #expect(parser.parse(), "\(path) is not well-formed: \(String(describing: parser.parserError))")
        }
        let sheet = String(decoding: try #require(parts["xl/worksheets/sheet1.xml"]), as: UTF8.self)
        // Text escaped, formulas neutralised as in the CSV, never written as a formula.
        #expect(sheet.contains(#"<t xml:space="preserve">&apos;=cmd|x</t>"#))
        #expect(sheet.contains("a&lt;&amp;&gt;&quot;b&apos;"))
        #expect(!sheet.contains("<f>") && !sheet.contains("=cmd|x</v>"))
        // Numbers are numeric cells, the powers shown with two decimals.
        #expect(sheet.contains(#"<v>-21.30</v>"#))
        #expect(try Regex(#"<c r="G\d+" s="2"><v>-21\.30</v></c>"#).firstMatch(in: sheet) != nil)
        #expect(try Regex(#"<c r="B\d+"><v>1</v></c>"#).firstMatch(in: sheet) != nil)
        #expect(!sheet.contains(#"t="inlineStr" s="2""#))

        // Read back, the first sheet carries the CSV's rows and columns cell for cell.
        let back = try XLSXSheetReader(data: try report.workbook.data())
        let lines = report.csv.split(separator: "\r\n").map(String.init)
        #expect(back.rows.count == lines.count)
        for (i, line) in lines.enumerated() {
            let fields = csvFields(line)
            let cells = back.rows[i + 1] ?? [:]
            let row = (0..<fields.count).map { cells[$0] ?? "" }
            #expect(row == fields, "row \(i + 1)")
        }
    }

    @Test func theSummarySheetHasOneRowPerSplitter() async throws {
        let f = try await WebFixture()
        try await f.addReportProject()
        let report = try await ProjectReport.load(project: "R1", from: f.store)
        #expect(report.summaryRows.count == 3)
        let first = try #require(report.splitterSummaries.first { $0.splitter == "=cmd|x" })
        #expect(first.ports == 2 && first.tested == 2 && first.failed == 1 && first.passed == 1)
        #expect(first.minONURx == DBm(-21.3) && first.maxONURx == DBm(-18))
        let totals = report.totals
        #expect(totals.ports == 6 && totals.tested == 4 && totals.untested == 2)
        #expect(report.onuRx.missing == 1 && report.onuRx.values.count == 3)
        #expect(report.summaryRows[0][0] == .text("=cmd|x") && report.summaryRows[0][0].value == "'=cmd|x")
    }

    @Test func escapingCoversMarkupCarriageReturnsAndCharactersXMLCannotCarry() {
        #expect(XLSXWorkbook.escaped(#"<a href="x">&'"#) == "&lt;a href=&quot;x&quot;&gt;&amp;&apos;")
        #expect(XLSXWorkbook.escaped("a\rb\nc\td") == "a&#13;b\nc\td")
        #expect(XLSXWorkbook.escaped("bell\u{7}") == "bell\u{FFFD}")
        #expect(XLSXWorkbook.columnName(0) == "A" && XLSXWorkbook.columnName(25) == "Z")
        #expect(XLSXWorkbook.columnName(26) == "AA" && XLSXWorkbook.columnName(701) == "ZZ")
    }

    @Test func anExcelStyleSheetWithSharedStringsBecomesCSVLineForRow() throws {
        let data = try excelStyleWorkbook(rows: [
            (1, ["name", "olt_ip", "first", "last"]), (2, ["east", "10.0.0.1", "3000", "3099"]),
            (4, ["west, \"old\"", "", "3100", "3.199E3"]),
        ])
        let sheet = try XLSXSheetReader(data: data)
        #expect(
            sheet.csv == "name,olt_ip,first,last\r\neast,10.0.0.1,3000,3099\r\n\r\n\"west, \"\"old\"\"\",,3100,3199\r\n"
        )
        #expect(throws: XLSXError.self) { try XLSXSheetReader(data: Data("not a zip".utf8)) }
        #expect(throws: XLSXError.tooLarge(part: "xl/workbook.xml", limit: 10)) {
            try XLSXSheetReader(data: data, maxPartBytes: 10)
        }
    }

    /// What the xlsx fuzz target found on its first run in CI (2026-12-06): a ZIP whose directory
    /// points past its end. ZIPFoundation's in-memory archive trapped on it ("Range requires
    /// lowerBound <= upperBound"), which would have taken the daemon down with an upload; read from
    /// a file, it is refused with a message.
    @Test func theArchiveTheFuzzerFoundIsRefusedNotACrash() throws {
        let crash = try #require(
            Data(
                base64Encoded: [
                    "UEsDBBQAAAgIAAAAIVym0ZYADQEAAKgCAAATAAAAW0NvbnRlbnRfVHlwZXNdLnhtbK2SvU7DMBSFd57C8lrFbhkQQk06FBiBoTzA",
                    "xblJrPpPvm5J3x7HLQyolKWTZd9zzndsebkarWF7jKS9q/lCzDlDp3yrXV/z981zdc8ZJXAtGO+w5gckvmpulptDQGLZ7KjmQ0rh",
                    "QUpSA1og4QO6POl8tJDyNvYygNpCj/J2Pr+TyruELlVpyuDN8hE72JnEnsZ8fCwS0RBn66NwYtUcQjBaQcpzuXftL0p1IojsLBoa",
                    "dKBZFnB5ljBN/gacfK/5ZaJukb1BTC9gs0qORn76uP3wfisuh5xp6btOK2y92tlsERQiQksDYrJGlFVY0G52mU/pYJCuTS+h/+GJ",
                    "1H1GG39UfCWSLL3BKGCZ+JP8eCMas4QCr0r+8WD1AlBLAwQUAAAICAAAACFcrilj0LkAAAAaAQAADwAAAHhsL3dvcmtib29rLnht",
                    "bI2Puw7CMAxFd74i8g4pDAhVbVkQEjt8QGhcGtHYlR1ef0947Ux+6R7fW63vcTBXFA1MNcxnBRikln2gUw2H/Xa6AqPJkXcDE9bw",
                    "QIV1M6luLOcj89lkPWkNfUpjaa22PUanMx6R8qVjiS7lUU5WR0HntUdMcbCLolja6ALBh1DKPwzuutDihttLREofiODgUnavfRgV",
                    "mur9Qb/VkIvZ9S14zDlem53PMcFIGXIjOz8H21T2J7K/XM0TUEsDBBQAAAgIAAAAIVzgQpaKxwAAAKgBAAAaAAAAeGwvX3JlbHMv",
                    "d29ya2Jvb2sueG1sLnJlbHOtkM2qwjAQhfc+RZi9ndaFyMW0m8sFt6IPENLpD7ZJyIw/fXuDoii4uAtXw5lhvnM46+oyDupEkXvv",
                    "NBRZDoqc9XXvWg373d98BYrFuNoM3pGGiRiqcrbe0mAk/XDXB1YJ4lhDJxJ+ENl2NBrOfCCXLo2Po5EkY4vB2INpCRd5vsT4yoDy",
                    "jak2tYa4qQtQuynQf9i+aXpLv94eR3LywQLPPh64I5IENbEl0fBcMd5GkSUq4Ocwi2+GYZmGVOYzyV0/7PGt4PIKUEsDBBQAAAgI",
                    "AAAAIVzKtxtDcHmWME3+Bpx8r/llom6RvUFML2CzSo5Gfvq4/fB+Ky6HnGnpu04rbL3a2WwRFCJCSwNiskaUVVjQbnaZT+lgkK5N",
                    "L6H/4YnUfUYbf1R8JZIsvcEoYJn4k/x4IxqzhAKvSv7xYPUCUEsDBBQAAAgIAAAAIVyuKWPQuQAAABoBAAAPAAAAeGwvd29ya2Jv",
                    "b2sueG1sjY+7DsIwDEV3viLyDikMCFVtWRASO3xAaFwa0diVHV5/T3jtTH7pHt9bre9xMFcUDUw1zGcFGKSWfaBTDYf9droCo8mR",
                    "dwMT1vBAhXUzqW4s5yPz2WQ9aQ19SmNpv8wj24rSX5V/W1Z2a0kKkVHna4cVtIQ6719QZ/6XOpMX1CmHdah33IqmW9EwWhejjK53",
                    "2450PKSTSNMhPYmUDemHSN8M6Wmk+0P6MdKDIT2L9O2Qnkd6OKSfIn03pBdggeQuASO7z4CR3hfAyO8rYCQ4BYwMvwFGileAkeMM",
                    "MJK8Bowsb+CtIMtbwMjyDjCy/A4YWf4AjCx/AkaWHMKUIk0OcUqRJ38OFBLlEKkUmXIIFUOqHGLFkCuHYDEkyyFaDNlyCBdDuhzi",
                    "xbAvBIxhX0gYw74QMYZ9IWPsj2/8sdKdv1B0+6+k+A1QSwECFQMUAAAICAAAACFcptGWAA0BAACoAgAAEwAAAAAAAAAAAAAApIEA",
                    "AAAAW0NvbnRlbnRfVHlwZXNdLnhtbFBLAQIVAxQAAAgIAAAAIVwGWceCsQAAACgBAAALAAAAAAAAAAAAAACkgT4BAABfcmVscy8u",
                    "cmVsc1BLAQIVAxQAAAgIAAAAIVyuKWPQuQAAABoBAAAPAAAAAAAAAAAAAACkgRgCAAB4bC93b3JrYm9vay54bWxQSwECFQMUAAAI",
                    "CAAAACFc4EKWiscAAACoAQAAGgAAAAAAAAAAAAAApIH+AgAAeGwvX3JlbHMvd29ya2Jvb2sueG1sLnJlbHNQSwECFQMUAAAICAAA",
                    "ACFcyrcbQ4gBAAAmBAAADQAAAAAAAAAAAAAApIH9AwAAeGwvc3R5bGVzLnhtbFBLAQIVAxQAAAgIAAAAIVxOS5VZLwIAAI4GAAAY",
                    "AAAAAAAAAAAAAACkgbAFAAB4bC93b3Jrc2hlZXRzL4NoZWV0MS54bWxQSwUGAAAAAAYABgCAAQAAFQgAAAAA",
                ].joined()))
        #expect(throws: XLSXError.self) { try XLSXSheetReader(data: crash) }
    }

    /// The fuzz target's second find, once the first was read from a file: a deflated member
    /// whose stream stops before its end. ZIPFoundation's inflate loop never returned on it (the
    /// daemon would have spun a core for good); our reader says it stops short.
    @Test func aMemberWhoseStreamStopsShortIsRefusedNotAHang() throws {
        let hang = try #require(
            Data(
                base64Encoded: [
                    "UEsDBBQAAAgIAAAAIVym0ZYADQEAAKgCAAATAAAAW0NvbnRlbnRfVHlwZXNdLnhtbK2SvU7DMBSFd57C8lrFbhkQQk06FBiBoTzA",
                    "xblJrPpPvm5J3x7HLQyolKWTZd9zzndsebkarWF7jKS9q/lCzDlDp3yrXV/z981zdc8ZJXAtGO+w5gckvmpulptDQGLZ7KjmQ0rh",
                    "QUpSA1og4QO6POl8tJDyNvYygNpCj/J2Pr+TyruELlVpyuDN8hE72JnEnsZ8fCwS0RBn66NwYtUcQjBaQcpzuXftL0pVIojsLBoa",
                    "dKBZFnB5ljBN/gacfK/5ZaJukb1BTC9gs0qORn76uP3wfisuh5xp6btOK2y92tlsERQiQksDYrJGlFVY0G52mU/pYJCuTS+h/5Cn",
                    "mxcDybIsrlziJ/+7hywfrfkCUEsDBBQAAAgIAAAAIVwGWceCsQAAACgBAAALAAAAX3JlbHMvLnJlbHONz7EOgjAQBuDdp2hul4KD",
                    "MYbCYkxYDT5AbY9CgF7TVoW3t6MaB8fL/ff9ubJe5ok90IeBrIAiy4GhVaQHawRc2/P2ACxEabWcyKKAFQPU1aa84CRjugn94AJL",
                    "iA0C+hjdkfOgepxlyMihTZuO/CxjGr3hTqpRGuS7PN9z/25A9WGyRgvwjS6AtavDf2zqukHhidR9Rht/VHwlkiy9wShgmfiT/Hgj",
                    "GrOEAq9K/vFg9QJQSwMEFAAACAgAAAAhXK4pY9C5AAAAGgEAAA8AAAB4bC93b3JrYm9vay54bWyNj7sOwjAMRXe+IvIOKQwIVW1Z",
                    "EBI7fEBoXBrR2JUdXn9PeO1Mfuke31ut73EwVxQNTDXMZwUYpJZ9oFMNh/12ugKjyZF3AxPW8ECFdTOpbiznI/PZZD1pDX1KY2mt",
                    "tj1GpzMekfKlY4ku5VFOVkdB57VHTHGwi6JY2ugCwYdQyj8M7rrQ4obbS0RKH4jg4FJ2r30YFZrq/UG/1ZCL2fUteMw5XpudzzHB",
                    "SBlyIzs/B9tU9ieyv1zNE1BLAwQUAAAICAAAACFc4EKWiscAAACoAQAAGgAAAHhsL19yZWxzL3dvcmtib29rLnhtbC5yZWxzrZDN",
                    "qsIwEIX3PkWYvZ3WhcjFtJvLBbeiDxDS6Q+2SciMP317g6IouLgLV8OZYb5zOOvqMg7qRJF77zQUWQ6KnPV171oN+93ffAWKxbja",
                    "DN6RhokYqnK23tJgJP1w1wdWCeJYQycSfhDZdjQaznwgly6Nj6ORJGOLwdiDaQkXeb7E+MqA8o2pNrWGuKkLULsp0H/Yvml6S7/e",
                    "Hkdy8sECzz4euCOSBDWxJdHwXDHeRpElKuDnMItvhmGZhlTmM8ldP+zxreDyClBLAwQUAAAICAAAACFcyrcbQ4gBAAAmBAAADQAA",
                    "AHhsL3N0eWxlcy54bWylk89vwiAUx+/7Kwj3STXOLEtbDyZNdvGiS3alllYSeDSAxu6v36N0WheXxe3S94P3/fDKg3R50oochXXS",
                    "QEank4QSATtTSWjM+rYtHp8pcZ5DxZUBkdFOOLrMH1LnOyU2eyE8QQK4jO69b18Yc7u90NxNTCsAV2pjNfcY2oa51gpeuSDSis2S",
                    "ZME0l0DzFA660N6RnTmAxzbOKRLNa4XJxZySiFuZCltJsFmWp2wQ52lt4MKY0ZjIU/dBjlwhYBrKgWsR4xVXsrSyZ8TK+C3ZPZre",
                    "hM2lUtebYyJPW+69sFBgQAZ/27XYPeBxRkxf90t1Y3k3nT2NBL3BfUtjKxzf+OhiKk+VqD0KrGz2wXrTsrDovdFUN+gGCpK4yC/F",
                    "4CB2J5TahBm/11fsUz0aSRIGAmcXGxrciIlB4I9pkT3Czv+EJaf6zP9JPf1dTXjbqq4w8f++s2Z3dRJZ64MuhS36i3qLOdzj/1PZ",
                    "cI6jYV2N6pwl4f5mdB3EagQuD1J5CTfGhEx2eeH5J1BLAwQUAAAICAAAACFcTkuVWS8CAACOBgAAGAAAAHhsL3dvcmtzaGVldHMv",
                    "c2hlZXQxLnhtbJ2VXU/bMBSG7/crIt8Pt/FgDCVBXhmDwbaO8rHtzk3c1iKxo9i0sF8/Oz50zdE0Tdy0zmP7+DzOW8iOH5s6WcvO",
                    "KqNzMt4bkUTq0lRKL3Nyc336+pAk1gldidpomZMnaclx8SrbmO7erqR0iS+gbU5WzrVHlNpyJRth90wrtZ9ZmK4Rzj92S2rbToqq",
                    "39TUNB2NDmgjKSZF1rNbJTd2Z5yEI+bG3IeH8yonI7+yFVomT7O2Vs53SxJn2ku5cBNZ1znhKUlE6dRaTkXodW6cM02Y7x2cR4vO",
                    "/JKa0CKj24N2x88NnPZ9T7ukkgvxULsrszmTarkKp+6H7aWpbf+ZNEr3rTTisf/eqMqtcuLvrXyw/vy7+DyGXXFEG7fK/1zPYD37",
                    "93oa2+oVToQTRdaZTdKFWV8sDHi4tJwoXSstZ67zNxNnld/Xv8wj24rSX5V/W1Z2a0kKkVHna4cVtIQ6719QZ/6XOpMX1CmHdah3",
                    "3IqmW9EwWhejjK532450PKSTSNMhPYmUDemHSN8M6Wmk+0P6MdKDIT2L9O2Qnkd6OKSfIn03pBdggeQuASO7z4CR3hfAyO8rYCQ4",
                    "BYwMvwFGileAkeMMMJK8Bowsb+AqIMtbwMjyDjCy/A4YWf4AjCx/AkaWHMKUIk0OcUqRJ38OFBLlEKkUmXIIFUOqHGLFKSuHYDEk",
                    "yyFaDNlyCBdDuhzixbAvBIxhX0gYw74QMYZ9IWPsj2/8sdKdv1B0+6+k+ARQSwECFQMUAAAICAAAACFcptGWAA0BAACoAgAAEwAA",
                    "AAAAAAAAAAAApIEAAAAAW0NvbnRlbnRfVHlwZXNdLnhtbFBLAQIVAxQAAAgIAAAAIVwGWceCsQAAACgBAAALAAAAAAAAAAAAAACk",
                    "gT4BAABfcmVscy8ucmVsc1BLAQIVAxQAAAgIAAAAIVyuKWPQuQAAABoBAAAPAAAAAAAAAAAAAACkgRgCAAB4bC93b3JrYm9vay54",
                    "bWxQSwECFQMUAAAICAAAACFc4EKWiscAAACoAQAAGgAAAAAAAAAAAAAApIH+AgAAeGwvX3JlbHMvd29ya2Jvb2sueG1sLnJlbHNQ",
                    "SwECFQMUAAAICAAAACFcyrcbQ4gBAAAmBAAADQAAAAAAAAAAAAAApIH9AwAAeGwvc3R5bGVzLnhtbFBLAQIVAxQAAAgIAAAAIVxO",
                    "S5VZ/////44GAAAYAAAAAAAAAAAAAACkgbAFAAB4bC93b3Jrc2hlZXRzL3NoZWV0MS54bWxQSwUGAAAAAAYABgCAAQAAFQgAAAAA",
                ].joined()))
        #expect(throws: XLSXError.self) { try XLSXSheetReader(data: hang) }
        // Row 0 and a row past Excel's last are no sheet's: refused (row 0 trapped the CSV before).
        for row in [0, 1_048_577] {
            let odd = try excelStyleWorkbook(rows: [(row, ["name"])])
            #expect(throws: XLSXError.self) { try XLSXSheetReader(data: odd) }
        }
        // Cut a real report anywhere in its members: refused with a message every time, never a hang.
        let report = try excelStyleWorkbook(rows: [(1, ["name", "first"]), (2, ["east", "3000"])])
        for cut in stride(from: 30, to: report.count - 22, by: 97) {
            var damaged = report
            damaged.removeSubrange(cut..<(cut + 10))
            #expect(throws: XLSXError.self) { try XLSXSheetReader(data: damaged) }
        }
    }

    @Test func theHistogramCountsHalfDecibelBinsAndSpansTheLimits() {
        let values = [DBm(-21.3), DBm(-21.49), DBm(-21.5), DBm(-19.99), DBm(-25)]
        let h = ONURxHistogram(values: values, missing: 2, limits: [DBm(-20), DBm(-27), DBm(-8)])
        #expect(h.bins.first?.lower == DBm(-27.5) && h.bins.last?.upper == DBm(-7))
        #expect(h.bins.allSatisfy { $0.upper.centi - $0.lower.centi == 50 })
        #expect(zip(h.bins, h.bins.dropFirst()).allSatisfy { $0.upper == $1.lower })
        #expect(h.bins.first { $0.lower == DBm(-21.5) }?.count == 3)
        #expect(h.bins.first { $0.lower == DBm(-20) }?.count == 1)
        #expect(h.bins.first { $0.lower == DBm(-25) }?.count == 1)
        #expect(h.total == 5 && h.peak == 3 && h.missing == 2)
        // A stray value does not stretch the axis: it lands in the edge bin.
        let stray = ONURxHistogram(values: [DBm(-21), DBm(-21), DBm(-95)], limits: [DBm(-20)])
        #expect(stray.bins.count <= ONURxHistogram.maxBins && stray.total == 3)
        #expect(ONURxHistogram(values: []).bins.isEmpty)
    }

    @Test func theReportPageShowsTotalsSplittersLimitsAndAnSVGHistogram() async throws {
        let f = try await WebFixture()
        try await f.addReportProject()
        let admin = try await f.signIn("li", password: WebFixture.adminPassword)
        let r = try await f.get("/projects/R1/report", session: admin)
        #expect(r.status == .ok)
        let page = r.text
        #expect(page.contains("Acceptance report: R1") && page.contains("Report &lt;Court&gt; &amp; Sons"))
        #expect(page.contains(#"<svg class="histogram""#))
        // Three readings in three bins; a line for each ONU rx limit in force, labelled.
        #expect(page.components(separatedBy: #"<rect class="bin""#).count - 1 == 3)
        #expect(
            page.contains("build ≥ -20.00") && page.contains("user ≥ -27.00") && page.contains("build/user ≤ -8.00"))
        #expect(page.components(separatedBy: #"<line class="limit"#).count - 1 == 3)
        #expect(page.contains("ONU rx (dBm)"))
        #expect(page.contains("Tested ports without an ONU rx reading: 1"))
        // Totals, per-splitter rows (escaped), the limits that applied, every port's row.
        #expect(page.contains("a&lt;&amp;&gt;&quot;b&#39;") || page.contains("a&lt;&amp;&gt;&quot;b'"))
        #expect(page.contains("-21.30 … -18.00"))
        #expect(page.contains("ONU rx at least") && page.contains("-20.00 dBm"))
        #expect(page.contains("/projects/R1/report.xlsx") && page.contains("/projects/R1/report.csv"))
        // When each port was tested (UTC); by whom is empty for these, recorded outside a run.
        #expect(page.contains("Tested (UTC)") && page.contains("Tested by"))
        #expect(page.contains("2026-09-21T14:14:20Z"))
        #expect(!page.contains("style="))
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        let zh = try await f.get("/projects/R1/report", session: crew)
        #expect(zh.status == .ok && zh.text.contains("挂测报表") && zh.text.contains("ONU 接收光功率（dBm）"))
        #expect(try await f.get("/projects/NOPE/report", session: admin).status == .notFound)
        #expect(try await f.get("/projects/R1/report").status == .seeOther)
        let css = try await f.get("/static/site.css").text
        #expect(css.contains("@media print"))
    }

    @Test func theDownloadsCarryTheSameRowsWithRFC6266Names() async throws {
        let f = try await WebFixture()
        try await f.addReportProject()
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        let xlsx = try await f.get("/projects/R1/report.xlsx", session: crew)
        #expect(xlsx.status == .ok)
        #expect(xlsx.headers[.contentType] == XLSXWorkbook.contentType)
        #expect(
            xlsx.headers[.contentDisposition]
                == #"attachment; filename="R1-report.xlsx"; filename*=UTF-8''R1-report.xlsx"#)
        let data = Data(xlsx.body.readableBytesView)
        #expect(data.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        let csv = try await f.get("/projects/R1/report.csv", session: crew)
        let report = try await ProjectReport.load(project: "R1", from: f.store)
        #expect(csv.text == report.csv)
        #expect(try XLSXSheetReader(data: data).rows[2]?[0] == "'=cmd|x")
    }

    // MARK: Import

    static let badProjects = """
        project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio
        N1,New block,HW-3,10.0.0.3,huawei-ma5800,0/1/2,5000,SP-1,1:8
        N1,New block,HW-3,,huawei-ma5800,0/1/2,1003,SP-2,1:8
        P1,Garden Court,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-Z,1:8
        """

    static let goodProjects = """
        project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio
        N1,New block,HW-3,10.0.0.3,huawei-ma5800,0/1/2,1003,SP-1,1:8
        N1,New block,HW-3,10.0.0.3,huawei-ma5800,0/1/2,1003,SP-2,1:4
        N2,Other block,HW-3,10.0.0.3,huawei-ma5800,0/1/3,1004,SP-1,1:8
        """

    @Test func aDryRunListsEveryProblemWithItsLineAndSavesNothing() async throws {
        let f = try await WebFixture()
        let admin = try await f.signIn("li", password: WebFixture.adminPassword)
        let csrf = try await f.csrf(admin)
        let before = try await f.store.projects().count
        let r = try await f.postMultipart(
            "/admin/import", fields: [("csrf", csrf), ("kind", "projects")],
            file: ("file", "projects.csv", "text/csv", Data(Self.badProjects.utf8)), session: admin)
        #expect(r.status == .unprocessableContent)
        let page = r.text
        #expect(page.contains("Nothing was saved"))
        #expect(page.contains("&#39;5000&#39; is not a VLAN id"))
        #expect(page.contains(#"<td class="num">2</td><td>svlan</td>"#))
        #expect(page.contains(#"<td class="num">3</td><td>olt_ip</td>"#))
        #expect(!page.contains("Save the import"))
        #expect(try await f.store.projects().count == before)

        // The same rows as an XLSX: the problems name the sheet's rows.
        let rows = Self.badProjects.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let xlsx = try excelStyleWorkbook(rows: rows.enumerated().map { ($0.offset + 1, $0.element) })
        let x = try await f.postMultipart(
            "/admin/import", fields: [("csrf", csrf), ("kind", "projects")],
            file: ("file", "projects.xlsx", "application/octet-stream", xlsx), session: admin)
        #expect(x.status == .unprocessableContent)
        #expect(x.text.contains(#"<td class="num">2</td><td>svlan</td>"#) && x.text.contains("projects.xlsx"))
        #expect(try await f.store.projects().count == before)
    }

    @Test func aStoredProjectIsAProblemOfTheDryRun() async throws {
        let f = try await WebFixture()
        let admin = try await f.signIn("li", password: WebFixture.adminPassword)
        let r = try await f.postMultipart(
            "/admin/import", fields: [("csrf", try await f.csrf(admin)), ("kind", "projects")],
            file: ("file", "again.csv", "text/csv", Data(sampleCSV.utf8)), session: admin)
        #expect(r.status == .unprocessableContent)
        #expect(r.text.contains("project P1 was already imported"))
    }

    @Test func aCheckedFileIsSavedOnlyOnConfirmationWithItsProgress() async throws {
        let f = try await WebFixture()
        let admin = try await f.signIn("li", password: WebFixture.adminPassword)
        let csrf = try await f.csrf(admin)
        let rows = Self.goodProjects.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let xlsx = try excelStyleWorkbook(rows: rows.enumerated().map { ($0.offset + 1, $0.element) })
        let r = try await f.postMultipart(
            "/admin/import", fields: [("csrf", csrf), ("kind", "projects")],
            file: ("file", "C:\\exports\\new.xlsx", "application/vnd.ms-excel", xlsx), session: admin)
        #expect(r.status == .ok, "\(r.text)")
        #expect(r.text.contains("The file is correct") && r.text.contains("new.xlsx"))
        #expect(try await f.store.project("N1") == nil)
        let save = try #require(
            try Regex(#"action="(/admin/import/[0-9a-f]{32}/save)""#).firstMatch(in: r.text)?.output[1].substring)
        // Another administrator's session cannot confirm it; a crew member is refused.
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        #expect(
            try await f.post(String(save), form: ["csrf": try await f.csrf(crew)], session: crew).status == .forbidden)
        let done = try await f.post(String(save), form: ["csrf": csrf], session: admin)
        #expect(done.status == .ok)
        #expect(done.text.contains(#"<progress value="2" max="2">"#))
        #expect(
            done.text.contains(#"id="import-done""#) && done.text.contains("Saved: 2 projects, 3 splitters, 20 ports"))
        #expect(try await f.store.project("N1")?.ports == 12)
        // Saved once: the same confirmation again finds nothing.
        let again = try await f.post(String(save), form: ["csrf": csrf], session: admin)
        #expect(again.status == .notFound && again.text.contains("expired or was saved already"))
    }

    @Test func cvlanRangesImportFromCSV() async throws {
        let f = try await WebFixture()
        let admin = try await f.signIn("li", password: WebFixture.adminPassword)
        let csrf = try await f.csrf(admin)
        let bad = try await f.postMultipart(
            "/admin/import", fields: [("csrf", csrf), ("kind", "cvlans")],
            file: ("file", "r.csv", "text/csv", Data("name,olt_ip,first,last\neast,,3000,2990\n".utf8)), session: admin)
        #expect(bad.status == .unprocessableContent)
        let good = try await f.postMultipart(
            "/admin/import", fields: [("csrf", csrf), ("kind", "cvlans")],
            file: ("file", "r.csv", "text/csv", Data("name,olt_ip,first,last\neast,,3100,3199\n".utf8)), session: admin)
        #expect(good.status == .ok && good.text.contains("3100–3199"))
        #expect(try await f.store.cvlanRanges().isEmpty)
        let save = try #require(
            try Regex(#"action="(/admin/import/[0-9a-f]{32}/save)""#).firstMatch(in: good.text)?.output[1].substring)
        let done = try await f.post(String(save), form: ["csrf": csrf], session: admin)
        #expect(done.status == .ok && done.text.contains("CVLAN ranges saved: 1"))
        #expect(try await f.store.cvlanRanges().map(\.name) == ["east"])
    }

    @Test func aCrewMemberCannotImportAndAFormWithoutItsTokenIsRefused() async throws {
        let f = try await WebFixture()
        let crew = try await f.signIn("wang", password: WebFixture.crewPassword)
        #expect(try await f.get("/admin/import", session: crew).status == .forbidden)
        let r = try await f.postMultipart(
            "/admin/import", fields: [("csrf", try await f.csrf(crew)), ("kind", "projects")],
            file: ("file", "p.csv", "text/csv", Data(Self.goodProjects.utf8)), session: crew)
        #expect(r.status == .forbidden)
        let admin = try await f.signIn("li", password: WebFixture.adminPassword)
        let page = try await f.get("/admin/import", session: admin)
        #expect(page.status == .ok && page.text.contains(#"enctype="multipart/form-data""#))
        #expect(page.text.contains(#"<label for="import-file">"#))
        let forged = try await f.postMultipart(
            "/admin/import", fields: [("csrf", "forged"), ("kind", "projects")],
            file: ("file", "p.csv", "text/csv", Data(Self.goodProjects.utf8)), session: admin)
        #expect(forged.status == .forbidden)
        #expect(try await f.store.project("N1") == nil)
    }
}
