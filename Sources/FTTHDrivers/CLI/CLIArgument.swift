import FTTHCore

/// Checks every value before it is placed in a command line, so that nothing unsafe reaches an
/// OLT: a name with a newline, a quote or a control character is refused before a byte is sent.
/// Each refusal is an ``OLTDriverError`` with code `invalidInput` naming the value and the rule.
struct CLIArgument {
    /// The driver's description, for the error.
    let olt: String

    func refuse(_ what: String, _ value: String, _ rule: String) -> OLTDriverError {
        OLTDriverError(
            .invalidInput, olt: olt,
            message: "\(what) \(Self.quoted(value)) cannot be sent to the OLT: \(rule); nothing was sent")
    }

    /// The value as it may be printed in a message: control characters shown as escapes.
    static func quoted(_ value: String) -> String {
        "\""
            + value.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }
            .joined() + "\""
    }

    static func isWordCharacter(_ c: Unicode.Scalar) -> Bool {
        c.isASCII
            && (("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "-"
                || c == "_" || c == ".")
    }

    /// An ONU name: 1…`maximumLength` characters of letters, digits, `-`, `_`, `.`.
    func name(_ value: String, maximumLength: Int) throws -> String {
        try word("ONU name", value, maximumLength: maximumLength)
    }

    /// A line or service profile name (ZTE: the ONU type and T-CONT profile).
    func profile(_ what: String, _ value: String) throws -> String {
        try word(what, value, maximumLength: 32)
    }

    func word(_ what: String, _ value: String, maximumLength: Int) throws -> String {
        guard !value.isEmpty else { throw refuse(what, value, "it is empty") }
        guard value.unicodeScalars.count <= maximumLength else {
            throw refuse(what, value, "it is longer than \(maximumLength) characters")
        }
        guard value.unicodeScalars.allSatisfy(Self.isWordCharacter) else {
            throw refuse(what, value, "only letters, digits, '-', '_' and '.' are allowed")
        }
        return value
    }

    /// An ONU password or LOID: 1…`maximumLength` letters and digits.
    func password(_ value: String, maximumLength: Int) throws -> String {
        guard !value.isEmpty, value.unicodeScalars.count <= maximumLength,
            value.unicodeScalars.allSatisfy({
                $0.isASCII && (("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0))
            })
        else {
            // The password is a secret: the message says what is wrong with it, never what it is.
            throw OLTDriverError(
                .invalidInput, olt: olt,
                message:
                    "an ONU password of \(value.unicodeScalars.count) character(s) cannot be sent to the OLT: it must be 1 to \(maximumLength) letters and digits; nothing was sent"
            )
        }
        return value
    }

    /// A VLAN id, already range-checked by ``VLANID``.
    func vlan(_ value: VLANID) -> String { String(value.value) }

    /// An ONU id within the dialect's range.
    func onuID(_ value: Int, range: ClosedRange<Int>) throws -> Int {
        guard range.contains(value) else {
            throw refuse("ONU id", String(value), "it must be within \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    /// A PON address within frame 0…7, slot 0…31, port 0…127.
    func pon(_ value: PONAddress) throws -> PONAddress {
        guard (0...7).contains(value.frame), (0...31).contains(value.slot), (0...127).contains(value.port) else {
            throw refuse("PON port", "\(value)", "frame must be 0…7, slot 0…31 and port 0…127")
        }
        return value
    }
}
