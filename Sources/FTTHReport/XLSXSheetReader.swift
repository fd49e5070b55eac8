import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads the first worksheet of an `.xlsx` workbook as rows of text: what an operator keeps in a
/// spreadsheet (the resource system's project file, CVLAN ranges) becomes the CSV the importer
/// already checks, so both arrive by one code path. Shared strings, inline strings, numbers and
/// booleans are read; formulas give their cached value; styles and dates are not interpreted.
public struct XLSXSheetReader: Sendable {
    /// The rows of the first sheet by their 1-based row number, each cell's text by its 0-based column.
    public private(set) var rows: [Int: [Int: String]] = [:]

    /// Unpacks `data` and reads its first sheet; no part may unpack to more than
    /// `maxPartBytes`. Throws ``XLSXError``.
    public init(data: Data, maxPartBytes: Int = 64 << 20) throws {
        // Our own bounded reader (ZIPParts), not ZIPFoundation's: see there why.
        let archive = try ZIPParts(data)
        func part(_ path: String) throws -> Data? {
            try archive.contents(of: path, limit: maxPartBytes)
        }
        guard let workbook = try part("xl/workbook.xml") else {
            throw XLSXError.unreadable("it has no xl/workbook.xml")
        }
        let sheets = try Self.parse(workbook, as: "xl/workbook.xml") { name, attributes, _ in
            guard name == "sheet" else { return nil }
            // The relationship id, whatever prefix the workbook gives its namespace.
            return attributes["r:id"] ?? attributes.first(where: { $0.key.hasSuffix(":id") })?.value
        }
        guard let firstID = sheets.first else { throw XLSXError.unreadable("its workbook lists no sheet") }
        var sheetPath = "xl/worksheets/sheet1.xml"
        if let rels = try part("xl/_rels/workbook.xml.rels") {
            let targets = try Self.parse(rels, as: "xl/_rels/workbook.xml.rels") { name, attributes, _ in
                name == "Relationship" && attributes["Id"] == firstID ? attributes["Target"] : nil
            }
            if let target = targets.first {
                sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            }
        }
        var shared: [String] = []
        if let strings = try part("xl/sharedStrings.xml") {
            let handler = SharedStringsHandler()
            try Self.run(handler, on: strings, as: "xl/sharedStrings.xml")
            shared = handler.strings
        }
        guard let sheet = try part(sheetPath) else { throw XLSXError.unreadable("it has no \(sheetPath)") }
        let handler = SheetHandler(shared: shared)
        try Self.run(handler, on: sheet, as: sheetPath)
        // A cell reference is the sender's word: rows 1…1,048,576 and columns A…XFD are what a
        // sheet has, and the CSV made of it stays within what an import can take.
        var fields = 0
        for (number, cells) in handler.rows {
            guard (1...Self.maxRows).contains(number), cells.keys.allSatisfy({ (0..<Self.maxColumns).contains($0) })
            else {
                throw XLSXError.unreadable("\(sheetPath) has a cell outside a sheet's rows and columns")
            }
            fields += (cells.keys.max() ?? 0) + 1
        }
        guard fields <= Self.maxFields else {
            throw XLSXError.unreadable("\(sheetPath) has more than \(Self.maxFields) cells to read: split the file")
        }
        rows = handler.rows
    }

    /// A sheet's rows and columns (Excel's limits), and the most cells (blank ones within a row
    /// included) a sheet may make into CSV.
    static let maxRows = 1_048_576
    static let maxColumns = 16_384
    static let maxFields = 4_000_000

    /// The sheet as CSV text (RFC 4180), one line per spreadsheet row, so that a problem the
    /// importer names on line N is on the sheet's row N: rows the sheet skips become blank lines,
    /// which the importer skips too.
    public var csv: String {
        guard let last = rows.keys.max(), last >= 1 else { return "" }
        var lines: [String] = []
        lines.reserveCapacity(last)
        for number in 1...last {
            guard let cells = rows[number], let width = cells.keys.max() else {
                lines.append("")
                continue
            }
            let fields = (0...width).map { ProjectReport.escape(cells[$0] ?? "") }
            lines.append(fields.allSatisfy(\.isEmpty) ? "" : fields.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The 0-based column of a cell reference such as `AB12`; nil when it has no letters.
    static func column(of reference: String) -> Int? {
        var n = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard ("A"..."Z").contains(scalar) else { break }
            n = n * 26 + Int(scalar.value - 64)
            letters += 1
        }
        return letters == 0 ? nil : n - 1
    }

    static func run(_ handler: some XMLParserDelegate, on data: Data, as part: String) throws {
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.delegate = handler
        guard parser.parse() else {
            throw XLSXError.unreadable(
                "\(part) is not well-formed XML (line \(parser.lineNumber): \(parser.parserError.map { "\($0)" } ?? "?"))"
            )
        }
    }

    /// Collects what `pick` returns for each element start.
    static func parse(
        _ data: Data, as part: String, pick: @escaping (String, [String: String], Int) -> String?
    ) throws -> [String] {
        let handler = PickHandler(pick: pick)
        try run(handler, on: data, as: part)
        return handler.picked
    }
}

private final class PickHandler: NSObject, XMLParserDelegate {
    let pick: (String, [String: String], Int) -> String?
    var picked: [String] = []
    var depth = 0
    init(pick: @escaping (String, [String: String], Int) -> String?) { self.pick = pick }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        depth += 1
        if let value = pick(localName(elementName), attributes, depth) { picked.append(value) }
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
    ) { depth -= 1 }
}

/// `x:sheet` → `sheet`: a workbook may prefix the main namespace.
private func localName(_ name: String) -> String {
    name.split(separator: ":").last.map(String.init) ?? name
}

/// `<si>` items, each the text of its `<t>` elements (plain or rich runs), in order.
private final class SharedStringsHandler: NSObject, XMLParserDelegate {
    var strings: [String] = []
    var current: String?
    var inText = false
    var inPhonetic = false

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch localName(elementName) {
        case "si": current = ""
        case "t": inText = !inPhonetic
        case "rPh": inPhonetic = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current? += string }
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
    ) {
        switch localName(elementName) {
        case "si":
            strings.append(current ?? "")
            current = nil
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }
}

/// The cells of a worksheet: `<row r>` / `<c r t>` with `<v>` or `<is><t>`.
private final class SheetHandler: NSObject, XMLParserDelegate {
    let shared: [String]
    var rows: [Int: [Int: String]] = [:]
    var rowNumber = 0
    var nextColumn = 0
    var cellColumn = 0
    var cellType = "n"
    var text = ""
    var collecting = false
    var inPhonetic = false
    var hasValue = false

    init(shared: [String]) { self.shared = shared }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch localName(elementName) {
        case "row":
            rowNumber = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
            nextColumn = 0
        case "c":
            cellColumn = attributes["r"].flatMap(XLSXSheetReader.column(of:)) ?? nextColumn
            nextColumn = cellColumn + 1
            cellType = attributes["t"] ?? "n"
            text = ""
            hasValue = false
        case "v", "t":
            collecting = !inPhonetic
            hasValue = true
        case "rPh": inPhonetic = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if collecting { text += string }
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
    ) {
        switch localName(elementName) {
        case "v", "t": collecting = false
        case "rPh": inPhonetic = false
        case "c":
            guard hasValue else { return }
            let value: String
            switch cellType {
            case "s": value = Int(text).flatMap { shared.indices.contains($0) ? shared[$0] : nil } ?? ""
            case "b": value = text == "1" ? "TRUE" : "FALSE"
            case "n": value = Self.number(text)
            default: value = text
            }
            if !value.isEmpty { rows[rowNumber, default: [:]][cellColumn] = value }
        default: break
        }
    }

    /// A number as the workbook wrote it (`1001`, `-21.40`), except that a whole number in
    /// exponent form (`1.001E3`, as some writers store it) reads as typed: `1001`.
    static func number(_ text: String) -> String {
        guard text.contains(where: { $0 == "E" || $0 == "e" }), let value = Double(text), value.rounded() == value,
            abs(value) < 1e15
        else { return text }
        return String(Int(value))
    }
}
