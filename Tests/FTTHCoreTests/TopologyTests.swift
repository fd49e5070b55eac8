import FTTHCore
import PropertyBased
import Testing

/// Dialects, PON addresses, VLAN ids, split ratios and management addresses.
@Suite("Topology values")
struct TopologyTests {
    // MARK: VendorDialect

    @Test(
        "dialect names, case and surrounding space ignored",
        arguments: [
            ("huawei", VendorDialect.huaweiMA5600T), ("huawei-ma5600t", .huaweiMA5600T), ("MA5680T", .huaweiMA5600T),
            ("ma5683t", .huaweiMA5600T), ("ma5603t", .huaweiMA5600T), ("huawei-ma5800", .huaweiMA5800),
            (" MA5800 ", .huaweiMA5800), ("zte", .zteC300), ("ZTE-C300", .zteC300), ("c320", .zteC300),
            ("zte-c600", .zteC600), ("c620", .zteC600), ("C650", .zteC600),
        ])
    func dialectNames(name: String, dialect: VendorDialect) {
        #expect(VendorDialect(name: name) == dialect)
    }

    @Test("unknown dialect names are refused", arguments: ["", "cisco", "huawei ma5800", "zte-c300x", "fiberhome"])
    func unknownDialects(name: String) {
        #expect(VendorDialect(name: name) == nil)
    }

    @Test("every raw value parses to itself and is listed in the accepted names")
    func rawValuesRoundTrip() {
        for d in VendorDialect.allCases {
            #expect(VendorDialect(name: d.rawValue) == d)
            #expect(VendorDialect.acceptedNames.contains(d.rawValue))
        }
    }

    @Test("ONU name limits: Huawei 64 characters, ZTE 32")
    func nameLengths() {
        #expect(VendorDialect.huaweiMA5600T.maxONUNameLength == 64)
        #expect(VendorDialect.huaweiMA5800.maxONUNameLength == 64)
        #expect(VendorDialect.zteC300.maxONUNameLength == 32)
        #expect(VendorDialect.zteC600.maxONUNameLength == 32)
    }

    @Test("ONU names take ASCII letters, digits, '-', '_' and '.' only", arguments: VendorDialect.allCases)
    func nameCharacters(dialect: VendorDialect) {
        for c in "azAZ09-_." { #expect(dialect.allowsInONUName(c), "\(c)") }
        for c: Character in [
            " ", "\"", "'", "\n", "\r\n", "\t", "中", "é", "/", ":", ";", "|", "?", "{", "０", "Ａ", "\u{7F}",
        ] {
            #expect(!dialect.allowsInONUName(c), "\(c.unicodeScalars.map(\.value))")
        }
    }

    // MARK: PONAddress

    @Test(
        "PON addresses: F/S/P or F-S-P, each part 0…255",
        arguments: [
            ("0/1/3", [0, 1, 3]), ("0-1-3", [0, 1, 3]), (" 0/1/3 ", [0, 1, 3]), ("255/255/255", [255, 255, 255]),
            ("00/01/003", [0, 1, 3]), ("1/2-1", [1, 2, 1]),
        ])
    func ponAddresses(text: String, parts: [Int]) throws {
        let p = try #require(PONAddress(text))
        #expect([p.frame, p.slot, p.port] == parts)
    }

    @Test(
        "malformed PON addresses are refused",
        arguments: [
            "", "0/1", "0/1/3/4", "0/1/256", "a/1/3", "0//3", "0/1/-3", "0/1/0003", "０/1/3", "0 /1/3", "0.1.3",
            "0/1/+3",
        ])
    func badPONAddresses(text: String) {
        #expect(PONAddress(text) == nil)
    }

    @Test("PON addresses print as F/S/P, parse back, and order frame, then slot, then port")
    func ponRoundTripAndOrder() async {
        let part = Gen.int(in: 0...255)
        await propertyCheck(input: zip(part, part, part), zip(part, part, part)) { a, b in
            let x = PONAddress(frame: a.0, slot: a.1, port: a.2)
            let y = PONAddress(frame: b.0, slot: b.1, port: b.2)
            #expect(PONAddress(x.description) == x)
            #expect(x.description == "\(a.0)/\(a.1)/\(a.2)")
            #expect((x < y) == ([a.0, a.1, a.2].lexicographicallyPrecedes([b.0, b.1, b.2])))
        }
    }

    // MARK: VLANID

    @Test("VLAN ids are 1…4094; 0 and 4095 are reserved")
    func vlanBounds() {
        #expect(VLANID(0) == nil)
        #expect(VLANID(1)?.value == 1)
        #expect(VLANID(4094)?.value == 4094)
        #expect(VLANID(4095) == nil)
        #expect(VLANID(-1) == nil)
        #expect(VLANID(100)?.description == "100")
    }

    @Test("a VLAN id exists exactly for 1…4094 and orders like its value")
    func vlanProperty() async {
        await propertyCheck(input: Gen.int(in: -10...5000), Gen.int(in: 1...4094)) { v, w in
            #expect((VLANID(v) != nil) == (1...4094).contains(v))
            if let id = VLANID(v), let other = VLANID(w) {
                #expect((id < other) == (v < w))
            }
        }
    }

    // MARK: SplitRatio

    @Test(
        "split ratios 1:2 … 1:128 in the spellings resource systems use",
        arguments: [
            ("1:8", 8), ("1x8", 8), ("1X16", 16), ("1/32", 32), ("64", 64), (" 1:128 ", 128), ("1:2", 2), ("4", 4),
        ])
    func splitRatios(text: String, outputs: Int) {
        #expect(SplitRatio(text)?.outputs == outputs)
        #expect(SplitRatio(text)?.description == "1:\(outputs)")
    }

    @Test(
        "other ratios are refused",
        arguments: ["1:3", "1:1", "1:256", "2:8", "1:", "abc", "1:0", "", "1:-8", "1:6", "1:8:2"])
    func badSplitRatios(text: String) {
        #expect(SplitRatio(text) == nil)
    }

    @Test("only powers of two from 2 to 128 are ratios")
    func ratioOutputs() {
        let accepted = (-4...300).filter { SplitRatio(outputs: $0) != nil }
        #expect(accepted == [2, 4, 8, 16, 32, 64, 128])
    }

    @Test("typical splitter loss follows DESIGN §3")
    func typicalLoss() {
        #expect(SplitRatio(outputs: 8)?.typicalLoss == Decibels(centi: 1050))
        #expect(SplitRatio(outputs: 16)?.typicalLoss == Decibels(centi: 1400))
        #expect(SplitRatio(outputs: 32)?.typicalLoss == Decibels(centi: 1700))
        #expect(SplitRatio(outputs: 64)?.typicalLoss == Decibels(centi: 2050))
        // Loss grows with the ratio.
        let losses = [2, 4, 8, 16, 32, 64, 128].compactMap { SplitRatio(outputs: $0)?.typicalLoss }
        #expect(losses == losses.sorted())
        #expect(Set(losses).count == losses.count)
    }

    // MARK: ManagementAddress

    @Test(
        "IPv4 addresses are kept in canonical dotted-quad form",
        arguments: [
            ("10.0.0.1", "10.0.0.1"), (" 10.0.0.1\t", "10.0.0.1"), ("010.000.000.001", "10.0.0.1"),
            ("255.255.255.255", "255.255.255.255"), ("0.0.0.0", "0.0.0.0"),
        ])
    func ipv4(text: String, canonical: String) {
        #expect(ManagementAddress(text)?.text == canonical)
        #expect(ManagementAddress(text)?.description == canonical)
    }

    @Test(
        "IPv6 addresses are accepted in their RFC 5952 form",
        arguments: [
            ("2001:db8::1", "2001:db8::1"), ("FE80::1", "fe80::1"), ("::1", "::1"),
            ("2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329"), ("1::", "1::"),
        ])
    func ipv6(text: String, stored: String) {
        #expect(ManagementAddress(text)?.text == stored)
    }

    @Test(
        "anything else is not a management address",
        arguments: [
            "", "256.0.0.1", "10.0.0", "10.0.0.1.5", "10.0..1", "a.b.c.d", "1234.0.0.1", "10.0.0.-1", "olt-a",
            "2001:db8::1::2",
            "1:2", "12345::1", "g::1", "1:2:3:4:5:6:7:8:9", "10.0.0.1/24", "１0.0.0.1",
        ])
    func notAddresses(text: String) {
        #expect(ManagementAddress(text) == nil)
    }

    @Test("any dotted quad parses, with leading zeros dropped")
    func ipv4Property() async {
        let octet = Gen.int(in: 0...255)
        await propertyCheck(input: zip(octet, octet, octet, octet), Gen.bool) { o, pad in
            let parts = [o.0, o.1, o.2, o.3]
            let text = parts.map { pad ? String(repeating: "0", count: 3 - String($0).count) + String($0) : String($0) }
                .joined(separator: ".")
            let canonical = parts.map(String.init).joined(separator: ".")
            #expect(ManagementAddress(text)?.text == canonical)
            #expect(ManagementAddress(text) == ManagementAddress(canonical))
        }
    }

    @Test("two spellings of one IPv6 address are the same OLT")
    func ipv6Canonical() {
        // RFC 5952: leading zeros and zero runs have one canonical spelling, so one OLT is one OLT.
        #expect(ManagementAddress("2001:DB8:0:0::1") == ManagementAddress("2001:db8::1"))
        #expect(ManagementAddress("2001:0db8::0001")?.text == "2001:db8::1")

    }

    @Test("malformed IPv6 with empty groups is refused")
    func ipv6EmptyGroups() {
        #expect(ManagementAddress(":::") == nil)
        #expect(ManagementAddress("1:::2") == nil)
        #expect(ManagementAddress(":1:2:3:4:5:6:7") == nil)

    }
}
