/// `Content-Disposition: attachment` with a file name made from outside data (a project's code),
/// as RFC 6266 §4.3 advises: a plain `filename="…"` every client reads, with anything outside a
/// small safe set replaced by `_` so no quote, backslash, semicolon or line break can end the
/// parameter early, then `filename*=UTF-8''…` (RFC 8187) with the exact name percent-encoded,
/// which current browsers prefer.
public enum ContentDisposition {
    /// The header value for downloading `filename`.
    public static func attachment(filename: String) -> String {
        "attachment; filename=\"\(asciiFallback(filename))\"; filename*=UTF-8''\(percentEncoded(filename))"
    }

    /// Letters, digits, `.`, `-` and `_` as they are; every other character becomes `_`.
    static func asciiFallback(_ filename: String) -> String {
        String(
            filename.unicodeScalars.map { scalar -> Character in
                switch scalar {
                case "A"..."Z", "a"..."z", "0"..."9", ".", "-", "_": Character(scalar)
                default: "_"
                }
            })
    }

    /// RFC 8187's attr-char as they are, every other byte of the UTF-8 encoding as `%XX`.
    static func percentEncoded(_ filename: String) -> String {
        var encoded = ""
        for byte in filename.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            case _ where "!#$&+-.^_`|~".utf8.contains(byte):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return encoded
    }
}
