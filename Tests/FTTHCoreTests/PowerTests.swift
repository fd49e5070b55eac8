import Foundation
import PropertyBased
import Testing

@testable import FTTHCore

/// `DBm` and `Decibels`: exact hundredths, formatting without floating point.
@Suite("DBm and Decibels")
struct PowerTests {
    @Test(
        "DBm formats with exactly two decimals",
        arguments: [
            (-2140, "-21.40 dBm"), (-2000, "-20.00 dBm"), (5, "0.05 dBm"), (-5, "-0.05 dBm"), (0, "0.00 dBm"),
            (150, "1.50 dBm"), (-50, "-0.50 dBm"), (-800, "-8.00 dBm"), (1, "0.01 dBm"), (-99, "-0.99 dBm"),
            (123_456, "1234.56 dBm"),
        ])
    func dBmDescription(centi: Int, expected: String) {
        #expect(DBm(centi: centi).description == expected)
        #expect(DBm(centi: centi).decimalString + " dBm" == expected)
    }

    @Test(
        "Decibels formats with exactly two decimals",
        arguments: [
            (2380, "23.80 dB"), (5, "0.05 dB"), (-5, "-0.05 dB"), (0, "0.00 dB"), (2800, "28.00 dB"),
            (-140, "-1.40 dB"),
        ])
    func decibelsDescription(centi: Int, expected: String) {
        #expect(Decibels(centi: centi).description == expected)
        #expect(Decibels(centi: centi).decimalString + " dB" == expected)
    }

    @Test("Double initialisers round to the nearest hundredth")
    func doubleInitialisers() {
        #expect(DBm(-21.4).centi == -2140)
        #expect(DBm(-20).centi == -2000)
        #expect(DBm(1.5).centi == 150)
        #expect(DBm(-21.404).centi == -2140)
        #expect(DBm(-21.406).centi == -2141)
        #expect(Decibels(10.5).centi == 1050)
        #expect(Decibels(0.05).centi == 5)
        #expect(Decibels(-0.05).centi == -5)
        #expect(DBm(centi: -2140).value == -21.4)
        #expect(Decibels(centi: 2380).value == 23.8)
    }

    @Test("the difference of two powers is a loss in dB, exact in hundredths")
    func powerDifference() {
        let loss: Decibels = DBm(centi: 300) - DBm(centi: -2140)
        #expect(loss == Decibels(centi: 2440))
        #expect(loss.description == "24.40 dB")
        #expect(Decibels(centi: 2440) - Decibels(centi: 2800) == Decibels(centi: -360))
        // 0.1 + 0.2 style drift cannot happen: hundredths stay integers.
        #expect(DBm(-20.1) - DBm(-20.3) == Decibels(centi: 20))
    }

    @Test("ordering follows the hundredths")
    func ordering() {
        #expect(DBm(centi: -2001) < DBm(centi: -2000))
        #expect(!(DBm(-20) < DBm(-20)))
        #expect(Decibels(centi: 2800) > Decibels(centi: 2799))
        #expect(
            [DBm(centi: 5), DBm(centi: -5), DBm(centi: 0)].sorted() == [DBm(centi: -5), DBm(centi: 0), DBm(centi: 5)])
    }

    @Test("formatting round-trips through the parser for any hundredths")
    func formatParseRoundTrip() async {
        await propertyCheck(input: Gen.int(in: -100_000_000...100_000_000)) { centi in
            let text = CentiFormat.string(centi)
            #expect(CentiFormat.parse(Substring(text)) == centi)
            // Exactly two decimals, and a sign only for negative values.
            let parts = text.split(separator: ".")
            #expect(parts.count == 2)
            #expect(parts.last?.count == 2)
            #expect(text.hasPrefix("-") == (centi < 0))
        }
    }

    @Test("descriptions carry the unit, and DBm and Decibels of the same hundredths share the number")
    func descriptionsShareTheNumber() async {
        await propertyCheck(input: Gen.int(in: -1_000_000...1_000_000)) { centi in
            let p = DBm(centi: centi).description
            let d = Decibels(centi: centi).description
            #expect(p.hasSuffix(" dBm"))
            #expect(d.hasSuffix(" dB"))
            #expect(p.dropLast(4) == d.dropLast(3))
        }
    }

    @Test("arithmetic is the exact integer difference")
    func arithmeticIsExact() async {
        await propertyCheck(input: Gen.int(in: -1_000_000...1_000_000), Gen.int(in: -1_000_000...1_000_000)) { a, b in
            #expect((DBm(centi: a) - DBm(centi: b)).centi == a - b)
            #expect((Decibels(centi: a) - Decibels(centi: b)).centi == a - b)
            #expect((DBm(centi: a) < DBm(centi: b)) == (a < b))
            #expect((Decibels(centi: a) < Decibels(centi: b)) == (a < b))
        }
    }

    @Test("a value in dBm given as a Double comes back as the same hundredths")
    func doubleRoundTrip() async {
        await propertyCheck(input: Gen.int(in: -10_000_000...10_000_000)) { centi in
            #expect(DBm(Double(centi) / 100).centi == centi)
            #expect(Decibels(Double(centi) / 100).centi == centi)
        }
    }

    @Test(
        "parsing rounds the third decimal half away from zero",
        arguments: [
            ("-21.4", -2140), ("-21.40", -2140), ("+3.125", 313), ("3.124", 312), ("5", 500), ("-20.005", -2001),
            ("-20.004", -2000), ("0.995", 100), ("-0.995", -100), ("-0.004", 0), ("1.23456", 123), ("-1.23956", -124),
            (".5", 50), ("7.", 700), ("\u{2212}21.40", -2140),
        ])
    func parseRounding(text: String, centi: Int) {
        #expect(CentiFormat.parse(Substring(text)) == centi)
    }

    @Test(
        "the number parser refuses anything but a plain decimal",
        arguments: ["", "-", "+", ".", "1.2.3", "1e5", "--5", "5-", "abc", "１２", "1,5", " 5"])
    func parseRefuses(text: String) {
        #expect(CentiFormat.parse(Substring(text)) == nil)
    }

    @Test("Codable keeps the hundredths")
    func codable() throws {
        let data = try JSONEncoder().encode([DBm(centi: -2140)])
        #expect(try JSONDecoder().decode([DBm].self, from: data) == [DBm(centi: -2140)])
        let loss = try JSONDecoder().decode(Decibels.self, from: JSONEncoder().encode(Decibels(centi: 2440)))
        #expect(loss == Decibels(centi: 2440))
    }
}
