internal import CNetSNMP
import SNMPModel

/// Encoding requests into net-snmp PDUs and decoding responses into ``VarBind``s. Called only on
/// the dispatcher thread with ``NetSNMPLibrary/lock`` held.
enum NetSNMPPDU {
    /// A new PDU for `operation`, or nil when net-snmp could not allocate or encode it.
    static func make(_ operation: SNMPOperation) -> UnsafeMutablePointer<netsnmp_pdu>? {
        let command: Int32 =
            switch operation.kind {
            case .get: Int32(ftth_SNMP_MSG_GET)
            case .getNext: Int32(ftth_SNMP_MSG_GETNEXT)
            case .getBulk: Int32(ftth_SNMP_MSG_GETBULK)
            case .set: Int32(ftth_SNMP_MSG_SET)
            }
        guard let pdu = snmp_pdu_create(command) else { return nil }
        if case .getBulk(let nonRepeaters, let maxRepetitions) = operation.kind {
            ftth_pdu_set_bulk(pdu, nonRepeaters, maxRepetitions)
        }
        for binding in operation.bindings {
            let name = binding.oid.components.map { oid($0) }
            let added: Bool
            if operation.kind == .set {
                added = addValue(binding.value, name: name, to: pdu)
            } else {
                added = name.withUnsafeBufferPointer { snmp_add_null_var(pdu, $0.baseAddress, $0.count) != nil }
            }
            guard added else {
                snmp_free_pdu(pdu)
                return nil
            }
        }
        return pdu
    }

    private static func addValue(_ value: SNMPValue, name: [oid], to pdu: UnsafeMutablePointer<netsnmp_pdu>) -> Bool {
        func add(_ type: u_char, _ bytes: UnsafeRawBufferPointer) -> Bool {
            name.withUnsafeBufferPointer { name in
                snmp_pdu_add_variable(pdu, name.baseAddress, name.count, type, bytes.baseAddress, bytes.count) != nil
            }
        }
        func addBytes(_ type: u_char, _ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBytes { add(type, $0) }
        }
        func addLong(_ type: u_char, _ number: Int) -> Bool {
            withUnsafeBytes(of: number) { add(type, $0) }
        }
        func addUnsigned(_ type: u_char, _ number: UInt) -> Bool {
            withUnsafeBytes(of: number) { add(type, $0) }
        }
        switch value {
        case .integer(let v):
            return addLong(ftth_ASN_INTEGER, Int(v))
        case .octetString(let bytes):
            return addBytes(ftth_ASN_OCTET_STR, bytes)
        case .null:
            return add(ftth_ASN_NULL, UnsafeRawBufferPointer(start: nil, count: 0))
        case .objectIdentifier(let target):
            let components = target.components.map { oid($0) }
            return components.withUnsafeBytes { add(ftth_ASN_OBJECT_ID, $0) }
        case .ipAddress(let bytes):
            return addBytes(ftth_ASN_IPADDRESS, bytes)
        case .counter32(let v):
            return addUnsigned(ftth_ASN_COUNTER, UInt(v))
        case .gauge32(let v):
            return addUnsigned(ftth_ASN_GAUGE, UInt(v))
        case .timeTicks(let v):
            return addUnsigned(ftth_ASN_TIMETICKS, UInt(v))
        case .opaque(let bytes):
            return addBytes(ftth_ASN_OPAQUE, bytes)
        case .counter64(let v):
            var c = counter64()
            c.high = UInt(v >> 32)
            c.low = UInt(v & 0xFFFF_FFFF)
            return withUnsafeBytes(of: &c) { add(ftth_ASN_COUNTER64, $0) }
        case .noSuchObject, .noSuchInstance, .endOfMibView:
            return false
        }
    }

    /// The response's error-status, error-index and bindings.
    static func response(_ pdu: UnsafeMutablePointer<netsnmp_pdu>) -> SNMPResponse {
        var bindings: [VarBind] = []
        var variable = pdu.pointee.variables
        while let current = variable {
            bindings.append(varBind(current))
            variable = current.pointee.next_variable
        }
        return SNMPResponse(errorStatus: pdu.pointee.errstat, errorIndex: pdu.pointee.errindex, bindings: bindings)
    }

    /// The first binding's OID of a PDU (a Report names its USM counter there).
    static func firstOID(_ pdu: UnsafeMutablePointer<netsnmp_pdu>) -> OID? {
        guard let variable = pdu.pointee.variables else { return nil }
        return oidValue(variable.pointee.name, count: variable.pointee.name_length)
    }

    static func varBind(_ variable: UnsafeMutablePointer<netsnmp_variable_list>) -> VarBind {
        let name = oidValue(variable.pointee.name, count: variable.pointee.name_length) ?? OID([0, 0])
        return VarBind(name, value(variable))
    }

    private static func oidValue(_ pointer: UnsafeMutablePointer<oid>?, count: Int) -> OID? {
        guard let pointer, count > 0 else { return nil }
        return OID(UnsafeBufferPointer(start: pointer, count: count).map { UInt32(truncatingIfNeeded: $0) })
    }

    static func value(_ variable: UnsafeMutablePointer<netsnmp_variable_list>) -> SNMPValue {
        let v = variable.pointee
        func bytes() -> [UInt8] {
            guard let string = v.val.string, v.val_len > 0 else { return [] }
            return Array(UnsafeBufferPointer(start: string, count: v.val_len))
        }
        func unsigned32() -> UInt32 {
            guard let integer = v.val.integer else { return 0 }
            return UInt32(truncatingIfNeeded: UInt(bitPattern: integer.pointee))
        }
        func unsigned64() -> UInt64 {
            guard let c = v.val.counter64 else { return 0 }
            return UInt64(truncatingIfNeeded: c.pointee.high) << 32
                | UInt64(truncatingIfNeeded: c.pointee.low & 0xFFFF_FFFF)
        }
        switch v.type {
        case ftth_ASN_INTEGER:
            return .integer(Int64(v.val.integer?.pointee ?? 0))
        case ftth_ASN_OCTET_STR, ftth_ASN_BIT_STR, ftth_ASN_NSAP:
            return .octetString(bytes())
        case ftth_ASN_NULL:
            return .null
        case ftth_ASN_OBJECT_ID:
            let count = v.val_len / MemoryLayout<oid>.stride
            return .objectIdentifier(oidValue(v.val.objid, count: count) ?? OID([0, 0]))
        case ftth_ASN_IPADDRESS:
            return .ipAddress(bytes())
        case ftth_ASN_COUNTER:
            return .counter32(unsigned32())
        case ftth_ASN_GAUGE, ftth_ASN_UINTEGER:
            return .gauge32(unsigned32())
        case ftth_ASN_TIMETICKS:
            return .timeTicks(unsigned32())
        case ftth_ASN_OPAQUE:
            return .opaque(bytes())
        case ftth_ASN_COUNTER64:
            return .counter64(unsigned64())
        case ftth_SNMP_NOSUCHOBJECT:
            return .noSuchObject
        case ftth_SNMP_NOSUCHINSTANCE:
            return .noSuchInstance
        case ftth_SNMP_ENDOFMIBVIEW:
            return .endOfMibView
        // net-snmp unwraps the Opaque-encoded special types (draft-perkins-opaque); rebuild the
        // Opaque payload the agent sent so callers see the bytes, as for any other Opaque.
        case ftth_ASN_OPAQUE_FLOAT:
            let bits = v.val.floatVal?.pointee.bitPattern ?? 0
            return .opaque(OpaqueEncoding.wrap(tag: 0x78, content: OpaqueEncoding.bigEndian(UInt64(bits), width: 4)))
        case ftth_ASN_OPAQUE_DOUBLE:
            let bits = v.val.doubleVal?.pointee.bitPattern ?? 0
            return .opaque(OpaqueEncoding.wrap(tag: 0x79, content: OpaqueEncoding.bigEndian(bits, width: 8)))
        case ftth_ASN_OPAQUE_COUNTER64:
            return .opaque(OpaqueEncoding.wrap(tag: 0x76, content: OpaqueEncoding.unsigned(unsigned64())))
        case ftth_ASN_OPAQUE_U64:
            return .opaque(OpaqueEncoding.wrap(tag: 0x7B, content: OpaqueEncoding.unsigned(unsigned64())))
        case ftth_ASN_OPAQUE_I64:
            return .opaque(
                OpaqueEncoding.wrap(tag: 0x7A, content: OpaqueEncoding.signed(Int64(bitPattern: unsigned64()))))
        default:
            // A type net-snmp passed through without knowing it: keep the raw bytes.
            return .opaque(bytes())
        }
    }
}

/// BER for the Opaque-wrapped types: `9F <tag> <length> <content>`.
enum OpaqueEncoding {
    static func wrap(tag: UInt8, content: [UInt8]) -> [UInt8] {
        [0x9F, tag, UInt8(content.count)] + content
    }

    static func bigEndian(_ value: UInt64, width: Int) -> [UInt8] {
        (0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    /// Minimal unsigned INTEGER content (a leading zero when the top bit is set).
    static func unsigned(_ value: UInt64) -> [UInt8] {
        var bytes = bigEndian(value, width: 8)
        while bytes.count > 1, bytes[0] == 0, bytes[1] & 0x80 == 0 { bytes.removeFirst() }
        if bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
        return bytes
    }

    /// Minimal two's-complement INTEGER content.
    static func signed(_ value: Int64) -> [UInt8] {
        var bytes = bigEndian(UInt64(bitPattern: value), width: 8)
        while bytes.count > 1,
            (bytes[0] == 0 && bytes[1] & 0x80 == 0) || (bytes[0] == 0xFF && bytes[1] & 0x80 != 0)
        {
            bytes.removeFirst()
        }
        return bytes
    }
}
