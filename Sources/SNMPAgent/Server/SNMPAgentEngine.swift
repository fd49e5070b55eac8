import SNMPModel
import Synchronization

/// The agent's protocol logic without I/O: turns a received datagram into nothing (dropped and
/// counted), a ready Report, or a request to run against the view, and a request into the
/// encoded response. ``SNMPAgentServer`` feeds it datagrams; tests can feed it bytes directly.
final class SNMPAgentEngine: Sendable {
    /// What may be done with a request.
    enum Access: Sendable, Hashable {
        case readOnly
        case readWrite
        /// The v3 request's security level is below the user's: every PDU gets authorizationError.
        case denied
    }

    /// A v3 user with its keys localized to this engine.
    struct LocalUser: Sendable {
        let name: [UInt8]
        let auth: USMAuthentication?
        let authKey: [UInt8]
        /// The AES-128 key, when the user has privacy.
        let privacyKey: [UInt8]?
        let access: SNMPAgentConfiguration.Access

        /// The lowest security level this user accepts.
        var minimumFlags: SNMPv3Message.Flags {
            privacyKey != nil ? [.authenticated, .privacy] : auth != nil ? [.authenticated] : []
        }
    }

    /// How to wrap a response: the request's version and security.
    enum Envelope: Sendable {
        case community(SNMPVersion, community: [UInt8])
        case v3(messageID: Int32, userName: [UInt8], user: LocalUser, flags: SNMPv3Message.Flags, contextName: [UInt8])
    }

    /// A well-formed, authenticated request to run against the view.
    struct Request: Sendable {
        let pdu: SNMPPDU
        let version: SNMPVersion
        let context: String
        let access: Access
        /// The largest response this request may get.
        let responseLimit: Int
        let envelope: Envelope
    }

    /// Bytes to send and what they are, for the counters.
    struct Reply: Sendable {
        enum Kind: Sendable { case response, report }
        let bytes: [UInt8]
        let kind: Kind
    }

    /// The outcome of receiving a datagram.
    enum Intake: Sendable {
        case drop
        case reply(Reply)
        case request(Request)
    }

    let view: any MIBView
    let engineID: [UInt8]
    let engineBoots: Int32
    let maxMessageSize: Int
    let versions: Set<SNMPVersion>
    let communities: [[UInt8]: SNMPAgentConfiguration.Access]
    let users: [[UInt8]: LocalUser]
    let counters: SNMPAgentCounters
    let elapsed: @Sendable () -> Duration
    /// The next AES salt; starts at a random value as RFC 3826 §3.1.1.1 suggests.
    private let saltCounter = Atomic<UInt64>(UInt64.random(in: 0...UInt64.max))

    /// Builds the engine; derives and localizes every user's keys (about a megabyte of hashing each).
    /// The configuration must have passed ``SNMPAgentConfiguration/validate()``.
    init(
        configuration: SNMPAgentConfiguration, view: any MIBView, counters: SNMPAgentCounters,
        elapsed: @escaping @Sendable () -> Duration
    ) {
        let engineID = configuration.engineID
        self.view = view
        self.engineID = engineID
        self.engineBoots = configuration.engineBoots
        self.maxMessageSize = configuration.maxMessageSize
        self.versions = configuration.versions
        var communities: [[UInt8]: SNMPAgentConfiguration.Access] = [:]
        for community in configuration.readOnlyCommunities { communities[Array(community.value.utf8)] = .readOnly }
        for community in configuration.readWriteCommunities { communities[Array(community.value.utf8)] = .readWrite }
        self.communities = communities
        var users: [[UInt8]: LocalUser] = [:]
        for user in configuration.users {
            let name = Array(user.name.utf8)
            let auth = user.security.auth.map { USMAuthentication($0.protocol) }
            let authKey =
                auth.map { $0.localizedKey(password: Array(user.security.auth!.key.value.utf8), engineID: engineID) }
                ?? []
            // RFC 3826: the privacy key is localized with the authentication protocol's hash.
            let privacyKey = auth.flatMap { auth in
                user.security.priv.map {
                    USMPrivacy.aesKey(
                        localizedPrivacyKey: auth.localizedKey(password: Array($0.key.value.utf8), engineID: engineID))
                }
            }
            users[name] = LocalUser(
                name: name, auth: auth, authKey: authKey, privacyKey: privacyKey, access: user.access)
        }
        self.users = users
        self.counters = counters
        self.elapsed = elapsed
    }

    /// snmpEngineTime: whole seconds since the engine started.
    var engineTime: Int32 { Int32(clamping: elapsed().components.seconds) }

    // MARK: - Intake

    /// Decodes and authenticates one datagram. Never throws or traps: bad input is dropped and counted.
    func intake(_ datagram: [UInt8]) -> Intake {
        let decoded: (message: SNMPMessage, authRange: Range<Int>?)
        do {
            decoded = try SNMPMessage.decode(datagram)
        } catch {
            return drop(.malformed)
        }
        switch decoded.message {
        case .v1(let community, let pdu): return intakeCommunity(.v1, community: community, pdu: pdu)
        case .v2c(let community, let pdu): return intakeCommunity(.v2c, community: community, pdu: pdu)
        case .v3(let message): return intakeV3(message, authRange: decoded.authRange, datagram: datagram)
        }
    }

    private func drop(_ reason: SNMPAgentCounters.Counter? = nil) -> Intake {
        if let reason { counters.increment(reason) }
        counters.increment(.dropped)
        return .drop
    }

    private func isRequest(_ type: SNMPPDUType, version: SNMPVersion) -> Bool {
        switch type {
        case .getRequest, .getNextRequest, .setRequest: true
        case .getBulkRequest: version != .v1
        case .response, .informRequest, .snmpV2Trap, .report: false
        }
    }

    private func intakeCommunity(_ version: SNMPVersion, community: [UInt8], pdu: SNMPPDU) -> Intake {
        guard versions.contains(version) else { return drop() }
        guard let access = communities[community] else {
            // RFC 1157/3584: an unknown community is dropped silently (a trap, which we do not send, aside).
            counters.increment(.authenticationFailures)
            return drop(.badCommunities)
        }
        // GetBulk does not exist in v1: RFC 3584 §4.1 counts it as a parse error.
        if version == .v1 && pdu.type == .getBulkRequest { return drop(.malformed) }
        guard isRequest(pdu.type, version: version) else { return drop() }
        return .request(
            Request(
                pdu: pdu, version: version, context: "", access: access == .readWrite ? .readWrite : .readOnly,
                responseLimit: maxMessageSize, envelope: .community(version, community: community)))
    }

    /// RFC 3412 §7.2 and RFC 3414 §3.2, in the order the RFCs give.
    private func intakeV3(_ message: SNMPv3Message, authRange: Range<Int>?, datagram: [UInt8]) -> Intake {
        guard versions.contains(.v3) else { return drop() }
        let flags = message.flags
        var plaintext: SNMPScopedPDU?
        var encrypted: [UInt8]?
        switch message.data {
        case .plaintext(let scoped): plaintext = scoped
        case .encrypted(let ciphertext): encrypted = ciphertext
        }
        // snmpInvalidMsgs: privacy without authentication, a scoped PDU that contradicts the
        // privacy flag, or a sender that cannot take a minimal message.
        guard !flags.contains(.privacy) || flags.contains(.authenticated),
            flags.contains(.privacy) == (encrypted != nil), message.maxSize >= 484
        else { return drop(.malformed) }

        let security = message.security
        guard security.engineID == engineID else {
            return report(.unknownEngineIDs, USMReport.unknownEngineIDs, to: message, scoped: plaintext)
        }
        guard let user = users[security.userName] else {
            counters.increment(.authenticationFailures)
            return report(.unknownUserNames, USMReport.unknownUserNames, to: message, scoped: plaintext)
        }
        guard user.minimumFlags.isSuperset(of: flags.intersection([.authenticated, .privacy])) else {
            return report(
                .unsupportedSecurityLevels, USMReport.unsupportedSecurityLevels, to: message, scoped: plaintext)
        }
        if flags.contains(.authenticated), let auth = user.auth {
            guard let authRange, auth.verify(message: datagram, authRange: authRange, key: user.authKey) else {
                counters.increment(.authenticationFailures)
                return report(.wrongDigests, USMReport.wrongDigests, to: message, scoped: plaintext)
            }
            let now = Int64(engineTime)
            if security.engineBoots == Int32.max || security.engineBoots != engineBoots
                || abs(Int64(security.engineTime) - now) > 150
            {
                // Authenticated, so the manager can trust the boots and time it carries.
                return report(
                    .notInTimeWindows, USMReport.notInTimeWindows, to: message, scoped: plaintext,
                    authenticatedAs: user)
            }
        }
        let scoped: SNMPScopedPDU
        if let encrypted {
            guard let key = user.privacyKey,
                let clear = USMPrivacy.decrypt(
                    encrypted, key: key, engineBoots: security.engineBoots, engineTime: security.engineTime,
                    salt: security.privacyParameters),
                let decoded = try? SNMPScopedPDU.decode(decrypted: clear)
            else {
                return report(.decryptionErrors, USMReport.decryptionErrors, to: message, scoped: nil)
            }
            scoped = decoded
        } else if let plaintext {
            scoped = plaintext
        } else {
            return drop(.malformed)
        }
        // The only context engine here is this one; an empty ID means "the authoritative engine".
        guard scoped.contextEngineID.isEmpty || scoped.contextEngineID == engineID else {
            return drop(.unknownPDUHandlers)
        }
        guard isRequest(scoped.pdu.type, version: .v3) else { return drop() }
        let requested = flags.intersection([.authenticated, .privacy])
        let access: Access =
            !requested.isSuperset(of: user.minimumFlags) ? .denied : user.access == .readWrite ? .readWrite : .readOnly
        let limit = min(maxMessageSize, Int(message.maxSize))
        return .request(
            Request(
                pdu: scoped.pdu, version: .v3, context: String(decoding: scoped.contextName, as: UTF8.self),
                access: access, responseLimit: limit,
                envelope: .v3(
                    messageID: message.messageID, userName: security.userName, user: user, flags: requested,
                    contextName: scoped.contextName)))
    }

    /// Counts a USM error and answers it with a Report when the request asks for one.
    private func report(
        _ counter: SNMPAgentCounters.Counter, _ oid: OID, to message: SNMPv3Message, scoped: SNMPScopedPDU?,
        authenticatedAs user: LocalUser? = nil
    ) -> Intake {
        let count = counters.increment(counter)
        guard message.flags.contains(.reportable) else { return drop() }
        let pdu = SNMPPDU(
            type: .report, requestID: scoped?.pdu.requestID ?? 0,
            varBinds: [VarBind(oid, .counter32(UInt32(truncatingIfNeeded: count)))])
        let bytes = encodeV3(
            pdu: pdu, messageID: message.messageID, userName: message.security.userName, user: user,
            flags: user == nil ? [] : [.authenticated], contextName: scoped?.contextName ?? [])
        guard let bytes else { return drop() }
        return .reply(Reply(bytes: bytes, kind: .report))
    }

    // MARK: - Encoding

    /// Encodes a v3 message for `user` at the security level `flags`, encrypting and
    /// authenticating as they say; nil if encryption fails.
    func encodeV3(
        pdu: SNMPPDU, messageID: Int32, userName: [UInt8], user: LocalUser?, flags: SNMPv3Message.Flags,
        contextName: [UInt8]
    ) -> [UInt8]? {
        let time = engineTime
        let scoped = SNMPScopedPDU(contextEngineID: engineID, contextName: contextName, pdu: pdu)
        var privacyParameters: [UInt8] = []
        let data: SNMPv3Message.ScopedPDUData
        if flags.contains(.privacy) {
            guard let key = user?.privacyKey else { return nil }
            let salt = USMPrivacy.salt(saltCounter.add(1, ordering: .relaxed).newValue)
            guard
                let ciphertext = try? USMPrivacy.encrypt(
                    scoped.encoded(), key: key, engineBoots: engineBoots, engineTime: time, salt: salt)
            else { return nil }
            data = .encrypted(ciphertext)
            privacyParameters = salt
        } else {
            data = .plaintext(scoped)
        }
        let auth = flags.contains(.authenticated) ? user?.auth : nil
        let message = SNMPv3Message(
            messageID: messageID, maxSize: Int32(maxMessageSize), flags: flags,
            security: USMSecurityParameters(
                engineID: engineID, engineBoots: engineBoots, engineTime: time, userName: userName,
                authenticationParameters: [UInt8](repeating: 0, count: auth?.macLength ?? 0),
                privacyParameters: privacyParameters),
            data: data)
        var (bytes, offset) = message.encodedWithAuthOffset()
        if let auth, let user {
            let mac = auth.mac(bytes, key: user.authKey)
            bytes.replaceSubrange(offset..<(offset + mac.count), with: mac)
        }
        return bytes
    }

    /// Encodes a response PDU in the request's envelope.
    func encode(_ pdu: SNMPPDU, in envelope: Envelope) -> [UInt8]? {
        switch envelope {
        case .community(let version, let community):
            return version == .v1
                ? SNMPMessage.v1(community: community, pdu: pdu).encoded()
                : SNMPMessage.v2c(community: community, pdu: pdu).encoded()
        case .v3(let messageID, let userName, let user, let flags, let contextName):
            return encodeV3(
                pdu: pdu, messageID: messageID, userName: userName, user: user, flags: flags, contextName: contextName)
        }
    }
}
