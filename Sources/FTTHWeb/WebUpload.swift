import Foundation
import Hummingbird

/// A `multipart/form-data` body (RFC 7578), parsed after it was read whole under a size limit.
/// A small parser of our own rather than a package: a form of a few fields and photos needs
/// only the part headers' name, filename and type, and the limit must hold while the body
/// streams in, before any parsing — which a read-then-parse split gives for free.
struct WebUpload {
    /// One part of the form: a field (`filename` nil) or a file.
    struct Part {
        var name: String
        var filename: String?
        /// The type the browser claimed; never trusted for a file (its content decides).
        var contentType: String?
        var body: ArraySlice<UInt8>

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Why a body is refused.
    enum Refusal: Error, Equatable {
        /// Larger than the limit (413): by its Content-Length, or as it arrived.
        case tooLarge(limit: Int)
        /// Not `multipart/form-data` with a boundary, or broken framing (400).
        case malformed(String)
    }

    let parts: [Part]

    /// The first field named `name`, as text.
    subscript(_ name: String) -> String? {
        parts.first { $0.name == name && $0.filename == nil }?.text
    }

    /// The files of the form (parts with a filename), empty ones included (an input left empty
    /// sends a part with an empty filename and no bytes, which is skipped here).
    var files: [Part] { parts.filter { $0.filename != nil && !($0.filename!.isEmpty && $0.body.isEmpty) } }

    /// At most this many parts: a form of a few fields and photos, not a zip bomb of headers.
    static let maxParts = 64
    /// A part's header block is small; a longer one is refused.
    static let maxHeaderBytes = 8192

    /// Reads `request`'s body, refusing it with ``Refusal/tooLarge(limit:)`` as soon as it is
    /// known to exceed `limit` bytes — by its Content-Length before a byte is read, else while it
    /// streams in — then parses it.
    static func read(_ request: Request, limit: Int) async throws -> WebUpload {
        guard let type = request.headers[.contentType], let boundary = boundary(type) else {
            throw Refusal.malformed("the form is not multipart/form-data with a boundary")
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw Refusal.tooLarge(limit: limit)
        }
        var body: [UInt8] = []
        for try await chunk in request.body {
            guard body.count + chunk.readableBytes <= limit else { throw Refusal.tooLarge(limit: limit) }
            body.append(contentsOf: chunk.readableBytesView)
        }
        return WebUpload(parts: try parse(body, boundary: boundary))
    }

    /// The boundary parameter of a `multipart/form-data` Content-Type; nil for another type.
    static func boundary(_ contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            var value = pair[1]
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            // RFC 2046: 1 to 70 characters.
            guard (1...70).contains(value.utf8.count) else { return nil }
            return value
        }
        return nil
    }

    /// The parts of `body` framed by `boundary`. Throws ``Refusal/malformed(_:)`` for a body
    /// without its opening or closing delimiter, a part without headers or a name, too many parts.
    static func parse(_ body: [UInt8], boundary: String) throws -> [Part] {
        let dashBoundary = Array("--\(boundary)".utf8)
        let delimiter = Array("\r\n--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        // The first delimiter may open the body or follow a preamble.
        var position: Int
        if body.starts(with: dashBoundary) {
            position = dashBoundary.count
        } else if let found = find(delimiter, in: body, from: 0) {
            position = found + delimiter.count
        } else {
            throw Refusal.malformed("the form's opening boundary is missing")
        }
        var parts: [Part] = []
        while true {
            // After a delimiter: `--` ends the body, else CRLF starts a part (transport padding
            // of spaces and tabs may come first).
            if body[position...].starts(with: [45, 45]) { return parts }
            while position < body.count, body[position] == 32 || body[position] == 9 { position += 1 }
            guard body[position...].starts(with: crlf) else { throw Refusal.malformed("a boundary line is broken") }
            position += 2
            guard parts.count < maxParts else { throw Refusal.malformed("the form has more than \(maxParts) parts") }
            guard let headersEnd = find([13, 10, 13, 10], in: body, from: position, within: maxHeaderBytes) else {
                // A part with no header lines starts with the blank line at once.
                throw Refusal.malformed("a part's headers do not end within \(maxHeaderBytes) bytes")
            }
            let headers = String(decoding: body[position..<headersEnd], as: UTF8.self)
            let contentStart = headersEnd + 4
            guard let end = find(delimiter, in: body, from: contentStart) else {
                throw Refusal.malformed("the form's closing boundary is missing")
            }
            parts.append(try part(headers: headers, body: body[contentStart..<end]))
            position = end + delimiter.count
            guard position < body.count else { throw Refusal.malformed("the form ends inside a boundary") }
        }
    }

    static func part(headers: String, body: ArraySlice<UInt8>) throws -> Part {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in headers.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { throw Refusal.malformed("a part's header has no colon") }
            let field = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch field {
            case "content-disposition":
                let parameters = dispositionParameters(value)
                name = parameters["name"]
                filename = parameters["filename"]
            case "content-type":
                contentType = value
            default:
                continue
            }
        }
        guard let name else { throw Refusal.malformed("a part has no Content-Disposition name") }
        return Part(name: name, filename: filename, contentType: contentType, body: body)
    }

    /// `form-data; name="photo"; filename="a b.jpg"` → its parameters; quoted values may hold
    /// `;` and backslash-escaped quotes.
    static func dispositionParameters(_ value: String) -> [String: String] {
        var result: [String: String] = [:]
        var chars = value[...]
        guard let first = chars.firstIndex(of: ";"),
            value[..<first].trimmingCharacters(in: .whitespaces).lowercased() == "form-data"
        else { return result }
        chars = chars[chars.index(after: first)...]
        while !chars.isEmpty {
            chars = chars.drop { $0 == " " || $0 == "\t" || $0 == ";" }
            guard let equals = chars.firstIndex(of: "=") else { break }
            let key = chars[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            chars = chars[chars.index(after: equals)...]
            var parsed = ""
            if chars.first == "\"" {
                chars = chars.dropFirst()
                var escaped = false
                while let c = chars.first {
                    chars = chars.dropFirst()
                    if escaped {
                        parsed.append(c)
                        escaped = false
                    } else if c == "\\" {
                        escaped = true
                    } else if c == "\"" {
                        break
                    } else {
                        parsed.append(c)
                    }
                }
            } else {
                let end = chars.firstIndex(of: ";") ?? chars.endIndex
                parsed = chars[..<end].trimmingCharacters(in: .whitespaces)
                chars = chars[end...]
            }
            if result[key] == nil { result[key] = parsed }
        }
        return result
    }

    /// The index where `needle` starts in `haystack` at or after `from`, looking at most
    /// `within` bytes past `from` when given.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int, within: Int? = nil) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        let last = min(haystack.count - needle.count, within.map { from + $0 } ?? Int.max)
        guard from <= last else { return nil }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                var i = from
                while i <= last {
                    if h[i] == first {
                        var j = 1
                        while j < n.count && h[i + j] == n[j] { j += 1 }
                        if j == n.count { return i }
                    }
                    i += 1
                }
                return nil
            }
        }
    }
}
