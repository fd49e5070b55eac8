/// One power as read from an OLT or an ONU: a value, or "no reading". A missing value is never a
/// number: a vendor sentinel or a garbled value becomes ``noReading(_:)`` and keeps the raw text.
public enum PowerReading: Sendable, Hashable, Codable {
    case dBm(DBm)
    case noReading(NoReading)

    /// The value, when there is one.
    public var value: DBm? {
        if case .dBm(let v) = self { return v }
        return nil
    }

    /// A reading with no value, with the cause and the raw text the device gave.
    public static func missing(_ cause: NoReading.Cause, raw: String? = nil) -> PowerReading {
        .noReading(NoReading(cause: cause, raw: raw))
    }
}

/// Why a power has no value.
public struct NoReading: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The kinds of missing value seen on real devices.
    public enum Cause: String, Sendable, Hashable, Codable {
        /// Nothing was given (an empty cell, a value the device did not report).
        case absent
        /// A vendor's "no value" sentinel (2147483647, 65535, -80000, `-/-`, `N/A`, `no signal`).
        case sentinel
        /// The value decodes outside the physically plausible range.
        case outOfRange = "out_of_range"
        /// The text is not a number.
        case garbled
        /// The ONU is offline, so its optics are stale or sentinels.
        case onuOffline = "onu_offline"
        /// The OLT refused to read this ONU's optics; `raw` holds its words.
        case refused
    }

    public var cause: Cause
    /// What the device printed or returned, kept for the engineer reading the record.
    public var raw: String?

    public init(cause: Cause, raw: String? = nil) {
        self.cause = cause
        self.raw = raw
    }

    public var description: String {
        let what: String
        switch cause {
        case .absent: what = "no reading"
        case .sentinel: what = "no reading (device reported no value)"
        case .outOfRange: what = "no reading (value out of range)"
        case .garbled: what = "no reading (unreadable value)"
        case .onuOffline: what = "no reading (ONU offline)"
        case .refused: what = "no reading (the OLT refused to read it)"
        }
        if let raw, !raw.isEmpty {
            return cause == .refused ? "\(what): \(raw)" : "\(what), raw \"\(raw)\""
        }
        return what
    }
}

extension PowerReading {
    /// The range a real optical power can take; anything outside is a decoding problem or a
    /// sentinel, not a measurement.
    public static let plausibleRange = DBm(-50)...DBm(10)

    /// Text sentinels that vendors print instead of a value.
    static let textSentinels: Set<String> = ["-/-", "n/a", "na", "no signal", "nosignal", "-", "--", "null"]
    /// Numeric sentinels (raw integers) that vendors return instead of a value.
    static let numericSentinels: Set<String> = ["2147483647", "-2147483648", "65535", "-80000", "-80.000"]

    /// Parses a power printed in dBm (`-21.40`, `-13.47, out of range[-35.00, -15.00]`, `-/-`).
    /// Never throws: what is not a plausible value becomes ``noReading(_:)`` with the raw text.
    public init(parsingDBm text: String) {
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty {
            self = .missing(.absent)
            return
        }
        if Self.textSentinels.contains(trimmed.lowercased()) || Self.numericSentinels.contains(trimmed) {
            self = .missing(.sentinel, raw: trimmed)
            return
        }
        // Detail views append text after the value: `-13.47, out of range[-35.00, -15.00]` or
        // `-20.241(dbm)`. Take the leading number only.
        let numberEnd = trimmed.firstIndex { !($0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "\u{2212}") }
        let numberText = trimmed[..<(numberEnd ?? trimmed.endIndex)]
        let rest = String(trimmed[(numberEnd ?? trimmed.endIndex)...]).trimmingWhitespace().lowercased()
        // Anything else after the number (`mW`, an exponent) means it is not a dBm value.
        let knownSuffix =
            rest.isEmpty || rest == "dbm" || rest == "(dbm)" || rest.hasPrefix(",") || rest.hasPrefix("(dbm)")
            || rest.hasPrefix("dbm,") || rest.hasPrefix("out of range")
        guard knownSuffix, let centi = CentiFormat.parse(numberText) else {
            self = .missing(.garbled, raw: trimmed)
            return
        }
        let value = DBm(centi: centi)
        guard Self.plausibleRange.contains(value) else {
            self = .missing(.outOfRange, raw: trimmed)
            return
        }
        self = .dBm(value)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
