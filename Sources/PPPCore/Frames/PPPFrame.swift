/// A PPP frame inside a PPPoE session: the protocol field and the information after it.
public struct PPPFrame: Sendable, Equatable {
    /// Link Control Protocol.
    public static let lcp: UInt16 = 0xC021
    /// Password Authentication Protocol.
    public static let pap: UInt16 = 0xC023
    /// Challenge Handshake Authentication Protocol.
    public static let chap: UInt16 = 0xC223
    /// IP Control Protocol.
    public static let ipcp: UInt16 = 0x8021
    /// IPv4 datagrams.
    public static let ipv4: UInt16 = 0x0021
    /// IPv6 Control Protocol (refused by this implementation with a Protocol-Reject).
    public static let ipv6cp: UInt16 = 0x8057

    /// The protocol field.
    public var protocolNumber: UInt16
    /// The bytes after the protocol field.
    public var information: [UInt8]

    /// Makes a frame.
    public init(protocolNumber: UInt16, information: [UInt8]) {
        self.protocolNumber = protocolNumber
        self.information = information
    }

    /// Decodes a session payload; throws `FrameError` when shorter than the protocol field or when
    /// the field is not a valid (odd low byte, even high byte) PPP protocol number.
    public static func decode(_ bytes: [UInt8]) throws(FrameError) -> PPPFrame {
        var reader = ByteReader(bytes, layer: "PPP")
        let number = try reader.u16()
        guard number & 0x0001 == 1, number & 0x0100 == 0 else {
            throw FrameError(
                "PPP", "protocol field 0x\(hexByte(UInt8(number >> 8)))\(hexByte(UInt8(number & 0xFF))) is not valid")
        }
        return PPPFrame(protocolNumber: number, information: reader.rest())
    }

    /// The frame's bytes.
    public func encode() -> [UInt8] { .u16(protocolNumber) + information }
}

/// An LCP or IPCP packet (RFC 1661 section 5): code, identifier and data.
public struct PPPControlPacket: Sendable, Equatable {
    /// Configure-Request.
    public static let configureRequest: UInt8 = 1
    /// Configure-Ack.
    public static let configureAck: UInt8 = 2
    /// Configure-Nak.
    public static let configureNak: UInt8 = 3
    /// Configure-Reject.
    public static let configureReject: UInt8 = 4
    /// Terminate-Request.
    public static let terminateRequest: UInt8 = 5
    /// Terminate-Ack.
    public static let terminateAck: UInt8 = 6
    /// Code-Reject.
    public static let codeReject: UInt8 = 7
    /// Protocol-Reject (LCP only).
    public static let protocolReject: UInt8 = 8
    /// Echo-Request (LCP only).
    public static let echoRequest: UInt8 = 9
    /// Echo-Reply (LCP only).
    public static let echoReply: UInt8 = 10
    /// Discard-Request (LCP only).
    public static let discardRequest: UInt8 = 11

    /// The code.
    public var code: UInt8
    /// The identifier that pairs requests and replies.
    public var identifier: UInt8
    /// The data after the 4-byte header (options for Configure-* codes).
    public var data: [UInt8]

    /// Makes a packet from raw data.
    public init(code: UInt8, identifier: UInt8, data: [UInt8] = []) {
        self.code = code
        self.identifier = identifier
        self.data = data
    }

    /// Makes a Configure-* packet from options.
    public init(code: UInt8, identifier: UInt8, options: [PPPOption]) {
        self.init(code: code, identifier: identifier, data: options.flatMap { $0.encode() })
    }

    /// Decodes the information of an LCP/IPCP frame; the length field decides the end (trailing
    /// bytes are padding). Throws `FrameError` when the length is below 4 or beyond the bytes.
    public static func decode(_ bytes: [UInt8], layer: String = "LCP") throws(FrameError) -> PPPControlPacket {
        var reader = ByteReader(bytes, layer: layer)
        let code = try reader.u8()
        let identifier = try reader.u8()
        let length = Int(try reader.u16())
        guard length >= 4 else { throw FrameError(layer, "length \(length) is below the 4-byte header") }
        let data = try reader.take(length - 4)
        return PPPControlPacket(code: code, identifier: identifier, data: data)
    }

    /// The packet's bytes.
    public func encode() -> [UInt8] {
        var bytes: [UInt8] = [code, identifier]
        bytes.appendU16(UInt16(clamping: data.count + 4))
        bytes += data
        return bytes
    }

    /// The data read as configuration options; throws `FrameError` on an option shorter than 2
    /// bytes or running past the data.
    public func options() throws(FrameError) -> [PPPOption] {
        try PPPOption.decodeList(data)
    }

    /// Whether the code is Configure-Request, -Ack, -Nak or -Reject (the data are options).
    public var carriesOptions: Bool { (1...4).contains(code) }
}

/// A configuration option: type and value (RFC 1661 section 6).
public struct PPPOption: Sendable, Equatable, Hashable {
    /// The type.
    public var type: UInt8
    /// The value bytes (the encoded length is `value.count + 2`).
    public var value: [UInt8]

    /// Makes an option.
    public init(type: UInt8, value: [UInt8] = []) {
        self.type = type
        self.value = value
    }

    /// The bytes of one option.
    public func encode() -> [UInt8] { [type, UInt8(clamping: value.count + 2)] + value.prefix(253) }

    /// Decodes consecutive options; throws `FrameError` on a bad option length.
    public static func decodeList(_ bytes: [UInt8]) throws(FrameError) -> [PPPOption] {
        var reader = ByteReader(bytes, layer: "PPP options")
        var options: [PPPOption] = []
        while reader.remaining > 0 {
            let type = try reader.u8()
            let length = Int(try reader.u8())
            guard length >= 2 else { throw FrameError("PPP options", "option \(type) has length \(length) (below 2)") }
            options.append(PPPOption(type: type, value: try reader.take(length - 2)))
        }
        return options
    }

    /// The value as a big-endian 16-bit number, when it is exactly 2 bytes.
    public var u16: UInt16? { value.count == 2 ? UInt16(value[0]) << 8 | UInt16(value[1]) : nil }

    /// The value as a big-endian 32-bit number, when it is exactly 4 bytes.
    public var u32: UInt32? {
        value.count == 4 ? value.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } : nil
    }
}
