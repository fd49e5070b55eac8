/// Reads CSV records (RFC 4180: quoted fields, doubled quotes, CRLF or LF, an optional UTF-8
/// byte order mark) from bytes as they arrive, so that a file is never held whole: an upload is
/// read chunk by chunk and each record handed on as soon as its line ends.
///
/// Only ASCII bytes (`"`, `,`, CR, LF) delimit, so a chunk may end anywhere, even inside a
/// multi-byte character; each field is checked to be UTF-8 when it is complete. A CR outside
/// quotes is dropped, a quote opens a quoted field only at the start of a field, and a line
/// holding nothing but blanks is skipped.
public struct CSVRecordReader: Sendable {
    /// One record: the line it starts on (1-based) and its fields.
    public struct Record: Sendable, Hashable {
        public var line: Int
        public var fields: [String]
    }

    /// The file's name, for messages.
    public let file: String
    /// Bytes read so far.
    public private(set) var byteCount = 0

    private var field: [UInt8] = []
    private var fields: [String] = []
    private var inQuotes = false
    /// A quote was seen inside a quoted field: the next byte decides whether it was doubled.
    private var quotePending = false
    private var fieldWasQuoted = false
    private var line = 1
    private var recordLine = 1
    /// How many bytes of the byte order mark matched so far; nil once past the start.
    private var bomMatched: Int? = 0

    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// A reader of the file named `file` (the name goes into messages).
    public init(file: String) { self.file = file }

    /// Reads `bytes`, calling `record` for every record they complete. Throws ``CSVProblems``
    /// for a field that is not UTF-8, and whatever `record` throws.
    public mutating func read(_ bytes: some Sequence<UInt8>, record: (Record) throws -> Void) throws {
        for byte in bytes {
            byteCount += 1
            if let matched = bomMatched {
                if byte == Self.byteOrderMark[matched] {
                    bomMatched = matched + 1 == Self.byteOrderMark.count ? nil : matched + 1
                    continue
                }
                // Not a byte order mark after all: what matched is ordinary text.
                field.append(contentsOf: Self.byteOrderMark.prefix(matched))
                bomMatched = nil
            }
            if inQuotes {
                if quotePending {
                    quotePending = false
                    if byte == UInt8(ascii: "\"") {
                        field.append(byte)
                        continue
                    }
                    inQuotes = false
                    // The byte after the closing quote is read as outside quotes, below.
                } else if byte == UInt8(ascii: "\"") {
                    quotePending = true
                    continue
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                    continue
                }
            }
            switch byte {
            case UInt8(ascii: "\"") where field.isEmpty:
                inQuotes = true
                fieldWasQuoted = true
            case UInt8(ascii: ","):
                try endField()
            case UInt8(ascii: "\r"):
                break
            case UInt8(ascii: "\n"):
                try endRecord(record)
                line += 1
                recordLine = line
            default:
                field.append(byte)
            }
        }
    }

    /// Ends the input: hands on a last record without a line end. Throws ``CSVProblems`` for a
    /// quoted field that is never closed.
    public mutating func finish(record: (Record) throws -> Void) throws {
        if bomMatched != nil, let matched = bomMatched {
            field.append(contentsOf: Self.byteOrderMark.prefix(matched))
            bomMatched = nil
        }
        if inQuotes && !quotePending {
            throw CSVProblems([
                CSVProblem(
                    CSVLocation(file: file, line: recordLine), "a quoted field is never closed: add the closing '\"'")
            ])
        }
        inQuotes = false
        quotePending = false
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { try endRecord(record) }
    }

    private mutating func endField() throws {
        guard let text = String(validating: field, as: UTF8.self) else {
            throw CSVProblems([
                CSVProblem(
                    CSVLocation(file: file, line: line),
                    "is not UTF-8 text: export the CSV as UTF-8 (in a spreadsheet: CSV UTF-8)")
            ])
        }
        fields.append(text)
        field.removeAll(keepingCapacity: true)
        fieldWasQuoted = false
    }

    private mutating func endRecord(_ record: (Record) throws -> Void) throws {
        let quoted = fieldWasQuoted
        try endField()
        let done = Record(line: recordLine, fields: fields)
        fields.removeAll(keepingCapacity: true)
        if !(done.fields.count == 1 && done.fields[0].allSatisfy(\.isWhitespace) && !quoted) {
            try record(done)
        }
    }
}
