/// A GPON ONU serial number in its vendor form: four letters of vendor id and eight hex digits
/// (`HWTC1A2B3C4D`). Barcode scanners read the same serial as 16 hex digits (`485754431A2B3C4D`):
/// both are accepted and stored as the vendor form.
public struct ONUSerial: Sendable, Hashable, Codable, CustomStringConvertible {
    public let text: String

    /// Parses either form; nil for anything else.
    public init?(_ raw: String) {
        let t = raw.trimmingWhitespace()
        let chars = Array(t)
        if chars.count == 12, chars[..<4].allSatisfy({ $0.isASCII && $0.isLetter }),
            chars[4...].allSatisfy({ $0.isASCII && $0.isHexDigit })
        {
            text = String(chars[..<4]).uppercased() + String(chars[4...]).uppercased()
            return
        }
        if chars.count == 16, chars.allSatisfy({ $0.isASCII && $0.isHexDigit }) {
            var vendor = ""
            for i in stride(from: 0, to: 8, by: 2) {
                guard let byte = UInt8(String(chars[i...i + 1]), radix: 16),
                    (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                else {
                    return nil
                }
                vendor.append(Character(Unicode.Scalar(byte)))
            }
            text = vendor.uppercased() + String(chars[8...]).uppercased()
            return
        }
        return nil
    }

    /// The 16-hex-digit form some OLT commands and scanners use.
    public var hexForm: String {
        let vendor = text.prefix(4).unicodeScalars.map { String($0.value, radix: 16, uppercase: true) }.joined()
        return vendor + text.dropFirst(4)
    }

    /// The 8 octets OLT MIBs store: four vendor letters and four bytes.
    public var octets: [UInt8] {
        let hex = Array(hexForm)
        return stride(from: 0, to: 16, by: 2).map { UInt8(String(hex[$0...$0 + 1]), radix: 16)! }
    }

    /// Reads the 8-octet form of an OLT MIB; nil unless it is four letters and four bytes.
    public init?(octets: [UInt8]) {
        guard octets.count == 8 else { return nil }
        self.init(octets.map { ($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) }.joined())
    }

    public var description: String { text }
}
