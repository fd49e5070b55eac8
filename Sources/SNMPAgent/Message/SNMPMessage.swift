import SNMPModel

/// The SNMP protocol versions, by the value of the message's version field.
public enum SNMPVersion: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// SNMPv1 (RFC 1157).
    case v1 = 0
    /// Community-based SNMPv2 (RFC 1901).
    case v2c = 1
    /// SNMPv3 (RFC 3412) with the user-based security model.
    case v3 = 3

    /// `v1`, `v2c` or `v3`, as net-snmp's `-v` option spells them.
    public var description: String {
        switch self {
        case .v1: "v1"
        case .v2c: "v2c"
        case .v3: "v3"
        }
    }
}

/// One SNMP message as it travels in a UDP datagram.
public enum SNMPMessage: Sendable, Hashable {
    /// An SNMPv1 message: community and PDU.
    case v1(community: [UInt8], pdu: SNMPPDU)
    /// An SNMPv2c message: community and PDU.
    case v2c(community: [UInt8], pdu: SNMPPDU)
    /// An SNMPv3 message with USM security parameters.
    case v3(SNMPv3Message)

    /// The message's protocol version.
    public var version: SNMPVersion {
        switch self {
        case .v1: .v1
        case .v2c: .v2c
        case .v3: .v3
        }
    }

    /// Decodes one message; the datagram must hold exactly one.
    /// - Throws: ``SNMPDecodingError`` when the bytes are not a well-formed v1, v2c or v3 message.
    public init(decoding bytes: [UInt8]) throws(SNMPDecodingError) {
        self = try Self.decode(bytes).message
    }

    /// Decodes one message and, for v3, where its authentication parameters lie in `bytes` (the
    /// digest is computed over the message with that range zeroed).
    static func decode(_ bytes: [UInt8]) throws(SNMPDecodingError) -> (message: SNMPMessage, authRange: Range<Int>?) {
        var outer = BERReader(bytes)
        var reader = try outer.readConstructed("message")
        try outer.expectEnd("message")
        let versionOffset = reader.position
        let rawVersion = try reader.readInteger("version")
        guard let version = SNMPVersion(rawValue: Int(truncatingIfNeeded: rawVersion)),
            Int64(version.rawValue) == rawVersion
        else {
            throw SNMPDecodingError(
                .unsupportedVersion, offset: versionOffset, message: "unknown version \(rawVersion)")
        }
        switch version {
        case .v1, .v2c:
            let community = try reader.readOctetString("community")
            let pdu = try SNMPPDU.decode(from: &reader)
            try reader.expectEnd("message")
            return (version == .v1 ? .v1(community: community, pdu: pdu) : .v2c(community: community, pdu: pdu), nil)
        case .v3:
            let (message, authRange) = try SNMPv3Message.decode(afterVersion: &reader)
            return (.v3(message), authRange)
        }
    }

    /// The BER encoding of the message. For v3 the authentication parameters are encoded as given:
    /// the agent fills in the digest afterwards.
    public func encoded() -> [UInt8] {
        switch self {
        case .v1(let community, let pdu): Self.encodeCommunity(version: .v1, community: community, pdu: pdu)
        case .v2c(let community, let pdu): Self.encodeCommunity(version: .v2c, community: community, pdu: pdu)
        case .v3(let message): message.encodedWithAuthOffset().bytes
        }
    }

    private static func encodeCommunity(version: SNMPVersion, community: [UInt8], pdu: SNMPPDU) -> [UInt8] {
        var writer = BERWriter()
        writer.writeConstructed { body in
            body.writeInteger(Int64(version.rawValue))
            body.writeOctetString(community)
            pdu.encode(into: &body)
        }
        return writer.bytes
    }
}
