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
    /// `import.invalid` for a value that is wrong; `import.limit` when the file breaks one of the
    /// plausibility limits of ``ImportLimits`` (the first problem names it).
    public var code: String

    public init(_ problems: [CSVProblem], code: String = "import.invalid") {
        self.problems = problems
        self.code = code
    }

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
        var reader = CSVRecordReader(file: file)
        var records: [CSVRecordReader.Record] = []
        try reader.read(text.utf8) { records.append($0) }
        try reader.finish { records.append($0) }
        let (header, headerProblems) = Self.header(
            records.first, file: file, required: required, optional: optional)
        var problems = headerProblems
        var rows: [Row] = []
        for record in records.dropFirst() {
            switch Self.row(record, header: header, file: file) {
            case .success(let row): rows.append(row)
            case .failure(let problem): problems.append(problem)
            }
        }
        if !problems.isEmpty { throw CSVProblems(problems) }
        self.header = header
        self.rows = rows
    }

    /// The header's column names, trimmed and lower-cased, and its problems: a column twice, an
    /// unknown one, a required one missing, or no header at all (`record` nil: an empty file).
    public static func header(
        _ record: CSVRecordReader.Record?, file: String, required: [String], optional: [String]
    ) -> (header: [String], problems: [CSVProblem]) {
        guard let record else {
            return (
                [],
                [
                    CSVProblem(
                        CSVLocation(file: file, line: 1),
                        "the file is empty: expected a header line with \(required.joined(separator: ","))")
                ]
            )
        }
        var problems: [CSVProblem] = []
        let header = record.fields.map { $0.trimmingWhitespace().lowercased() }
        var seen: Set<String> = []
        for name in header {
            if !seen.insert(name).inserted {
                problems.append(
                    CSVProblem(
                        CSVLocation(file: file, line: record.line, column: name),
                        "column appears twice in the header"))
            }
            if !required.contains(name) && !optional.contains(name) {
                problems.append(
                    CSVProblem(
                        CSVLocation(file: file, line: record.line, column: name),
                        "unknown column; expected \((required + optional).joined(separator: ", "))"))
            }
        }
        for name in required where !header.contains(name) {
            problems.append(
                CSVProblem(
                    CSVLocation(file: file, line: record.line, column: name),
                    "required column is missing from the header"))
        }
        return (header, problems)
    }

    /// A record after the header as a row of named fields, or the problem that its field count
    /// differs from the header's.
    public static func row(_ record: CSVRecordReader.Record, header: [String], file: String) -> Result<Row, CSVProblem>
    {
        guard record.fields.count == header.count else {
            return .failure(
                CSVProblem(
                    CSVLocation(file: file, line: record.line),
                    "has \(record.fields.count) field(s) but the header has \(header.count)"))
        }
        return .success(
            Row(line: record.line, fields: Dictionary(zip(header, record.fields), uniquingKeysWith: { a, _ in a })))
    }
}
