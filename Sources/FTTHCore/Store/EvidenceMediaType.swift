/// The kinds of photo a crew may attach as evidence, told apart by their first bytes, never by
/// a file's name or the type a browser claims: JPEG, PNG, HEIC (HEIF with an HEVC brand, what
/// iPhones save) and WebP. Anything else — SVG, HTML, PDF, GIF, a truncated file — is refused.
public enum EvidenceMediaType: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case jpeg = "image/jpeg"
    case png = "image/png"
    case heic = "image/heic"
    case webp = "image/webp"

    /// The MIME type the photo is stored and served with.
    public var description: String { rawValue }

    /// Why content is not a photo the store keeps.
    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        /// No bytes at all (an empty file input).
        case empty
        /// Markup: SVG, HTML or XML — script could run from it.
        case markup
        /// The first bytes are those of no allowed type.
        case unknownType
        /// An allowed type's first bytes with markup inside: a polyglot that a browser ignoring
        /// the served type could run.
        case polyglot(EvidenceMediaType)

        /// A key for the message shown to the person, in their language.
        public var code: String {
            switch self {
            case .empty: "empty"
            case .markup: "markup"
            case .unknownType: "unknown_type"
            case .polyglot: "polyglot"
            }
        }

        public var description: String {
            switch self {
            case .empty: "the file is empty: take the photo again"
            case .markup: "the file is SVG, HTML or XML, not a photo: attach a JPEG, PNG, HEIC or WebP photo"
            case .unknownType: "the file is not a JPEG, PNG, HEIC or WebP photo: attach a photo from the camera"
            case .polyglot(let type):
                "the file starts as \(type.rawValue) but carries HTML or script inside: attach the camera's photo itself"
            }
        }
    }

    /// The type of `bytes` by their content. Throws ``Refusal`` for anything that is not a
    /// JPEG, PNG, HEIC or WebP photo, or that carries markup anywhere inside.
    public static func identify(_ bytes: some Collection<UInt8>) throws(Refusal) -> EvidenceMediaType {
        let head = Array(bytes.prefix(32))
        guard !head.isEmpty else { throw .empty }
        let type: EvidenceMediaType
        if head.starts(with: [0xFF, 0xD8, 0xFF]) {
            type = .jpeg
        } else if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), head.count >= 16,
            Array(head[12..<16]) == Array("IHDR".utf8)
        {
            type = .png
        } else if head.count >= 12, Array(head[0..<4]) == Array("RIFF".utf8), Array(head[8..<12]) == Array("WEBP".utf8)
        {
            type = .webp
        } else if isHEIC(head) {
            type = .heic
        } else {
            throw startsWithMarkup(head) ? .markup : .unknownType
        }
        if containsMarkup(bytes) { throw .polyglot(type) }
        return type
    }

    /// An ISO base media file whose `ftyp` box names an HEVC-coded HEIF brand, as its major
    /// brand or (after the generic `mif1`/`msf1`) among the compatible ones.
    static func isHEIC(_ head: [UInt8]) -> Bool {
        guard head.count >= 16, Array(head[4..<8]) == Array("ftyp".utf8) else { return false }
        let heic: Set<String> = ["heic", "heix", "heim", "heis", "hevc", "hevx"]
        let major = String(decoding: head[8..<12], as: UTF8.self)
        if heic.contains(major) { return true }
        guard major == "mif1" || major == "msf1" else { return false }
        var offset = 16
        while offset + 4 <= head.count {
            if heic.contains(String(decoding: head[offset..<offset + 4], as: UTF8.self)) { return true }
            offset += 4
        }
        return false
    }

    static func startsWithMarkup(_ head: [UInt8]) -> Bool {
        var rest = head[...]
        // A byte-order mark and white space may come before `<` in markup.
        if rest.starts(with: [0xEF, 0xBB, 0xBF]) { rest = rest.dropFirst(3) }
        while let first = rest.first, first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D {
            rest = rest.dropFirst()
        }
        return rest.first == UInt8(ascii: "<")
    }

    /// Tags that make a file active content when a browser renders it as a page; compressed
    /// image data holds one of these by chance about once in 10^14 bytes.
    static let markupTags: [[UInt8]] = [
        "<script", "<html", "<svg", "<!doctype", "<iframe", "<?xml", "<body", "<object",
    ]
    .map { Array($0.utf8) }

    static func containsMarkup(_ bytes: some Collection<UInt8>) -> Bool {
        let lowerA = UInt8(ascii: "A")
        let lowerZ = UInt8(ascii: "Z")
        var window: [UInt8] = []
        window.reserveCapacity(9)
        for byte in bytes {
            if byte == UInt8(ascii: "<") {
                window = [byte]
                continue
            }
            guard !window.isEmpty else { continue }
            window.append(byte >= lowerA && byte <= lowerZ ? byte + 32 : byte)
            for tag in markupTags where window.count == tag.count && window == tag { return true }
            if window.count >= 9 { window.removeAll(keepingCapacity: true) }
        }
        return false
    }
}
