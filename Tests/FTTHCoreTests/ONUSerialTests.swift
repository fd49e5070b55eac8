import FTTHCore
import PropertyBased
import Testing

/// ONU serials: the vendor form the OLT prints and the 16-hex-digit form scanners read.
@Suite("ONU serial")
struct ONUSerialTests {
    @Test("the vendor form and the hex form of one serial are equal")
    func bothForms() throws {
        let vendor = try #require(ONUSerial("HWTC1A2B3C4D"))
        let hex = try #require(ONUSerial("485754431A2B3C4D"))
        #expect(vendor == hex)
        #expect(vendor.text == "HWTC1A2B3C4D")
        #expect(hex.text == "HWTC1A2B3C4D")
        #expect(vendor.description == "HWTC1A2B3C4D")
        #expect(vendor.hexForm == "485754431A2B3C4D")
        #expect(hex.hexForm == "485754431A2B3C4D")
    }

    @Test(
        "case and surrounding space do not matter",
        arguments: ["hwtc1a2b3c4d", " HWTC1A2B3C4D ", "485754431a2b3c4d", "\t485754431A2B3C4D\n", "HwTc1A2b3C4d"])
    func normalised(text: String) {
        #expect(ONUSerial(text)?.text == "HWTC1A2B3C4D")
    }

    @Test("a ZTE serial in both forms")
    func zte() {
        #expect(ONUSerial("ZTEGC0FFEE12")?.hexForm == "5A544547C0FFEE12")
        #expect(ONUSerial("5A544547c0ffee12")?.text == "ZTEGC0FFEE12")
    }

    @Test(
        "anything else is not a serial",
        arguments: [
            "", "HWTC1A2B3C4", "HWTC1A2B3C4DE", "HWT11A2B3C4D", "HWTC1A2B3C4G", "0000000000000000", "48575443ZZ2B3C4D",
            "ÄWTC1A2B3C4D", "HWTC 1A2B3C4D", "HWTC-1A2B3C4D", "485754431A2B3C4", "485754431A2B3C4D0",
            "3057544331A2B3C4",
            "ＨWTC1A2B3C4D",
        ])
    func invalid(text: String) {
        #expect(ONUSerial(text) == nil)
    }

    static let hexDigit = oneOf(Array("0123456789ABCDEFabcdef"))

    @Test("any vendor id and hex digits: both forms parse to the same serial, and the hex form round-trips")
    func roundTrip() async throws {
        await propertyCheck(input: Gen.letter.string(of: 4), Self.hexDigit.string(of: 8)) { vendor, digits in
            let serial = try #require(ONUSerial(vendor + digits))
            #expect(serial.text == (vendor + digits).uppercased())
            #expect(serial.hexForm.count == 16)
            #expect(ONUSerial(serial.hexForm) == serial)
            #expect(ONUSerial(serial.hexForm.lowercased()) == serial)
            #expect(ONUSerial(serial.text.lowercased()) == serial)
        }
    }

    @Test("fullwidth digits are not hex digits of a serial")
    func fullwidthDigits() {
        // Character.isHexDigit is true for fullwidth forms (U+FF10…), which a Chinese input method in
        // fullwidth mode types: no OLT knows such a serial, so it is refused.
        #expect(ONUSerial("HWTC１A2B3C4D") == nil)
        #expect(ONUSerial("485754431A2B3C4Ｄ") == nil)
    }
}
