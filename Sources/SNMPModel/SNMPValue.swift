/// A value in a variable binding, including the three v2c exceptions a GET or a walk may return.
public enum SNMPValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case integer(Int64)
    case octetString([UInt8])
    case null
    case objectIdentifier(OID)
    case ipAddress([UInt8])
    case counter32(UInt32)
    case gauge32(UInt32)
    case timeTicks(UInt32)
    case opaque([UInt8])
    case counter64(UInt64)
    /// v2c exception: the agent has no such object.
    case noSuchObject
    /// v2c exception: the object exists but not this instance.
    case noSuchInstance
    /// v2c exception: a GETNEXT/GETBULK ran past the last object of the agent.
    case endOfMibView

    /// An octet string from text.
    public static func string(_ s: String) -> SNMPValue { .octetString(Array(s.utf8)) }

    /// Whether this is one of the three exceptions rather than a value.
    public var isException: Bool {
        switch self {
        case .noSuchObject, .noSuchInstance, .endOfMibView: true
        default: false
        }
    }

    /// The value as a signed integer, for INTEGER and the unsigned types; nil otherwise.
    public var intValue: Int64? {
        switch self {
        case .integer(let v): v
        case .counter32(let v), .gauge32(let v), .timeTicks(let v): Int64(v)
        case .counter64(let v): v <= UInt64(Int64.max) ? Int64(v) : nil
        default: nil
        }
    }

    /// The value as text when it is an octet string of UTF-8; nil otherwise.
    public var stringValue: String? {
        if case .octetString(let bytes) = self { return String(validating: bytes, as: UTF8.self) }
        return nil
    }

    public var description: String {
        switch self {
        case .integer(let v): "INTEGER: \(v)"
        case .octetString(let b):
            if let s = String(validating: b, as: UTF8.self), s.unicodeScalars.allSatisfy({ $0.value >= 0x20 }) {
                "STRING: \"\(s)\""
            } else {
                "Hex-STRING: "
                    + b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) }.joined(separator: " ")
            }
        case .null: "NULL"
        case .objectIdentifier(let o): "OID: \(o)"
        case .ipAddress(let b): "IpAddress: " + b.map(String.init).joined(separator: ".")
        case .counter32(let v): "Counter32: \(v)"
        case .gauge32(let v): "Gauge32: \(v)"
        case .timeTicks(let v): "Timeticks: \(v)"
        case .opaque(let b): "Opaque: \(b.count) bytes"
        case .counter64(let v): "Counter64: \(v)"
        case .noSuchObject: "No Such Object"
        case .noSuchInstance: "No Such Instance"
        case .endOfMibView: "End of MIB View"
        }
    }
}

/// One variable binding: an OID and its value.
public struct VarBind: Sendable, Hashable, Codable, CustomStringConvertible {
    public var oid: OID
    public var value: SNMPValue

    public init(_ oid: OID, _ value: SNMPValue) {
        self.oid = oid
        self.value = value
    }

    public var description: String { "\(oid) = \(value)" }
}
