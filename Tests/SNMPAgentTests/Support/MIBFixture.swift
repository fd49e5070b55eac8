import SNMPModel

/// A few hundred bindings of every type, shaped like an OLT's MIB: the system group, an
/// ifTable, 64-bit counters, enterprise scalars with edge-case values and a large ONU table.
enum MIBFixture {
    static let enterprise: OID = "1.3.6.1.4.1.99999"
    static let onuTable: OID = "1.3.6.1.4.1.99999.2.1.1"
    static let sysName: OID = "1.3.6.1.2.1.1.5.0"
    static let sysDescr: OID = "1.3.6.1.2.1.1.1.0"

    static let bindings: [VarBind] = {
        var all: [VarBind] = [
            VarBind("1.3.6.1.2.1.1.1.0", .string("Simulated GPON OLT, firmware 1.0")),
            VarBind("1.3.6.1.2.1.1.2.0", .objectIdentifier("1.3.6.1.4.1.99999.1")),
            VarBind("1.3.6.1.2.1.1.3.0", .timeTicks(123_456_789)),
            VarBind("1.3.6.1.2.1.1.4.0", .string("noc@example.net")),
            VarBind(sysName, .string("olt-1")),
            VarBind("1.3.6.1.2.1.1.6.0", .string("")),
            VarBind("1.3.6.1.2.1.1.7.0", .integer(72)),
        ]
        let ifEntry: OID = "1.3.6.1.2.1.2.2.1"
        for index in UInt32(1)...24 {
            all += [
                VarBind(ifEntry.appending(1, index), .integer(Int64(index))),
                VarBind(ifEntry.appending(2, index), .string("gpon 0/1/\(index)")),
                VarBind(ifEntry.appending(3, index), .integer(250)),
                VarBind(ifEntry.appending(4, index), .integer(1500)),
                VarBind(ifEntry.appending(5, index), .gauge32(2_488_320_000)),
                VarBind(ifEntry.appending(6, index), .octetString([0x00, 0x1B, 0xFF, 0xFE, 0x80, UInt8(index)])),
                VarBind(ifEntry.appending(7, index), .integer(1)),
                VarBind(ifEntry.appending(8, index), .integer(index % 3 == 0 ? 2 : 1)),
                VarBind(ifEntry.appending(10, index), .counter32(UInt32.max - index)),
                VarBind(ifEntry.appending(16, index), .counter32(index * 1000)),
            ]
        }
        let ifXEntry: OID = "1.3.6.1.2.1.31.1.1.1"
        for index in UInt32(1)...24 {
            all += [
                VarBind(ifXEntry.appending(6, index), .counter64(UInt64.max - UInt64(index))),
                VarBind(ifXEntry.appending(10, index), .counter64(UInt64(index) << 40)),
            ]
        }
        let scalars = enterprise.appending(1)
        all += [
            VarBind(scalars.appending(1, 0), .integer(-1)),
            VarBind(scalars.appending(2, 0), .integer(Int64(Int32.min))),
            VarBind(scalars.appending(3, 0), .integer(Int64(Int32.max))),
            VarBind(scalars.appending(4, 0), .integer(-2_050)),
            VarBind(scalars.appending(5, 0), .ipAddress([192, 0, 2, 1])),
            VarBind(scalars.appending(6, 0), .opaque([0x01, 0x02, 0x03, 0xFF])),
            VarBind(scalars.appending(7, 0), .null),
            VarBind(scalars.appending(8, 0), .objectIdentifier(OID([1, 3, 6, 1, 4, 1, 4_294_967_295, 128, 16_384]))),
            VarBind(scalars.appending(9, 0), .octetString([0xFF, 0xFE, 0x00, 0x80, 0xC3, 0x28])),
            VarBind(scalars.appending(10, 0), .octetString((0..<300).map { UInt8($0 % 256) })),
            VarBind(scalars.appending(11, 0), .counter64(0)),
            VarBind(scalars.appending(12, 0), .gauge32(UInt32.max)),
            VarBind(scalars.appending(13, 0), .timeTicks(0)),
            VarBind(scalars.appending(14, 0), .string("say \"hi\" \\ bye")),
            VarBind(scalars.appending(15, 0), .integer(0)),
        ]
        // ONU table: columns 1…4, indexed by PON port (1…4) and ONU id (1…32).
        for column in UInt32(1)...4 {
            for port in UInt32(1)...4 {
                for onu in UInt32(1)...32 {
                    let oid = onuTable.appending(column, port, onu)
                    let value: SNMPValue =
                        switch column {
                        case 1: .integer(Int64(onu))
                        case 2: .string("HWTC\(String(port * 1000 + onu, radix: 16, uppercase: true))")
                        case 3: .integer(-Int64(1_500 + onu * 10 + port))
                        default: .counter64(UInt64(port) << 33 + UInt64(onu))
                        }
                    all.append(VarBind(oid, value))
                }
            }
        }
        return all.sorted { $0.oid < $1.oid }
    }()

    /// What a walk of the whole tree ends with in v2c and v3: net-snmp prints the endOfMibView.
    static var endOfView: VarBind { VarBind(bindings.last!.oid, .endOfMibView) }

    /// The bindings an SNMPv1 manager sees: v1 has no Counter64.
    static var v1Bindings: [VarBind] {
        bindings.filter {
            if case .counter64 = $0.value { return false }
            return true
        }
    }
}
