/// Why a datagram is not a well-formed SNMP message. The agent drops such a datagram and counts
/// it; a caller of ``SNMPMessage/init(decoding:)`` can match on ``code``.
public struct SNMPDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of malformed input.
    public enum Code: String, Sendable, Hashable {
        /// The input ends inside an element.
        case truncated = "snmp.decode.truncated"
        /// A length field is indefinite, too long or larger than its container.
        case badLength = "snmp.decode.bad_length"
        /// An element has a tag other than the one the SNMP grammar expects here.
        case unexpectedTag = "snmp.decode.unexpected_tag"
        /// An element's content is not valid for its type (an INTEGER too large, an IpAddress not 4 bytes).
        case badValue = "snmp.decode.bad_value"
        /// The message's version field is not 0 (v1), 1 (v2c) or 3 (v3).
        case unsupportedVersion = "snmp.decode.unsupported_version"
        /// An SNMPv3 message uses a security model other than USM (3).
        case unsupportedSecurityModel = "snmp.decode.unsupported_security_model"
        /// Bytes remain after the end of the message or of a constructed element.
        case trailingBytes = "snmp.decode.trailing_bytes"
    }

    /// What is wrong.
    public var code: Code
    /// The byte offset in the input where the problem was found.
    public var offset: Int
    /// A sentence saying what is wrong.
    public var message: String

    /// Creates an error with a code, the offset of the problem and a sentence.
    public init(_ code: Code, offset: Int, message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    /// The message with the offset of the problem.
    public var description: String { "malformed SNMP message at byte \(offset): \(message)" }
}
