import SNMPModel

/// Reads BER elements from a byte array, within a window `position..<end`. Every read checks the
/// bounds and throws on malformed input, so untrusted datagrams can never trap.
struct BERReader {
    /// The whole input; the reader's window is `position..<end`.
    let bytes: [UInt8]
    /// Offset of the next unread byte.
    private(set) var position: Int
    /// Offset one past the window.
    let end: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.position = 0
        self.end = bytes.count
    }

    private init(bytes: [UInt8], window: Range<Int>) {
        self.bytes = bytes
        self.position = window.lowerBound
        self.end = window.upperBound
    }

    var isAtEnd: Bool { position >= end }

    /// Throws unless the whole window has been read.
    func expectEnd(_ what: String) throws(SNMPDecodingError) {
        guard isAtEnd else {
            throw SNMPDecodingError(
                .trailingBytes, offset: position, message: "\(end - position) extra bytes after \(what)")
        }
    }

    /// The tag of the next element without consuming it.
    func peekTag() throws(SNMPDecodingError) -> UInt8 {
        guard position < end else {
            throw SNMPDecodingError(.truncated, offset: position, message: "expected an element")
        }
        return bytes[position]
    }

    /// Reads one tag-length header and returns the tag and the content range, skipping the content.
    mutating func readElement() throws(SNMPDecodingError) -> (tag: UInt8, content: Range<Int>) {
        let start = position
        guard position < end else {
            throw SNMPDecodingError(.truncated, offset: position, message: "expected an element")
        }
        let tag = bytes[position]
        // SNMP uses only single-byte identifiers; the multi-byte form would be 0x1F in the low bits.
        guard tag & 0x1F != 0x1F else {
            throw SNMPDecodingError(.unexpectedTag, offset: position, message: "multi-byte tags are not used by SNMP")
        }
        position += 1
        guard position < end else { throw SNMPDecodingError(.truncated, offset: position, message: "missing length") }
        let first = bytes[position]
        position += 1
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count != 0 else {
                throw SNMPDecodingError(.badLength, offset: start, message: "indefinite length is not allowed")
            }
            guard count <= 4 else {
                throw SNMPDecodingError(
                    .badLength, offset: start, message: "length field of \(count) bytes is too long")
            }
            guard end - position >= count else {
                throw SNMPDecodingError(.truncated, offset: position, message: "length field cut short")
            }
            for _ in 0..<count {
                length = length << 8 | Int(bytes[position])
                position += 1
            }
        }
        guard length <= end - position else {
            throw SNMPDecodingError(
                .truncated, offset: start, message: "element of \(length) bytes but only \(end - position) remain")
        }
        let content = position..<(position + length)
        position += length
        return (tag, content)
    }

    /// Reads an element that must carry `tag` and returns its content range.
    mutating func read(tag expected: UInt8, _ what: String) throws(SNMPDecodingError) -> Range<Int> {
        let start = position
        let (tag, content) = try readElement()
        guard tag == expected else {
            throw SNMPDecodingError(
                .unexpectedTag, offset: start,
                message: "expected \(what) (tag 0x\(hex(expected))), found tag 0x\(hex(tag))")
        }
        return content
    }

    /// Reads a constructed element with `tag` and returns a reader over its content.
    mutating func readConstructed(tag: UInt8 = BERTag.sequence, _ what: String) throws(SNMPDecodingError) -> BERReader {
        let content = try read(tag: tag, what)
        return BERReader(bytes: bytes, window: content)
    }

    /// A reader over `range`, which must lie inside the input.
    func subReader(_ range: Range<Int>) -> BERReader { BERReader(bytes: bytes, window: range) }

    mutating func readInteger(_ what: String) throws(SNMPDecodingError) -> Int64 {
        let content = try read(tag: BERTag.integer, what)
        return try signedValue(content, what)
    }

    /// Reads an INTEGER that must fit in 32 bits (request-id, error-status, msgID…).
    mutating func readInt32(_ what: String) throws(SNMPDecodingError) -> Int32 {
        let start = position
        let value = try readInteger(what)
        guard let small = Int32(exactly: value) else {
            throw SNMPDecodingError(.badValue, offset: start, message: "\(what) \(value) does not fit in 32 bits")
        }
        return small
    }

    mutating func readOctetString(_ what: String) throws(SNMPDecodingError) -> [UInt8] {
        Array(bytes[try read(tag: BERTag.octetString, what)])
    }

    /// Reads one variable binding: `SEQUENCE { name OBJECT IDENTIFIER, value ANY }`.
    mutating func readVarBind() throws(SNMPDecodingError) -> VarBind {
        var inner = try readConstructed("variable binding")
        let oidContent = try inner.read(tag: BERTag.objectIdentifier, "variable name")
        let oid = try objectIdentifier(oidContent)
        let value = try inner.readValue()
        try inner.expectEnd("variable binding")
        return VarBind(oid, value)
    }

    /// Reads any SNMP value (RFC 2578 SMIv2 types plus the RFC 3416 exceptions).
    mutating func readValue() throws(SNMPDecodingError) -> SNMPValue {
        let start = position
        let (tag, content) = try readElement()
        switch tag {
        case BERTag.integer: return .integer(try signedValue(content, "INTEGER"))
        case BERTag.octetString: return .octetString(Array(bytes[content]))
        case BERTag.null:
            try expectEmpty(content, "NULL")
            return .null
        case BERTag.objectIdentifier: return .objectIdentifier(try objectIdentifier(content))
        case BERTag.ipAddress:
            guard content.count == 4 else {
                throw SNMPDecodingError(.badValue, offset: start, message: "IpAddress of \(content.count) bytes, not 4")
            }
            return .ipAddress(Array(bytes[content]))
        case BERTag.counter32: return .counter32(UInt32(truncatingIfNeeded: try unsignedValue(content, bits: 32)))
        case BERTag.gauge32: return .gauge32(UInt32(truncatingIfNeeded: try unsignedValue(content, bits: 32)))
        case BERTag.timeTicks: return .timeTicks(UInt32(truncatingIfNeeded: try unsignedValue(content, bits: 32)))
        case BERTag.opaque: return .opaque(Array(bytes[content]))
        case BERTag.counter64: return .counter64(try unsignedValue(content, bits: 64))
        case BERTag.noSuchObject:
            try expectEmpty(content, "noSuchObject")
            return .noSuchObject
        case BERTag.noSuchInstance:
            try expectEmpty(content, "noSuchInstance")
            return .noSuchInstance
        case BERTag.endOfMibView:
            try expectEmpty(content, "endOfMibView")
            return .endOfMibView
        default:
            throw SNMPDecodingError(.unexpectedTag, offset: start, message: "unknown value type tag 0x\(hex(tag))")
        }
    }

    private func expectEmpty(_ content: Range<Int>, _ what: String) throws(SNMPDecodingError) {
        guard content.isEmpty else {
            throw SNMPDecodingError(.badValue, offset: content.lowerBound, message: "\(what) must have no content")
        }
    }

    /// Two's-complement big-endian content as a signed 64-bit value.
    func signedValue(_ content: Range<Int>, _ what: String) throws(SNMPDecodingError) -> Int64 {
        guard !content.isEmpty else {
            throw SNMPDecodingError(.badValue, offset: content.lowerBound, message: "\(what) with no content")
        }
        guard content.count <= 8 else {
            throw SNMPDecodingError(.badValue, offset: content.lowerBound, message: "\(what) longer than 64 bits")
        }
        // Sign-extend from the first byte, then shift the rest in.
        var value = Int64(Int8(bitPattern: bytes[content.lowerBound]))
        for index in content.dropFirst() {
            value = value << 8 | Int64(bytes[index])
        }
        return value
    }

    /// Unsigned content of at most `bits` bits. A leading 0x00 is allowed (it keeps the value
    /// positive); a negative encoding, which some agents emit, is taken modulo 2^bits.
    func unsignedValue(_ content: Range<Int>, bits: Int) throws(SNMPDecodingError) -> UInt64 {
        guard !content.isEmpty else {
            throw SNMPDecodingError(.badValue, offset: content.lowerBound, message: "unsigned value with no content")
        }
        var digits = content
        if digits.count > 1, bytes[digits.lowerBound] == 0 { digits = digits.dropFirst() }
        guard digits.count <= bits / 8 else {
            throw SNMPDecodingError(.badValue, offset: content.lowerBound, message: "value longer than \(bits) bits")
        }
        var value: UInt64 = bytes[digits.lowerBound] & 0x80 != 0 && digits == content ? ~0 : 0
        for index in digits {
            value = value << 8 | UInt64(bytes[index])
        }
        return bits == 64 ? value : value & ((1 << UInt64(bits)) - 1)
    }

    /// OBJECT IDENTIFIER content: the first subidentifier packs the first two arcs as 40·X + Y.
    func objectIdentifier(_ content: Range<Int>) throws(SNMPDecodingError) -> OID {
        var components: [UInt32] = []
        var index = content.lowerBound
        var first = true
        while index < content.upperBound {
            var value: UInt64 = 0
            var done = false
            while index < content.upperBound {
                let byte = bytes[index]
                index += 1
                value = value << 7 | UInt64(byte & 0x7F)
                // The first subidentifier may reach 80 + 2^32 - 1; the others must fit in 32 bits.
                guard value <= UInt64(UInt32.max) + 80 else {
                    throw SNMPDecodingError(.badValue, offset: index, message: "OID component larger than 32 bits")
                }
                if byte & 0x80 == 0 {
                    done = true
                    break
                }
            }
            guard done else {
                throw SNMPDecodingError(.truncated, offset: index, message: "OID component cut short")
            }
            if first {
                first = false
                let (x, y): (UInt64, UInt64) = value < 40 ? (0, value) : value < 80 ? (1, value - 40) : (2, value - 80)
                guard y <= UInt64(UInt32.max) else {
                    throw SNMPDecodingError(.badValue, offset: index, message: "OID component larger than 32 bits")
                }
                components.append(UInt32(x))
                components.append(UInt32(y))
            } else {
                guard value <= UInt64(UInt32.max) else {
                    throw SNMPDecodingError(.badValue, offset: index, message: "OID component larger than 32 bits")
                }
                components.append(UInt32(value))
            }
        }
        return OID(components)
    }
}

/// Two hex digits, for messages.
func hex(_ byte: UInt8) -> String {
    (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
}
