import TOMLKit

/// Parses configuration text with TOMLKit, refusing first what its parser cannot be trusted with.
///
/// toml++ (inside TOMLKit) asserts that a table header's key starts with a key character or a
/// quote: `[!]`, `[.engine]`, `[é]` or a control character there abort the process in a debug
/// build and are undefined behaviour in a release build (`ftth-fuzz toml` found it). Such a
/// header is refused here with its line, as any other TOML mistake is.
public enum TOMLText {
    /// The document's root table.
    /// - Throws: ``ConfigurationError`` naming the line and column of the first mistake.
    public static func parse(_ text: String) throws -> TOMLTable {
        if let (line, column) = unreadableTableHeader(in: text) {
            throw ConfigurationError(
                key: nil,
                message:
                    "not valid TOML at line \(line), column \(column): a table header starts with a key, "
                    + "such as [engine] or [[olt]]")
        }
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(
                key: nil,
                message:
                    "not valid TOML at line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)"
            )
        }
    }

    /// The place (1-based) of the first table header whose key starts with something other than
    /// a bare-key character (`A-Z a-z 0-9 _ -`) or a quote. Strings, comments and array or inline
    /// table values are skipped: a line of them that starts with `[` is not a header.
    static func unreadableTableHeader(in text: String) -> (line: Int, column: Int)? {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        var line = 1
        var lineStart = 0
        var atLineStart = true
        var depth = 0
        func starts(_ delimiter: String, at k: Int) -> Bool {
            let d = Array(delimiter.unicodeScalars)
            return k + d.count <= scalars.count && Array(scalars[k..<(k + d.count)]) == d
        }
        func newline() {
            line += 1
            lineStart = i + 1
            atLineStart = true
        }
        while i < scalars.count {
            let c = scalars[i]
            if c == "\n" {
                newline()
                i += 1
                continue
            }
            if c == " " || c == "\t" || c == "\r" {
                i += 1
                continue
            }
            if atLineStart && depth == 0 && c == "[" {
                var k = i + 1
                if k < scalars.count && scalars[k] == "[" { k += 1 }
                while k < scalars.count && (scalars[k] == " " || scalars[k] == "\t") { k += 1 }
                if k < scalars.count, !isKeyStart(scalars[k]) {
                    return (line, k - lineStart + 1)
                }
                // The rest of a header is keys, which never span lines.
                while i < scalars.count && scalars[i] != "\n" { i += 1 }
                continue
            }
            atLineStart = false
            // Inside an array or inline table value, a line that starts with `[` is a value.
            if c == "[" || c == "{" { depth += 1 }
            if c == "]" || c == "}" { depth = max(0, depth - 1) }
            if c == "#" {
                while i < scalars.count && scalars[i] != "\n" { i += 1 }
                continue
            }
            guard let (open, escapes) = Self.quotes.first(where: { starts($0.open, at: i) }) else {
                i += 1
                continue
            }
            let delimiter = open.unicodeScalars.count
            i += delimiter
            while i < scalars.count && !starts(open, at: i) {
                if scalars[i] == "\n" {
                    // A one-line string ends at the line's end (a TOML error toml++ reports).
                    if delimiter == 1 { break }
                    newline()
                    atLineStart = false
                } else if escapes && scalars[i] == "\\" && i + 1 < scalars.count && scalars[i + 1] != "\n" {
                    i += 1
                }
                i += 1
            }
            if i < scalars.count && scalars[i] != "\n" { i += delimiter }
        }
        return nil
    }

    /// String delimiters, longest first, and whether a backslash escapes in them.
    private static let quotes: [(open: String, escapes: Bool)] = [
        ("\"\"\"", true), ("\'\'\'", false), ("\"", true), ("\'", false),
    ]

    private static func isKeyStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "_" || c == "-"
            || c == "\"" || c == "'" || c == "\n" || c == "\r"
    }
}
