/// The one rule for a free-text field that people read back (a project's code and name, an OLT's
/// or a splitter's name): whatever route or file it arrives by (`POST /v1/projects`, the CSV
/// import, `PATCH /v1/projects/{code}`), it is trimmed, not empty, not too long, and free of
/// control characters. A line break or an escape sequence would forge lines in a CSV report or a
/// log and repaint a terminal; a NUL byte would be cut by C string APIs, storing less than was sent.
public struct TextFieldRule: Sendable, Hashable {
    /// The most characters (grapheme clusters) the field may hold.
    public var maxCharacters: Int
    /// Whether line feeds (U+A) may separate lines, as in a sentence or two of explanation; every
    /// other control character, carriage return included, is still refused.
    public var allowsLineFeeds: Bool

    /// A rule allowing up to `maxCharacters` characters, on one line unless `allowsLineFeeds`.
    public init(maxCharacters: Int, allowsLineFeeds: Bool = false) {
        precondition(maxCharacters > 0, "a text field must allow at least one character")
        self.maxCharacters = maxCharacters
        self.allowsLineFeeds = allowsLineFeeds
    }

    /// A project's code: it appears in paths and file names.
    public static let projectCode = TextFieldRule(maxCharacters: 64)
    /// A project's, an OLT's or a splitter's name.
    public static let name = TextFieldRule(maxCharacters: 128)
    /// Why a project is sent back for rework: a few lines the builder reads.
    public static let reason = TextFieldRule(maxCharacters: 2000, allowsLineFeeds: true)

    /// What is wrong with a value, as a sentence that follows the field's name.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        case empty
        case tooLong(characters: Int, max: Int)
        case controlCharacter(Unicode.Scalar)

        /// Such as `contains control character U+D; remove it`.
        public var description: String {
            switch self {
            case .empty:
                return "is empty; a value is required"
            case .tooLong(let characters, let max):
                return "is \(characters) characters long; at most \(max) are allowed"
            case .controlCharacter(let scalar):
                return "contains control character U+\(String(scalar.value, radix: 16, uppercase: true)); remove it"
            }
        }
    }

    /// The value as it is stored: `raw` without surrounding whitespace. Throws ``Problem`` when
    /// it is empty, longer than ``maxCharacters`` or holds a control character (Unicode general
    /// category Cc: C0, DEL and C1, NUL and ESC included) anywhere, line breaks too unless
    /// ``allowsLineFeeds``.
    public func validated(_ raw: String) throws(Problem) -> String {
        // Control characters are looked for before trimming: a name ending in "\r\n" was sent
        // with them and is refused, not quietly cleaned.
        if let bad = raw.unicodeScalars.first(where: {
            $0.properties.generalCategory == .control && !(allowsLineFeeds && $0 == "\n")
        }) {
            throw .controlCharacter(bad)
        }
        let value = raw.trimmingWhitespace()
        if value.isEmpty { throw .empty }
        if value.count > maxCharacters { throw .tooLong(characters: value.count, max: maxCharacters) }
        return value
    }
}
