/// Why a frame could not be decoded: the layer, what was wrong, and the byte counts involved.
///
/// Decoders throw it for any input they cannot make sense of; they never trap and never read past
/// the end of their input.
public struct FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The protocol layer that refused the bytes ("Ethernet", "PPPoE", "LCP", ...).
    public var layer: String
    /// What was wrong, in words.
    public var reason: String

    /// Makes an error for `layer` with a `reason`.
    public init(_ layer: String, _ reason: String) {
        self.layer = layer
        self.reason = reason
    }

    static func truncated(_ layer: String, need: Int, have: Int) -> FrameError {
        FrameError(layer, "truncated: needs \(need) bytes, has \(have)")
    }

    /// The layer and the reason, for a log line.
    public var description: String { "\(layer) frame refused: \(reason)" }
}

/// Reads big-endian fields from a byte array without ever reading past its end.
struct ByteReader {
    let bytes: [UInt8]
    var offset: Int
    let end: Int
    let layer: String

    init(_ bytes: [UInt8], layer: String, from start: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = start
        self.end = min(end ?? bytes.count, bytes.count)
        self.layer = layer
    }

    var remaining: Int { max(0, end - offset) }

    mutating func u8() throws(FrameError) -> UInt8 {
        guard remaining >= 1 else { throw .truncated(layer, need: offset + 1, have: end) }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() throws(FrameError) -> UInt16 {
        guard remaining >= 2 else { throw .truncated(layer, need: offset + 2, have: end) }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func u32() throws(FrameError) -> UInt32 {
        let high = try u16()
        let low = try u16()
        return UInt32(high) << 16 | UInt32(low)
    }

    mutating func take(_ count: Int) throws(FrameError) -> [UInt8] {
        guard count >= 0, remaining >= count else {
            throw .truncated(layer, need: offset + max(count, 0), have: end)
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func rest() -> [UInt8] {
        defer { offset = end }
        return offset < end ? Array(bytes[offset..<end]) : []
    }
}

extension Array where Element == UInt8 {
    mutating func appendU16(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(value & 0xFF))
    }

    mutating func appendU32(_ value: UInt32) {
        appendU16(UInt16(value >> 16))
        appendU16(UInt16(value & 0xFFFF))
    }

    static func u16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }

    static func u32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// Lower-case hex with colons, for MAC addresses in log lines.
    var macText: String { map { hexByte($0) }.joined(separator: ":") }

    /// Dotted quad, for IPv4 addresses in log lines.
    var ipv4Text: String { map(String.init).joined(separator: ".") }
}

func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}
