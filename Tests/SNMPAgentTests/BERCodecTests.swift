import SNMPModel
import Testing

@testable import SNMPAgent

/// The BER codec against hand-computed encodings (X.690) and by round trip.
@Suite("BER codec")
struct BERCodecTests {
    static func encode(_ value: SNMPValue) -> [UInt8] {
        var writer = BERWriter()
        writer.writeValue(value)
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(SNMPDecodingError) -> SNMPValue {
        var reader = BERReader(bytes)
        let value = try reader.readValue()
        try reader.expectEnd("value")
        return value
    }

    static let encodings: [(SNMPValue, [UInt8])] = [
        (.integer(0), [0x02, 0x01, 0x00]),
        (.integer(-1), [0x02, 0x01, 0xFF]),
        (.integer(127), [0x02, 0x01, 0x7F]),
        (.integer(128), [0x02, 0x02, 0x00, 0x80]),
        (.integer(-128), [0x02, 0x01, 0x80]),
        (.integer(-129), [0x02, 0x02, 0xFF, 0x7F]),
        (.integer(256), [0x02, 0x02, 0x01, 0x00]),
        (.integer(Int64(Int32.max)), [0x02, 0x04, 0x7F, 0xFF, 0xFF, 0xFF]),
        (.integer(Int64(Int32.min)), [0x02, 0x04, 0x80, 0x00, 0x00, 0x00]),
        (.integer(Int64(Int32.max) + 1), [0x02, 0x05, 0x00, 0x80, 0x00, 0x00, 0x00]),
        (.integer(Int64.max), [0x02, 0x08, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
        (.integer(Int64.min), [0x02, 0x08, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
        (.octetString([]), [0x04, 0x00]),
        (.octetString([0xFF, 0x00, 0xC3]), [0x04, 0x03, 0xFF, 0x00, 0xC3]),
        (.null, [0x05, 0x00]),
        (.objectIdentifier("1.3.6.1.2.1"), [0x06, 0x05, 0x2B, 0x06, 0x01, 0x02, 0x01]),
        (.objectIdentifier("0.0"), [0x06, 0x01, 0x00]),
        (.objectIdentifier("2.999.3"), [0x06, 0x03, 0x88, 0x37, 0x03]),
        (
            .objectIdentifier("1.3.127.128.16383.16384"),
            [0x06, 0x09, 0x2B, 0x7F, 0x81, 0x00, 0xFF, 0x7F, 0x81, 0x80, 0x00]
        ),
        (.objectIdentifier(OID([1, 3, 4_294_967_295])), [0x06, 0x06, 0x2B, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F]),
        (.ipAddress([10, 0, 0, 1]), [0x40, 0x04, 0x0A, 0x00, 0x00, 0x01]),
        (.counter32(0), [0x41, 0x01, 0x00]),
        (.counter32(UInt32.max), [0x41, 0x05, 0x00, 0xFF, 0xFF, 0xFF, 0xFF]),
        (.gauge32(128), [0x42, 0x02, 0x00, 0x80]),
        (.timeTicks(123_456), [0x43, 0x03, 0x01, 0xE2, 0x40]),
        (.opaque([0x9F, 0x78, 0x04, 0x3F, 0x80, 0x00, 0x00]), [0x44, 0x07, 0x9F, 0x78, 0x04, 0x3F, 0x80, 0x00, 0x00]),
        (.counter64(UInt64.max), [0x46, 0x09, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
        (.counter64(1 << 32), [0x46, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00]),
        (.noSuchObject, [0x80, 0x00]),
        (.noSuchInstance, [0x81, 0x00]),
        (.endOfMibView, [0x82, 0x00]),
    ]

    @Test("every value type encodes to its X.690 bytes and back", arguments: encodings)
    func knownEncoding(_ value: SNMPValue, _ bytes: [UInt8]) throws {
        #expect(Self.encode(value) == bytes)
        #expect(try Self.decode(bytes) == value)
    }

    @Test("integers round-trip across the 64-bit range")
    func integerRoundTrip() throws {
        var values: [Int64] = [0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, -32769]
        for shift in 0..<63 {
            values += [1 << shift, (1 << shift) - 1, -(1 << shift), -(1 << shift) - 1]
        }
        values += [Int64.max, Int64.min, Int64(Int32.max), Int64(Int32.min)]
        for value in values {
            #expect(try Self.decode(Self.encode(.integer(value))) == .integer(value))
        }
        for value: UInt64 in [
            0, 1, 127, 128, 255, 256, UInt64(UInt32.max), UInt64(UInt32.max) + 1, UInt64.max, 1 << 63,
        ] {
            #expect(try Self.decode(Self.encode(.counter64(value))) == .counter64(value))
        }
    }

    @Test("lengths use the short form below 128 and 1, 2 or 3 length bytes above")
    func lengths() throws {
        let cases: [(Int, [UInt8])] = [
            (0, [0x00]), (127, [0x7F]), (128, [0x81, 0x80]), (255, [0x81, 0xFF]), (256, [0x82, 0x01, 0x00]),
            (65535, [0x82, 0xFF, 0xFF]), (65536, [0x83, 0x01, 0x00, 0x00]), (70000, [0x83, 0x01, 0x11, 0x70]),
        ]
        for (length, header) in cases {
            let content = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
            let bytes = Self.encode(.octetString(content))
            #expect(Array(bytes[1..<(1 + header.count)]) == header, "length \(length)")
            #expect(bytes.count == 1 + header.count + length)
            #expect(try Self.decode(bytes) == .octetString(content))
            #expect(BERWriter.lengthOfLength(length) == header.count)
        }
    }

    @Test("malformed elements are rejected with a code, not a crash")
    func malformed() {
        let cases: [([UInt8], SNMPDecodingError.Code)] = [
            ([], .truncated),
            ([0x02], .truncated),
            ([0x02, 0x02, 0x01], .truncated),
            ([0x02, 0x00], .badValue),
            ([0x02, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 1], .badValue),
            ([0x04, 0x80, 0x00, 0x00], .badLength),
            ([0x04, 0x85, 0, 0, 0, 0, 1], .badLength),
            ([0x04, 0x84, 0xFF, 0xFF, 0xFF, 0xFF], .truncated),
            ([0x05, 0x01, 0x00], .badValue),
            ([0x06, 0x02, 0x2B, 0x81], .truncated),
            ([0x06, 0x07, 0x2B, 0x90, 0x80, 0x80, 0x80, 0x80, 0x00], .badValue),
            ([0x40, 0x03, 1, 2, 3], .badValue),
            ([0x41, 0x06, 0, 1, 0, 0, 0, 0], .badValue),
            ([0x46, 0x0A, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], .badValue),
            ([0x80, 0x01, 0x00], .badValue),
            ([0x1F, 0x01, 0x00], .unexpectedTag),
            ([0x47, 0x01, 0x00], .unexpectedTag),
        ]
        for (bytes, code) in cases {
            #expect(throws: SNMPDecodingError.self, "\(bytes)") { try Self.decode(bytes) }
            do throws(SNMPDecodingError) {
                _ = try Self.decode(bytes)
            } catch {
                #expect(error.code == code, "\(bytes): \(error)")
            }
        }
    }

    @Test("unsigned values tolerate the negative encodings some agents send")
    func lenientUnsigned() throws {
        #expect(try Self.decode([0x41, 0x01, 0xFF]) == .counter32(UInt32.max))
        #expect(try Self.decode([0x41, 0x04, 0xFF, 0xFF, 0xFF, 0xFE]) == .counter32(UInt32.max - 1))
        #expect(try Self.decode([0x46, 0x08, 0x80, 0, 0, 0, 0, 0, 0, 0]) == .counter64(1 << 63))
    }

    @Test("a 1-component OID encodes its only arc, an empty one as no content")
    func shortOIDs() throws {
        #expect(BERWriter.oidContent(OID([1])) == [40])
        #expect(BERWriter.oidContent(OID([])) == [])
        #expect(try Self.decode([0x06, 0x00]) == .objectIdentifier(OID([])))
        #expect(try Self.decode([0x06, 0x01, 0x50]) == .objectIdentifier("2.0"))
    }
}
