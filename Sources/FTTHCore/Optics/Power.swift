/// An optical power in dBm, held as an integer number of hundredths so that comparisons at a
/// limit are exact: `-20.00` is never `-20.000000001`.
public struct DBm: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Hundredths of a dBm.
    public var centi: Int

    /// Creates a power from hundredths of a dBm.
    public init(centi: Int) { self.centi = centi }

    /// Creates a power from a value in dBm, rounded to the nearest 0.01 dBm.
    public init(_ value: Double) { self.centi = Int((value * 100).rounded()) }

    /// The value in dBm.
    public var value: Double { Double(centi) / 100 }

    public static func < (lhs: DBm, rhs: DBm) -> Bool { lhs.centi < rhs.centi }

    /// The difference of two powers is a loss in dB, not a power.
    public static func - (lhs: DBm, rhs: DBm) -> Decibels { Decibels(centi: lhs.centi - rhs.centi) }

    /// `-21.40`: the number alone, two decimals, for tables and JSON.
    public var decimalString: String { CentiFormat.string(centi) }

    /// `-21.40 dBm`
    public var description: String { "\(CentiFormat.string(centi)) dBm" }
}

/// A ratio in dB (attenuation, loss, margin), held in hundredths like ``DBm``.
public struct Decibels: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Hundredths of a dB.
    public var centi: Int

    /// Creates a ratio from hundredths of a dB.
    public init(centi: Int) { self.centi = centi }

    /// Creates a ratio from a value in dB, rounded to the nearest 0.01 dB.
    public init(_ value: Double) { self.centi = Int((value * 100).rounded()) }

    /// The value in dB.
    public var value: Double { Double(centi) / 100 }

    public static func < (lhs: Decibels, rhs: Decibels) -> Bool { lhs.centi < rhs.centi }

    /// How far one ratio exceeds another (a margin), in dB.
    public static func - (lhs: Decibels, rhs: Decibels) -> Decibels { Decibels(centi: lhs.centi - rhs.centi) }

    /// `23.80`: the number alone, two decimals, for tables and JSON.
    public var decimalString: String { CentiFormat.string(centi) }

    /// `23.80 dB`
    public var description: String { "\(CentiFormat.string(centi)) dB" }
}

/// Formats hundredths with exactly two decimals, without going through floating point.
enum CentiFormat {
    static func string(_ centi: Int) -> String {
        let sign = centi < 0 ? "-" : ""
        let magnitude = centi.magnitude
        let whole = magnitude / 100
        let fraction = magnitude % 100
        return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// Parses a decimal number such as `-21.4`, `+3.125` or `5` into hundredths, rounding half away
    /// from zero. Returns nil for anything else (exponents, several dots, trailing text).
    static func parse(_ text: Substring) -> Int? {
        var chars = text[...]
        var negative = false
        if let first = chars.first, first == "-" || first == "+" || first == "\u{2212}" {
            negative = first != "+"
            chars = chars.dropFirst()
        }
        guard !chars.isEmpty else { return nil }
        var whole = 0
        var fractionDigits: [Int] = []
        var seenDot = false
        var digitCount = 0
        for c in chars {
            if c == "." {
                if seenDot { return nil }
                seenDot = true
                continue
            }
            guard let d = c.wholeNumberValue, c.isASCII else { return nil }
            digitCount += 1
            if seenDot {
                fractionDigits.append(d)
            } else {
                // Refuse absurd magnitudes rather than overflow.
                guard whole < 100_000_000_000 else { return nil }
                whole = whole * 10 + d
            }
        }
        guard digitCount > 0 else { return nil }
        var centi = whole * 100
        if fractionDigits.count > 0 { centi += fractionDigits[0] * 10 }
        if fractionDigits.count > 1 { centi += fractionDigits[1] }
        if fractionDigits.count > 2, fractionDigits[2] >= 5 { centi += 1 }
        return negative ? -centi : centi
    }
}
