import CNetSNMP
import SNMPModel
import Testing

@testable import FTTHSNMP

/// Every SNMP value type through net-snmp's own PDU structures: encoded as a SET would send it,
/// decoded as a response is read.
@Suite("Value encoding and decoding")
struct ValueCodingTests {
    static let values: [SNMPValue] = [
        .integer(-2_147_483_648), .integer(2_147_483_647), .integer(0),
        .octetString([]), .string("Huawei Integrated Access Software"), .octetString([0x00, 0xFF, 0x80, 0x0A]),
        .null,
        .objectIdentifier("1.3.6.1.4.1.2011.2.6.2"), .objectIdentifier(OID([1, 3, 4_294_967_295])),
        .ipAddress([10, 11, 104, 2]),
        .counter32(0), .counter32(4_294_967_295),
        .gauge32(1_000_000_000),
        .timeTicks(651_080_000),
        .opaque([0x9F, 0x78, 0x04, 0x3F, 0xC0, 0x00, 0x00]),
        .counter64(0), .counter64(18_446_744_073_709_551_615), .counter64(4_294_967_296),
    ]

    @Test("a value survives net-snmp's variable encoding and the client's decoding", arguments: values)
    func roundTrip(_ value: SNMPValue) throws {
        NetSNMPLibrary.initialize()
        let binding = VarBind("1.3.6.1.4.1.99999.1.0", value)
        let decoded = NetSNMPLibrary.lock.withLock { _ -> SNMPResponse? in
            guard let pdu = NetSNMPPDU.make(SNMPOperation(kind: .set, bindings: [binding])) else { return nil }
            defer { snmp_free_pdu(pdu) }
            return NetSNMPPDU.response(pdu)
        }
        let response = try #require(decoded)
        #expect(response.bindings == [binding])
    }

    @Test("requests carry NULL values and the GETBULK counts")
    func requestPDUs() throws {
        NetSNMPLibrary.initialize()
        let oids: [OID] = ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.2.2.1.2"]
        let summary = NetSNMPLibrary.lock.withLock { _ -> (Int, Int, Int, [VarBind])? in
            let operation = SNMPOperation(
                kind: .getBulk(nonRepeaters: 1, maxRepetitions: 25), bindings: oids.map { VarBind($0, .string("x")) })
            guard let pdu = NetSNMPPDU.make(operation) else { return nil }
            defer { snmp_free_pdu(pdu) }
            let response = NetSNMPPDU.response(pdu)
            return (Int(pdu.pointee.command), response.errorStatus, response.errorIndex, response.bindings)
        }
        let (command, nonRepeaters, maxRepetitions, bindings) = try #require(summary)
        #expect(command == Int(ftth_SNMP_MSG_GETBULK))
        #expect(nonRepeaters == 1)
        #expect(maxRepetitions == 25)
        #expect(bindings == oids.map { VarBind($0, .null) })
    }

    @Test("Opaque-wrapped floats and 64-bit integers come back as their Opaque bytes")
    func opaqueSpecialTypes() throws {
        NetSNMPLibrary.initialize()
        func decode(type: u_char, _ bytes: UnsafeRawBufferPointer) -> SNMPValue? {
            NetSNMPLibrary.lock.withLock { _ -> SNMPValue? in
                guard let pdu = snmp_pdu_create(Int32(ftth_SNMP_MSG_RESPONSE)) else { return nil }
                defer { snmp_free_pdu(pdu) }
                let name: [oid] = [1, 3, 6, 1, 4, 1, 99999, 2]
                guard
                    let variable = name.withUnsafeBufferPointer({
                        snmp_pdu_add_variable(pdu, $0.baseAddress, $0.count, type, bytes.baseAddress, bytes.count)
                    })
                else { return nil }
                return NetSNMPPDU.value(variable)
            }
        }
        var float: Float = 1.5
        #expect(
            withUnsafeBytes(of: &float) { decode(type: ftth_ASN_OPAQUE_FLOAT, $0) }
                == .opaque([0x9F, 0x78, 0x04, 0x3F, 0xC0, 0, 0]))
        var double: Double = -2
        #expect(
            withUnsafeBytes(of: &double) { decode(type: ftth_ASN_OPAQUE_DOUBLE, $0) }
                == .opaque([0x9F, 0x79, 0x08, 0xC0, 0, 0, 0, 0, 0, 0, 0]))
        var big = counter64(high: 0, low: 0x80)
        #expect(
            withUnsafeBytes(of: &big) { decode(type: ftth_ASN_OPAQUE_U64, $0) }
                == .opaque([0x9F, 0x7B, 0x02, 0x00, 0x80]))
        var negative = counter64(high: 0xFFFF_FFFF, low: 0xFFFF_FFFE)
        #expect(
            withUnsafeBytes(of: &negative) { decode(type: ftth_ASN_OPAQUE_I64, $0) }
                == .opaque([0x9F, 0x7A, 0x01, 0xFE]))
    }

    @Test("the exceptions decode to their SNMPValue cases")
    func exceptions() throws {
        NetSNMPLibrary.initialize()
        for (type, expected) in [
            (ftth_SNMP_NOSUCHOBJECT, SNMPValue.noSuchObject), (ftth_SNMP_NOSUCHINSTANCE, .noSuchInstance),
            (ftth_SNMP_ENDOFMIBVIEW, .endOfMibView),
        ] {
            let value = NetSNMPLibrary.lock.withLock { _ -> SNMPValue? in
                guard let pdu = snmp_pdu_create(Int32(ftth_SNMP_MSG_RESPONSE)) else { return nil }
                defer { snmp_free_pdu(pdu) }
                let name: [oid] = [1, 3, 6, 1, 2, 1, 1, 1, 0]
                guard
                    let variable = name.withUnsafeBufferPointer({
                        snmp_pdu_add_variable(pdu, $0.baseAddress, $0.count, type, nil, 0)
                    })
                else { return nil }
                return NetSNMPPDU.value(variable)
            }
            #expect(value == expected)
        }
    }
}
