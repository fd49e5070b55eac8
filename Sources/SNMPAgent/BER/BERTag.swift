import SNMPModel

/// The one-byte BER identifiers SNMP uses (X.690 universal types, RFC 2578 application types,
/// RFC 3416 exceptions and PDU tags).
enum BERTag {
    static let integer: UInt8 = 0x02
    static let octetString: UInt8 = 0x04
    static let null: UInt8 = 0x05
    static let objectIdentifier: UInt8 = 0x06
    static let sequence: UInt8 = 0x30

    static let ipAddress: UInt8 = 0x40
    static let counter32: UInt8 = 0x41
    static let gauge32: UInt8 = 0x42
    static let timeTicks: UInt8 = 0x43
    static let opaque: UInt8 = 0x44
    static let counter64: UInt8 = 0x46

    static let noSuchObject: UInt8 = 0x80
    static let noSuchInstance: UInt8 = 0x81
    static let endOfMibView: UInt8 = 0x82
}

extension SNMPValue {
    /// The BER tag this value is encoded with; also how two values are compared for "same type".
    var berTag: UInt8 {
        switch self {
        case .integer: BERTag.integer
        case .octetString: BERTag.octetString
        case .null: BERTag.null
        case .objectIdentifier: BERTag.objectIdentifier
        case .ipAddress: BERTag.ipAddress
        case .counter32: BERTag.counter32
        case .gauge32: BERTag.gauge32
        case .timeTicks: BERTag.timeTicks
        case .opaque: BERTag.opaque
        case .counter64: BERTag.counter64
        case .noSuchObject: BERTag.noSuchObject
        case .noSuchInstance: BERTag.noSuchInstance
        case .endOfMibView: BERTag.endOfMibView
        }
    }
}
