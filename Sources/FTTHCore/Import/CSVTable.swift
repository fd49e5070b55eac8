/// A position in a CSV file, for error messages: file, 1-based line, and column name.
public struct CSVLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: String?

    public init(file: String, line: Int, column: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `projects.csv:12 column 'svlan'`
    public var description: String {
        column.map { "\(file):\(line) column '\($0)'" } ?? "\(file):\(line)"
    }
}

/// One problem in an input file, located.
public struct CSVProblem: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public var location: CSVLocation
    public var message: String

    public init(_ location: CSVLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}

/// Every problem found in a file; nothing is imported while there is one.
public struct CSVProblems: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [CSVProblem]

    public init(_ problems: [CSVProblem]) { self.problems = problems }

    public var code: String { "import.invalid" }
    public var description: String {
        let shown = problems.prefix(50).map(\.description)
        let more = problems.count > 50 ? ["… and \(problems.count - 50) more"] : []
        return (["\(problems.count) problem(s); nothing was imported:"] + shown + more).joined(separator: "\n  ")
    }
}

/// A parsed CSV file (RFC 4180: quoted fields, doubled quotes, CRLF or LF, optional UTF-8 BOM)
/// with its header, and each record's starting line number.
public struct CSVTable: Sendable {
    public struct Row: Sendable {
        public var line: Int
        public var fields: [String: String]

        public init(line: Int, fields: [String: String]) {
            self.line = line
            self.fields = fields
        }
    }

    public let file: String
    public let header: [String]
    public let rows: [Row]

    /// Rows that did not come from a file (a JSON body turned into the same fields), so that
    /// they are validated by the same rules; `line` numbers are the caller's to interpret.
    public init(file: String, header: [String], rows: [Row]) {
        self.file = file
        self.header = header
        self.rows = rows
    }

    /// Parses `text`. Header names are trimmed and lower-cased. Throws ``CSVProblems`` for an
    /// unterminated quote, a duplicate or missing required header column, or a row whose field
    /// count differs from the header's. Blank lines are skipped.
    public init(text: String, file: String, required: [String], optional: [String] = []) throws {
        self.file = file
        var records: [(line: Int, fields: [String])] = []
        var field = ""
        var fields: [String] = []
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var fieldWasQuoted = false
        var problems: [CSVProblem] = []
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].allSatisfy(\.isWhitespace) && !fieldWasQuoted) {
                records.append((recordLine, fields))
            }
            fields = []
            field = ""
            fieldWasQuoted = false
        }

        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            inQuotes = false
                            pending = next
                        }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty:
                inQuotes = true
                fieldWasQuoted = true
            case ",":
                fields.append(field)
                field = ""
                fieldWasQuoted = false
            case "\r":
                break
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes {
            throw CSVProblems([
                CSVProblem(
                    CSVLocation(file: file, line: recordLine), "a quoted field is never closed: add the closing '\"'")
            ])
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }

        guard let headerRecord = records.first else {
            throw CSVProblems([
                CSVProblem(
                    CSVLocation(file: file, line: 1),
                    "the file is empty: expected a header line with \(required.joined(separator: ","))")
            ])
        }
        let header = headerRecord.fields.map { $0.trimmingWhitespace().lowercased() }
        var seen: Set<String> = []
        for name in header {
            if !seen.insert(name).inserted {
                problems.append(
                    CSVProblem(
                        CSVLocation(file: file, line: headerRecord.line, column: name),
                        "column appears twice in the header"))
            }
            if !required.contains(name) && !optional.contains(name) {
                problems.append(
                    CSVProblem(
                        CSVLocation(file: file, line: headerRecord.line, column: name),
                        "unknown column; expected \((required + optional).joined(separator: ", "))"))
            }
        }
        for name in required where !header.contains(name) {
            problems.append(
                CSVProblem(
                    CSVLocation(file: file, line: headerRecord.line, column: name),
                    "required column is missing from the header"))
        }
        var rows: [Row] = []
        for record in records.dropFirst() {
            guard record.fields.count == header.count else {
                problems.append(
                    CSVProblem(
                        CSVLocation(file: file, line: record.line),
                        "has \(record.fields.count) field(s) but the header has \(header.count)"))
                continue
            }
            rows.append(
                Row(line: record.line, fields: Dictionary(zip(header, record.fields), uniquingKeysWith: { a, _ in a })))
        }
        if !problems.isEmpty { throw CSVProblems(problems) }
        self.header = header
        self.rows = rows
    }
}
