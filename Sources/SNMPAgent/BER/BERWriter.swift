import SNMPModel

/// Appends BER elements to a byte array, always in definite, minimal form.
struct BERWriter {
    private(set) var bytes: [UInt8] = []

    init() {}

    /// Appends an already encoded element (or several).
    mutating func append(raw: [UInt8]) { bytes.append(contentsOf: raw) }

    mutating func writeLength(_ length: Int) {
        precondition(length >= 0, "negative BER length")
        if length < 0x80 {
            bytes.append(UInt8(length))
            return
        }
        var digits: [UInt8] = []
        var rest = length
        while rest > 0 {
            digits.append(UInt8(rest & 0xFF))
            rest >>= 8
        }
        bytes.append(0x80 | UInt8(digits.count))
        bytes.append(contentsOf: digits.reversed())
    }

    /// The number of bytes `writeLength(length)` appends.
    static func lengthOfLength(_ length: Int) -> Int {
        var count = 1
        var rest = length
        if rest >= 0x80 {
            while rest > 0 {
                count += 1
                rest >>= 8
            }
        }
        return count
    }

    mutating func writeElement(tag: UInt8, content: some Collection<UInt8>) {
        bytes.append(tag)
        writeLength(content.count)
        bytes.append(contentsOf: content)
    }

    /// Writes a constructed element whose content `body` writes.
    mutating func writeConstructed(tag: UInt8 = BERTag.sequence, _ body: (inout BERWriter) -> Void) {
        var inner = BERWriter()
        body(&inner)
        writeElement(tag: tag, content: inner.bytes)
    }

    mutating func writeInteger(_ value: Int64, tag: UInt8 = BERTag.integer) {
        writeElement(tag: tag, content: Self.signedContent(value))
    }

    mutating func writeUnsigned(_ value: UInt64, tag: UInt8) {
        writeElement(tag: tag, content: Self.unsignedContent(value))
    }

    mutating func writeOctetString(_ value: some Collection<UInt8>, tag: UInt8 = BERTag.octetString) {
        writeElement(tag: tag, content: value)
    }

    mutating func writeNull(tag: UInt8 = BERTag.null) {
        bytes.append(tag)
        bytes.append(0)
    }

    mutating func writeOID(_ oid: OID) {
        writeElement(tag: BERTag.objectIdentifier, content: Self.oidContent(oid))
    }

    mutating func writeValue(_ value: SNMPValue) {
        switch value {
        case .integer(let v): writeInteger(v)
        case .octetString(let b): writeOctetString(b)
        case .null: writeNull()
        case .objectIdentifier(let o): writeOID(o)
        case .ipAddress(let b): writeOctetString(b, tag: BERTag.ipAddress)
        case .counter32(let v): writeUnsigned(UInt64(v), tag: BERTag.counter32)
        case .gauge32(let v): writeUnsigned(UInt64(v), tag: BERTag.gauge32)
        case .timeTicks(let v): writeUnsigned(UInt64(v), tag: BERTag.timeTicks)
        case .opaque(let b): writeOctetString(b, tag: BERTag.opaque)
        case .counter64(let v): writeUnsigned(v, tag: BERTag.counter64)
        case .noSuchObject: writeNull(tag: BERTag.noSuchObject)
        case .noSuchInstance: writeNull(tag: BERTag.noSuchInstance)
        case .endOfMibView: writeNull(tag: BERTag.endOfMibView)
        }
    }

    mutating func writeVarBind(_ binding: VarBind) {
        writeConstructed { inner in
            inner.writeOID(binding.oid)
            inner.writeValue(binding.value)
        }
    }

    /// The encoded size of one variable binding, for fitting GETBULK responses into a message.
    static func encodedSize(of binding: VarBind) -> Int {
        var writer = BERWriter()
        writer.writeVarBind(binding)
        return writer.bytes.count
    }

    /// Minimal two's-complement big-endian bytes.
    static func signedContent(_ value: Int64) -> [UInt8] {
        var content = withUnsafeBytes(of: value.bigEndian, Array.init)
        // Drop a leading byte while it only repeats the sign of the next one.
        while content.count > 1,
            (content[0] == 0x00 && content[1] & 0x80 == 0) || (content[0] == 0xFF && content[1] & 0x80 != 0)
        {
            content.removeFirst()
        }
        return content
    }

    /// Minimal big-endian bytes of a non-negative value, with a leading 0x00 when the top bit is set.
    static func unsignedContent(_ value: UInt64) -> [UInt8] {
        var content = withUnsafeBytes(of: value.bigEndian, Array.init)
        while content.count > 1, content[0] == 0 {
            content.removeFirst()
        }
        if content[0] & 0x80 != 0 { content.insert(0, at: 0) }
        return content
    }

    /// OID content: 40·X + Y for the first two arcs, then base-128 subidentifiers.
    static func oidContent(_ oid: OID) -> [UInt8] {
        let components = oid.components
        guard !components.isEmpty else { return [] }
        var content: [UInt8] = []
        let second = components.count > 1 ? UInt64(components[1]) : 0
        appendSubidentifier(UInt64(components[0]) * 40 + second, to: &content)
        for component in components.dropFirst(2) {
            appendSubidentifier(UInt64(component), to: &content)
        }
        return content
    }

    private static func appendSubidentifier(_ value: UInt64, to content: inout [UInt8]) {
        var groups: [UInt8] = [UInt8(value & 0x7F)]
        var rest = value >> 7
        while rest > 0 {
            groups.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        content.append(contentsOf: groups.reversed())
    }
}
