/// An authentication protocol as named in LCP's Authentication-Protocol option (type 3).
public enum PPPAuthProtocol: Sendable, Equatable, Hashable {
    /// PAP (0xC023).
    case pap
    /// CHAP with MD5 (0xC223, algorithm 5).
    case chapMD5
    /// Anything else: MS-CHAP (0xC223 algorithm 0x80), MS-CHAPv2 (0x81), EAP, ... (refused here).
    case other(protocolNumber: UInt16, data: [UInt8])

    /// MS-CHAPv2, as an access concentrator may ask it.
    public static let msCHAPv2 = PPPAuthProtocol.other(protocolNumber: PPPFrame.chap, data: [0x81])

    /// LCP's option type for the authentication protocol.
    public static let optionType: UInt8 = 3

    /// Reads the option value; nil when it is shorter than a protocol number.
    public init?(optionValue value: [UInt8]) {
        guard value.count >= 2 else { return nil }
        let number = UInt16(value[0]) << 8 | UInt16(value[1])
        let data = Array(value.dropFirst(2))
        switch (number, data) {
        case (PPPFrame.pap, []): self = .pap
        case (PPPFrame.chap, [5]): self = .chapMD5
        default: self = .other(protocolNumber: number, data: data)
        }
    }

    /// The option value.
    public var optionValue: [UInt8] {
        switch self {
        case .pap: .u16(PPPFrame.pap)
        case .chapMD5: .u16(PPPFrame.chap) + [5]
        case .other(let number, let data): .u16(number) + data
        }
    }

    /// The LCP option asking for this protocol.
    public var option: PPPOption { PPPOption(type: Self.optionType, value: optionValue) }

    /// A name for log lines.
    public var name: String {
        switch self {
        case .pap: "PAP"
        case .chapMD5: "CHAP-MD5"
        case .other(PPPFrame.chap, [0x80]): "MS-CHAP"
        case .other(PPPFrame.chap, [0x81]): "MS-CHAPv2"
        case .other(PPPFrame.chap, let data): "CHAP algorithm \(data.first.map(String.init) ?? "none")"
        case .other(0xC227, _): "EAP"
        case .other(let number, _): "protocol 0x\(hexByte(UInt8(number >> 8)))\(hexByte(UInt8(number & 0xFF)))"
        }
    }
}
