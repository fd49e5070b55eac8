/// How a test ONU authenticates on its OLT: by the test ONT's serial (the default), or by a
/// password (LOID password) that the crew sets on the test ONT.
public enum ONUAuthentication: String, Sendable, Hashable, Codable, CaseIterable {
    case serial
    case password
}

/// Why a password rule cannot be used.
public struct ONUPasswordRuleError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var code: String { "password.invalid_rule" }
    public var description: String { message }
}

/// How a port's test ONU password is made: `length` characters drawn at random from
/// `alphabet`. The password is per port, kept with the port and shown to the crew on the
/// activation list; it is never logged. Digits by default: every ONT's keypad or web page
/// takes them, and both vendors' CLIs take them unquoted.
public struct ONUPasswordRule: Sendable, Hashable {
    /// The characters a password is drawn from.
    public enum Alphabet: String, Sendable, Hashable, CaseIterable {
        case digits
        /// Digits and lower-case letters without the look-alikes `0 1 l o`, so a crew reading
        /// from a phone in sunlight types what it sees.
        case alphanumeric

        var characters: [Character] {
            switch self {
            case .digits: Array("0123456789")
            case .alphanumeric: Array("23456789abcdefghijkmnpqrstuvwxyz")
            }
        }
    }

    public var length: Int
    public var alphabet: Alphabet

    /// A rule; throws when `length` cannot make a usable password (fewer than 6 characters, or
    /// more than the shortest limit among `dialects`, so that every OLT it applies to takes it).
    public init(length: Int = 10, alphabet: Alphabet = .digits, dialects: [VendorDialect] = VendorDialect.allCases)
        throws
    {
        let limit = dialects.map(\.maxONUPasswordLength).min() ?? length
        guard length >= 6 else {
            throw ONUPasswordRuleError(
                message: "a password of \(length) characters is too easy to guess; use 6 or more")
        }
        guard length <= limit else {
            let short = dialects.filter { $0.maxONUPasswordLength == limit }.map(\.rawValue).joined(separator: ", ")
            throw ONUPasswordRuleError(
                message:
                    "a password of \(length) characters is longer than \(short) accepts (\(limit)); use \(limit) or fewer"
            )
        }
        self.length = length
        self.alphabet = alphabet
    }

    /// Ten digits: fits every dialect (Huawei takes 10 characters, ZTE 24).
    public static let standard = ONUPasswordRule(checkedLength: 10, alphabet: .digits)

    init(checkedLength: Int, alphabet: Alphabet) {
        length = checkedLength
        self.alphabet = alphabet
    }

    /// A new password, drawn with `generator`.
    public func generate(using generator: inout some RandomNumberGenerator) -> String {
        let characters = alphabet.characters
        return String((0..<length).map { _ in characters.randomElement(using: &generator)! })
    }
}
