import FTTHCore
import Foundation
import PropertyBased
import Testing

/// `PowerReading(parsingDBm:)`: values, vendor sentinels, garbled and implausible text.
@Suite("PowerReading parsing")
struct PowerReadingTests {
    @Test(
        "values as OLTs and ONUs print them",
        arguments: [
            ("-21.40", -2140),
            ("\u{2212}21.40", -2140),  // U+2212 MINUS SIGN, as in copied documentation
            ("-13.47, out of range[-35.00, -15.00]", -1347),  // ZTE detail view
            ("-20.241(dbm)", -2024),
            ("  -21.4\t", -2140),
            ("-14.61 dBm", -1461),
            ("+3.125", 313),
            ("2.5", 250),
            ("0", 0),
            ("-20.005", -2001),
            ("-20.004", -2000),
            ("10", 1000),  // top of the plausible range
            ("-50", -5000),  // bottom of the plausible range
            ("-50.004", -5000),  // rounds onto the bound
        ])
    func values(text: String, centi: Int) {
        let reading = PowerReading(parsingDBm: text)
        #expect(reading == .dBm(DBm(centi: centi)))
        #expect(reading.value == DBm(centi: centi))
    }

    @Test(
        "vendor sentinels are no reading, with the raw text kept",
        arguments: [
            ("-/-", "-/-"), ("N/A", "N/A"), ("n/a", "n/a"), ("NA", "NA"), ("no signal", "no signal"),
            ("No Signal", "No Signal"), ("2147483647", "2147483647"), ("-2147483648", "-2147483648"),
            ("65535", "65535"), ("-80000", "-80000"), ("-80.000", "-80.000"), ("--", "--"), ("-", "-"),
            ("null", "null"), (" -/- ", "-/-"),
        ])
    func sentinels(text: String, raw: String) {
        let reading = PowerReading(parsingDBm: text)
        #expect(reading == .missing(.sentinel, raw: raw))
        #expect(reading.value == nil)
    }

    @Test("empty text is an absent reading without raw text", arguments: ["", "   ", "\t\n"])
    func absent(text: String) {
        #expect(PowerReading(parsingDBm: text) == .missing(.absent))
    }

    @Test(
        "text that is not a number is garbled, with the raw text kept",
        arguments: ["abc", "+", ".", "1.2.3", "--5", "1-2", "-21.40-", "１２", "dBm -21.40", "\u{2212}", "- 21.40"])
    func garbled(text: String) {
        let reading = PowerReading(parsingDBm: text)
        #expect(reading == .missing(.garbled, raw: text.trimmingCharacters(in: .whitespaces)))
        #expect(reading.value == nil)
    }

    @Test(
        "numbers outside -50…+10 dBm are out of range, with the raw text kept",
        arguments: ["-60", "10.01", "-50.01", "65536", "2147483646", "-80.00"])
    func outOfRange(text: String) {
        let reading = PowerReading(parsingDBm: text)
        #expect(reading == .missing(.outOfRange, raw: text))
        #expect(reading.value == nil)
    }

    @Test("the description of a missing value says why and shows the raw text")
    func noReadingDescription() {
        #expect(NoReading(cause: .absent).description == "no reading")
        #expect(
            NoReading(cause: .sentinel, raw: "65535").description
                == "no reading (device reported no value), raw \"65535\"")
        #expect(NoReading(cause: .outOfRange, raw: "-60").description == "no reading (value out of range), raw \"-60\"")
        #expect(NoReading(cause: .garbled, raw: "abc").description == "no reading (unreadable value), raw \"abc\"")
        #expect(NoReading(cause: .onuOffline).description == "no reading (ONU offline)")
        #expect(NoReading(cause: .sentinel, raw: "").description == "no reading (device reported no value)")
    }

    @Test("any plausible value printed with two decimals parses back exactly")
    func plausibleRoundTrip() async {
        await propertyCheck(input: Gen.int(in: -5000...1000), Gen.bool) { centi, unicodeMinus in
            var text = DBm(centi: centi).description
            text.removeLast(4)  // " dBm"
            if unicodeMinus { text = text.replacingOccurrences(of: "-", with: "\u{2212}") }
            #expect(PowerReading(parsingDBm: text) == .dBm(DBm(centi: centi)))
            // Trailing text a detail view appends does not change the value.
            #expect(PowerReading(parsingDBm: text + ", out of range[-35.00, -15.00]") == .dBm(DBm(centi: centi)))
            #expect(PowerReading(parsingDBm: text + "(dbm)") == .dBm(DBm(centi: centi)))
        }
    }

    @Test("any implausible number is out of range, never a value")
    func implausibleNeverAValue() async {
        let outside = Gen.int(in: -10_000_000...(-5001))
        let above = Gen.int(in: 1001...10_000_000)
        await propertyCheck(input: outside, above, Gen.bool) { low, high, pickLow in
            let centi = pickLow ? low : high
            let text = DBm(centi: centi).description.replacingOccurrences(of: " dBm", with: "")
            #expect(PowerReading(parsingDBm: text) == .missing(.outOfRange, raw: text))
        }
    }

    @Test("random text never throws and is either a plausible value or a reading with its raw text")
    func randomTextIsTotal() async {
        let chars = oneOf(Array("0123456789.-+\u{2212} ,()abcdN/AnoE中"))
        await propertyCheck(count: 300, input: chars.string(of: 0...12)) { text in
            switch PowerReading(parsingDBm: text) {
            case .dBm(let v):
                #expect(PowerReading.plausibleRange.contains(v))
            case .noReading(let n):
                if n.cause == .absent {
                    #expect(text.trimmingCharacters(in: .whitespaces).isEmpty)
                } else {
                    #expect(n.raw == text.trimmingCharacters(in: .whitespaces))
                }
            }
        }
    }

    @Test("readings survive a Codable round trip")
    func codable() throws {
        let values: [PowerReading] = [
            .dBm(DBm(centi: -2140)), .missing(.sentinel, raw: "2147483647"), .missing(.absent), .missing(.onuOffline),
        ]
        let decoded = try JSONDecoder().decode([PowerReading].self, from: JSONEncoder().encode(values))
        #expect(decoded == values)
    }

    @Test("a value in another unit is not taken for dBm")
    func otherUnitsAreNotDBm() {
        // V-SOL prints `0.03 mW (-14.61 dBm)`; an exponent is another way to print a number. Neither is a
        // plain dBm value: both are "no reading" with the raw text kept, never a wrong number.
        let vsol = PowerReading(parsingDBm: "0.03 mW (-14.61 dBm)")
        #expect(vsol == .missing(.garbled, raw: "0.03 mW (-14.61 dBm)"))
        let exponent = PowerReading(parsingDBm: "-2.1e1")
        #expect(exponent == .missing(.garbled, raw: "-2.1e1"))

    }
}
