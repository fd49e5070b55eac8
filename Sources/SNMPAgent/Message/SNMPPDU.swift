import SNMPModel

/// The kinds of protocol data unit (RFC 3416 §3), by their BER tag. The SNMPv1 Trap-PDU, whose
/// layout differs, is not supported.
public enum SNMPPDUType: UInt8, Sendable, Hashable, CaseIterable {
    /// GetRequest-PDU: the values at exactly these OIDs.
    case getRequest = 0xA0
    /// GetNextRequest-PDU: the binding after each OID.
    case getNextRequest = 0xA1
    /// Response-PDU (GetResponse in SNMPv1).
    case response = 0xA2
    /// SetRequest-PDU.
    case setRequest = 0xA3
    /// GetBulkRequest-PDU (v2c and v3 only).
    case getBulkRequest = 0xA5
    /// InformRequest-PDU, not answered by the agent.
    case informRequest = 0xA6
    /// SNMPv2-Trap-PDU, not answered by the agent.
    case snmpV2Trap = 0xA7
    /// Report-PDU: how a v3 engine reports discovery data and USM errors.
    case report = 0xA8
}

/// One SNMP PDU: request-id, error-status and error-index (non-repeaters and max-repetitions in a
/// GetBulkRequest), and the variable bindings.
public struct SNMPPDU: Sendable, Hashable {
    /// What the PDU asks or answers.
    public var type: SNMPPDUType
    /// Matches a response to its request.
    public var requestID: Int32
    /// RFC 3416 error-status (0 = noError); non-repeaters in a GetBulkRequest.
    public var errorStatus: Int32
    /// 1-based index of the failing binding, 0 when none; max-repetitions in a GetBulkRequest.
    public var errorIndex: Int32
    /// The variable bindings.
    public var varBinds: [VarBind]

    /// Creates a PDU from its fields.
    public init(
        type: SNMPPDUType, requestID: Int32, errorStatus: Int32 = 0, errorIndex: Int32 = 0, varBinds: [VarBind]
    ) {
        self.type = type
        self.requestID = requestID
        self.errorStatus = errorStatus
        self.errorIndex = errorIndex
        self.varBinds = varBinds
    }

    /// A GetBulkRequest, whose error fields carry non-repeaters and max-repetitions.
    public static func getBulk(requestID: Int32, nonRepeaters: Int32, maxRepetitions: Int32, varBinds: [VarBind])
        -> SNMPPDU
    {
        SNMPPDU(
            type: .getBulkRequest, requestID: requestID, errorStatus: nonRepeaters, errorIndex: maxRepetitions,
            varBinds: varBinds)
    }

    /// Non-repeaters of a GetBulkRequest (the error-status field).
    public var nonRepeaters: Int32 { errorStatus }
    /// Max-repetitions of a GetBulkRequest (the error-index field).
    public var maxRepetitions: Int32 { errorIndex }

    func encode(into writer: inout BERWriter) {
        writer.writeConstructed(tag: type.rawValue) { body in
            body.writeInteger(Int64(requestID))
            body.writeInteger(Int64(errorStatus))
            body.writeInteger(Int64(errorIndex))
            body.writeConstructed { list in
                for binding in varBinds { list.writeVarBind(binding) }
            }
        }
    }

    /// Encodes the PDU alone (what a scoped PDU carries after its context fields).
    func encoded() -> [UInt8] {
        var writer = BERWriter()
        encode(into: &writer)
        return writer.bytes
    }

    static func decode(from reader: inout BERReader) throws(SNMPDecodingError) -> SNMPPDU {
        let start = reader.position
        let (tag, content) = try reader.readElement()
        guard let type = SNMPPDUType(rawValue: tag) else {
            throw SNMPDecodingError(.unexpectedTag, offset: start, message: "unsupported PDU tag 0x\(hex(tag))")
        }
        var body = reader.subReader(content)
        let requestID = try body.readInt32("request-id")
        let errorStatus = try body.readInt32("error-status")
        let errorIndex = try body.readInt32("error-index")
        var list = try body.readConstructed("variable-bindings")
        var varBinds: [VarBind] = []
        while !list.isAtEnd {
            varBinds.append(try list.readVarBind())
        }
        try body.expectEnd("PDU")
        return SNMPPDU(
            type: type, requestID: requestID, errorStatus: errorStatus, errorIndex: errorIndex, varBinds: varBinds)
    }
}
