import SNMPModel

/// An SNMPv3 message (RFC 3412 §6) with USM security parameters (RFC 3414 §2.4).
public struct SNMPv3Message: Sendable, Hashable {
    /// The msgFlags bits (RFC 3412 §6.4).
    public struct Flags: OptionSet, Sendable, Hashable {
        /// The msgFlags byte.
        public let rawValue: UInt8
        /// Creates flags from the msgFlags byte.
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// The message carries a digest.
        public static let authenticated = Flags(rawValue: 0x01)
        /// The scoped PDU is encrypted.
        public static let privacy = Flags(rawValue: 0x02)
        /// The receiver should answer a failure with a Report.
        public static let reportable = Flags(rawValue: 0x04)
    }

    /// The scoped PDU, in clear or encrypted.
    public enum ScopedPDUData: Sendable, Hashable {
        /// An unencrypted scoped PDU.
        case plaintext(SNMPScopedPDU)
        /// The ciphertext of a scoped PDU (AES-CFB with USM).
        case encrypted([UInt8])
    }

    /// The security model number of USM, the only one supported.
    public static let userBasedSecurityModel: Int32 = 3

    /// Matches a response or report to its request.
    public var messageID: Int32
    /// The largest message the sender can receive.
    public var maxSize: Int32
    /// Authentication, privacy and reportable bits.
    public var flags: Flags
    /// The USM security parameters.
    public var security: USMSecurityParameters
    /// The scoped PDU.
    public var data: ScopedPDUData

    /// Creates a message from its fields.
    public init(messageID: Int32, maxSize: Int32, flags: Flags, security: USMSecurityParameters, data: ScopedPDUData) {
        self.messageID = messageID
        self.maxSize = maxSize
        self.flags = flags
        self.security = security
        self.data = data
    }

    static func decode(afterVersion reader: inout BERReader) throws(SNMPDecodingError) -> (SNMPv3Message, Range<Int>) {
        var header = try reader.readConstructed("msgGlobalData")
        let messageID = try header.readInt32("msgID")
        let maxSize = try header.readInt32("msgMaxSize")
        let flagsOffset = header.position
        let flagBytes = try header.readOctetString("msgFlags")
        guard flagBytes.count == 1 else {
            throw SNMPDecodingError(
                .badValue, offset: flagsOffset, message: "msgFlags of \(flagBytes.count) bytes, not 1")
        }
        let modelOffset = header.position
        let model = try header.readInt32("msgSecurityModel")
        try header.expectEnd("msgGlobalData")
        guard model == userBasedSecurityModel else {
            throw SNMPDecodingError(
                .unsupportedSecurityModel, offset: modelOffset, message: "security model \(model) is not USM (3)")
        }
        let parametersRange = try reader.read(tag: BERTag.octetString, "msgSecurityParameters")
        var parametersReader = reader.subReader(parametersRange)
        let (security, authRange) = try USMSecurityParameters.decode(from: &parametersReader)
        let dataOffset = reader.position
        let data: ScopedPDUData
        switch try reader.peekTag() {
        case BERTag.sequence: data = .plaintext(try SNMPScopedPDU.decode(from: &reader))
        case BERTag.octetString: data = .encrypted(try reader.readOctetString("encryptedPDU"))
        case let tag:
            throw SNMPDecodingError(.unexpectedTag, offset: dataOffset, message: "msgData with tag 0x\(hex(tag))")
        }
        try reader.expectEnd("message")
        let message = SNMPv3Message(
            messageID: messageID, maxSize: maxSize, flags: Flags(rawValue: flagBytes[0]), security: security, data: data
        )
        return (message, authRange)
    }

    /// The encoded message and the offset of the authentication parameters' content in it.
    func encodedWithAuthOffset() -> (bytes: [UInt8], authOffset: Int) {
        var head = BERWriter()
        head.writeInteger(3)
        head.writeConstructed { global in
            global.writeInteger(Int64(messageID))
            global.writeInteger(Int64(maxSize))
            global.writeOctetString([flags.rawValue])
            global.writeInteger(Int64(Self.userBasedSecurityModel))
        }
        let (parameters, authInParameters) = security.encodedWithAuthOffset()
        let authInBody = head.bytes.count + 1 + BERWriter.lengthOfLength(parameters.count) + authInParameters
        var body = head
        body.writeOctetString(parameters)
        switch data {
        case .plaintext(let scoped): scoped.encode(into: &body)
        case .encrypted(let ciphertext): body.writeOctetString(ciphertext)
        }
        var writer = BERWriter()
        writer.writeElement(tag: BERTag.sequence, content: body.bytes)
        return (writer.bytes, 1 + BERWriter.lengthOfLength(body.bytes.count) + authInBody)
    }
}

/// The USM security parameters of a v3 message (RFC 3414 §2.4, UsmSecurityParameters).
public struct USMSecurityParameters: Sendable, Hashable {
    /// The snmpEngineID of the authoritative engine (the agent, for requests).
    public var engineID: [UInt8]
    /// snmpEngineBoots of the authoritative engine.
    public var engineBoots: Int32
    /// snmpEngineTime of the authoritative engine, in seconds.
    public var engineTime: Int32
    /// The USM user name.
    public var userName: [UInt8]
    /// The truncated HMAC (12 bytes for MD5/SHA-1, 24 for SHA-256), or empty.
    public var authenticationParameters: [UInt8]
    /// The privacy salt (8 bytes for AES), or empty.
    public var privacyParameters: [UInt8]

    /// Creates parameters from their fields.
    public init(
        engineID: [UInt8], engineBoots: Int32, engineTime: Int32, userName: [UInt8],
        authenticationParameters: [UInt8] = [], privacyParameters: [UInt8] = []
    ) {
        self.engineID = engineID
        self.engineBoots = engineBoots
        self.engineTime = engineTime
        self.userName = userName
        self.authenticationParameters = authenticationParameters
        self.privacyParameters = privacyParameters
    }

    static func decode(from reader: inout BERReader) throws(SNMPDecodingError) -> (Self, Range<Int>) {
        var body = try reader.readConstructed("UsmSecurityParameters")
        try reader.expectEnd("msgSecurityParameters")
        let engineID = try body.readOctetString("msgAuthoritativeEngineID")
        let boots = try body.readInt32("msgAuthoritativeEngineBoots")
        let time = try body.readInt32("msgAuthoritativeEngineTime")
        let user = try body.readOctetString("msgUserName")
        let authRange = try body.read(tag: BERTag.octetString, "msgAuthenticationParameters")
        let priv = try body.readOctetString("msgPrivacyParameters")
        try body.expectEnd("UsmSecurityParameters")
        let parameters = USMSecurityParameters(
            engineID: engineID, engineBoots: boots, engineTime: time, userName: user,
            authenticationParameters: Array(body.bytes[authRange]), privacyParameters: priv)
        return (parameters, authRange)
    }

    func encodedWithAuthOffset() -> (bytes: [UInt8], authOffset: Int) {
        var body = BERWriter()
        body.writeOctetString(engineID)
        body.writeInteger(Int64(engineBoots))
        body.writeInteger(Int64(engineTime))
        body.writeOctetString(userName)
        let authInBody = body.bytes.count + 1 + BERWriter.lengthOfLength(authenticationParameters.count)
        body.writeOctetString(authenticationParameters)
        body.writeOctetString(privacyParameters)
        var writer = BERWriter()
        writer.writeElement(tag: BERTag.sequence, content: body.bytes)
        return (writer.bytes, 1 + BERWriter.lengthOfLength(body.bytes.count) + authInBody)
    }
}

/// A scoped PDU (RFC 3412 §6.8): the context and the PDU.
public struct SNMPScopedPDU: Sendable, Hashable {
    /// The engine that holds the context (the agent's engine ID).
    public var contextEngineID: [UInt8]
    /// The context name; empty for the default context.
    public var contextName: [UInt8]
    /// The PDU.
    public var pdu: SNMPPDU

    /// Creates a scoped PDU.
    public init(contextEngineID: [UInt8], contextName: [UInt8], pdu: SNMPPDU) {
        self.contextEngineID = contextEngineID
        self.contextName = contextName
        self.pdu = pdu
    }

    func encode(into writer: inout BERWriter) {
        writer.writeConstructed { body in
            body.writeOctetString(contextEngineID)
            body.writeOctetString(contextName)
            pdu.encode(into: &body)
        }
    }

    func encoded() -> [UInt8] {
        var writer = BERWriter()
        encode(into: &writer)
        return writer.bytes
    }

    static func decode(from reader: inout BERReader) throws(SNMPDecodingError) -> SNMPScopedPDU {
        var body = try reader.readConstructed("ScopedPDU")
        let engineID = try body.readOctetString("contextEngineID")
        let name = try body.readOctetString("contextName")
        let pdu = try SNMPPDU.decode(from: &body)
        try body.expectEnd("ScopedPDU")
        return SNMPScopedPDU(contextEngineID: engineID, contextName: name, pdu: pdu)
    }

    /// Decodes a decrypted scoped PDU. AES-CFB adds no padding, but other stacks' ciphers may
    /// leave bytes after the sequence, which RFC 3414 says to ignore.
    static func decode(decrypted bytes: [UInt8]) throws(SNMPDecodingError) -> SNMPScopedPDU {
        var reader = BERReader(bytes)
        return try decode(from: &reader)
    }
}
