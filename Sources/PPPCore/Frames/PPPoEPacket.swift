/// A PPPoE discovery code (RFC 2516 section 5).
public enum PPPoECode: UInt8, Sendable, Equatable, CaseIterable {
    /// Session data (code 0), only in session frames.
    case session = 0x00
    /// Active Discovery Initiation: the client's broadcast.
    case padi = 0x09
    /// Active Discovery Offer: an access concentrator's answer.
    case pado = 0x07
    /// Active Discovery Request: the client picks an offer.
    case padr = 0x19
    /// Active Discovery Session-confirmation: the session id.
    case pads = 0x65
    /// Active Discovery Terminate: either side ends the session.
    case padt = 0xA7

    /// The RFC's name, for log lines.
    public var name: String {
        switch self {
        case .session: "session"
        case .padi: "PADI"
        case .pado: "PADO"
        case .padr: "PADR"
        case .pads: "PADS"
        case .padt: "PADT"
        }
    }
}

/// A PPPoE discovery tag: a type and its value bytes.
public struct PPPoETag: Sendable, Equatable, Hashable {
    /// End-Of-List (0x0000): no more tags.
    public static let endOfList: UInt16 = 0x0000
    /// Service-Name (0x0101), UTF-8; empty means any service.
    public static let serviceName: UInt16 = 0x0101
    /// AC-Name (0x0102), UTF-8.
    public static let acName: UInt16 = 0x0102
    /// Host-Uniq (0x0103): opaque, echoed by the AC.
    public static let hostUniq: UInt16 = 0x0103
    /// AC-Cookie (0x0104): opaque, to be echoed in the PADR.
    public static let acCookie: UInt16 = 0x0104
    /// Vendor-Specific (0x0105).
    public static let vendorSpecific: UInt16 = 0x0105
    /// Relay-Session-Id (0x0110): added by relays, to be echoed.
    public static let relaySessionID: UInt16 = 0x0110
    /// Service-Name-Error (0x0201).
    public static let serviceNameError: UInt16 = 0x0201
    /// AC-System-Error (0x0202).
    public static let acSystemError: UInt16 = 0x0202
    /// Generic-Error (0x0203).
    public static let genericError: UInt16 = 0x0203

    /// The tag type.
    public var type: UInt16
    /// The tag value.
    public var value: [UInt8]

    /// Makes a tag.
    public init(type: UInt16, value: [UInt8] = []) {
        self.type = type
        self.value = value
    }

    /// Makes a tag whose value is UTF-8 text.
    public init(type: UInt16, text: String) {
        self.init(type: type, value: Array(text.utf8))
    }

    /// The value read as UTF-8 (invalid bytes replaced).
    public var text: String { String(decoding: value, as: UTF8.self) }

    /// Whether this is one of the three error tags.
    public var isError: Bool { [Self.serviceNameError, Self.acSystemError, Self.genericError].contains(type) }

    /// The RFC's name of the tag type, for log lines and failures.
    public var name: String {
        switch type {
        case Self.endOfList: "End-Of-List"
        case Self.serviceName: "Service-Name"
        case Self.acName: "AC-Name"
        case Self.hostUniq: "Host-Uniq"
        case Self.acCookie: "AC-Cookie"
        case Self.vendorSpecific: "Vendor-Specific"
        case Self.relaySessionID: "Relay-Session-Id"
        case Self.serviceNameError: "Service-Name-Error"
        case Self.acSystemError: "AC-System-Error"
        case Self.genericError: "Generic-Error"
        default: "tag 0x" + hexByte(UInt8(type >> 8)) + hexByte(UInt8(type & 0xFF))
        }
    }
}

/// A PPPoE packet (the bytes after the EtherType): discovery packets carry tags, session packets a
/// PPP frame.
public struct PPPoEPacket: Sendable, Equatable {
    /// The discovery code, or `.session` for session data.
    public var code: PPPoECode
    /// The session id (0 before the PADS).
    public var sessionID: UInt16
    /// The payload: tags (discovery) or a PPP frame (session), without padding.
    public var payload: [UInt8]

    /// Makes a packet from its raw payload.
    public init(code: PPPoECode, sessionID: UInt16, payload: [UInt8]) {
        self.code = code
        self.sessionID = sessionID
        self.payload = payload
    }

    /// Makes a discovery packet from tags.
    public init(code: PPPoECode, sessionID: UInt16 = 0, tags: [PPPoETag]) {
        var payload: [UInt8] = []
        for tag in tags {
            payload.appendU16(tag.type)
            payload.appendU16(UInt16(clamping: tag.value.count))
            payload += tag.value.prefix(Int(UInt16.max))
        }
        self.init(code: code, sessionID: sessionID, payload: payload)
    }

    /// Decodes the bytes after the EtherType; the length field decides where the packet ends, so
    /// Ethernet padding is ignored. Throws `FrameError` on a wrong version/type, an unknown code
    /// or a length beyond the bytes.
    public static func decode(_ bytes: [UInt8]) throws(FrameError) -> PPPoEPacket {
        var reader = ByteReader(bytes, layer: "PPPoE")
        let versionType = try reader.u8()
        guard versionType == 0x11 else {
            throw FrameError("PPPoE", "version/type 0x\(hexByte(versionType)) is not 0x11")
        }
        let rawCode = try reader.u8()
        guard let code = PPPoECode(rawValue: rawCode) else {
            throw FrameError("PPPoE", "unknown code 0x\(hexByte(rawCode))")
        }
        let sessionID = try reader.u16()
        let length = Int(try reader.u16())
        let payload = try reader.take(length)
        return PPPoEPacket(code: code, sessionID: sessionID, payload: payload)
    }

    /// The packet's bytes (header and payload, no padding).
    public func encode() -> [UInt8] {
        var bytes: [UInt8] = [0x11, code.rawValue]
        bytes.appendU16(sessionID)
        bytes.appendU16(UInt16(clamping: payload.count))
        bytes += payload
        return bytes
    }

    /// The discovery tags in the payload, up to End-Of-List; throws `FrameError` when a tag's
    /// length runs past the payload.
    public func tags() throws(FrameError) -> [PPPoETag] {
        var reader = ByteReader(payload, layer: "PPPoE tags")
        var tags: [PPPoETag] = []
        while reader.remaining > 0 {
            let type = try reader.u16()
            let length = Int(try reader.u16())
            let value = try reader.take(length)
            if type == PPPoETag.endOfList { break }
            tags.append(PPPoETag(type: type, value: value))
        }
        return tags
    }
}

extension Array where Element == PPPoETag {
    /// The first tag of `type`, if any.
    public func first(_ type: UInt16) -> PPPoETag? { first { $0.type == type } }
}
