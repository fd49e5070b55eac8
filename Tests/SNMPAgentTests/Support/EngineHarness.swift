import SNMPModel
import TestClocks

@testable import SNMPAgent

/// The agent's protocol engine without a socket, plus a manager side built on the same codec:
/// for the cases net-snmp cannot be made to send (stale times, garbage, odd GETBULK fields).
final class EngineHarness: Sendable {
    let engine: SNMPAgentEngine
    let counters: SNMPAgentCounters
    /// The engine's time source; it starts 1000 s after the engine's boot.
    let clock: ManualClock

    init(_ configuration: SNMPAgentConfiguration = .test(), view: any MIBView = StaticMIBView(MIBFixture.bindings)) {
        let clock = ManualClock()
        clock.advance(by: .seconds(1000))
        let counters = SNMPAgentCounters()
        self.clock = clock
        self.counters = counters
        engine = SNMPAgentEngine(
            configuration: configuration, view: view, counters: counters, elapsed: { clock.now.offset })
    }

    var statistics: SNMPAgentStatistics { counters.snapshot }

    /// What the agent answers to `datagram`, if anything.
    func exchange(_ datagram: [UInt8]) async -> [UInt8]? {
        switch engine.intake(datagram) {
        case .drop: return nil
        case .reply(let reply): return reply.bytes
        case .request(let request): return await engine.process(request)?.bytes
        }
    }

    /// Sends a community-based request and decodes the response PDU.
    func send(_ pdu: SNMPPDU, version: SNMPVersion = .v2c, community: String = "public") async throws -> SNMPPDU? {
        let bytes = Array(community.utf8)
        let message: SNMPMessage = version == .v1 ? .v1(community: bytes, pdu: pdu) : .v2c(community: bytes, pdu: pdu)
        guard let answer = await exchange(message.encoded()) else { return nil }
        switch try SNMPMessage(decoding: answer) {
        case .v1(_, let pdu), .v2c(_, let pdu): return pdu
        case .v3: return nil
        }
    }

    /// Builds a v3 request as a manager would: encrypted and authenticated with `user`'s keys
    /// localized to `engineID`.
    func v3Request(
        _ pdu: SNMPPDU, user: SNMPv3Security, engineID: [UInt8]? = nil, boots: Int32 = 1, time: Int32 = 1000,
        flags extra: SNMPv3Message.Flags = [.reportable], contextEngineID: [UInt8]? = nil, messageID: Int32 = 77
    ) -> [UInt8] {
        let engineID = engineID ?? engine.engineID
        let auth = user.auth.map { USMAuthentication($0.protocol) }
        let authKey = auth.map { $0.localizedKey(password: Array(user.auth!.key.value.utf8), engineID: engineID) }
        var flags = extra
        if auth != nil { flags.insert(.authenticated) }
        let scoped = SNMPScopedPDU(contextEngineID: contextEngineID ?? engineID, contextName: [], pdu: pdu)
        var data = SNMPv3Message.ScopedPDUData.plaintext(scoped)
        var salt: [UInt8] = []
        if let priv = user.priv, let auth {
            flags.insert(.privacy)
            let key = USMPrivacy.aesKey(
                localizedPrivacyKey: auth.localizedKey(password: Array(priv.key.value.utf8), engineID: engineID))
            salt = USMPrivacy.salt(0x0102_0304_0506_0708)
            data = .encrypted(
                try! USMPrivacy.encrypt(scoped.encoded(), key: key, engineBoots: boots, engineTime: time, salt: salt))
        }
        let message = SNMPv3Message(
            messageID: messageID, maxSize: 65507, flags: flags,
            security: USMSecurityParameters(
                engineID: engineID, engineBoots: boots, engineTime: time, userName: Array(user.user.utf8),
                authenticationParameters: [UInt8](repeating: 0, count: auth?.macLength ?? 0),
                privacyParameters: salt),
            data: data)
        var (bytes, offset) = message.encodedWithAuthOffset()
        if let auth, let authKey {
            bytes.replaceSubrange(offset..<(offset + auth.macLength), with: auth.mac(bytes, key: authKey))
        }
        return bytes
    }

    /// Decodes a v3 answer, checking its digest and decrypting it with `user`'s keys.
    func open(_ answer: [UInt8], user: SNMPv3Security) throws -> (SNMPv3Message, SNMPScopedPDU) {
        let (message, authRange) = try SNMPMessage.decode(answer)
        guard case .v3(let v3) = message else { throw SNMPDecodingError(.badValue, offset: 0, message: "not v3") }
        if v3.flags.contains(.authenticated), let authProtocol = user.auth {
            let auth = USMAuthentication(authProtocol.protocol)
            let key = auth.localizedKey(password: Array(authProtocol.key.value.utf8), engineID: engine.engineID)
            guard let authRange, auth.verify(message: answer, authRange: authRange, key: key) else {
                throw SNMPDecodingError(.badValue, offset: 0, message: "bad digest on the agent's answer")
            }
        }
        switch v3.data {
        case .plaintext(let scoped): return (v3, scoped)
        case .encrypted(let ciphertext):
            let auth = USMAuthentication(user.auth!.protocol)
            let key = USMPrivacy.aesKey(
                localizedPrivacyKey: auth.localizedKey(
                    password: Array(user.priv!.key.value.utf8), engineID: engine.engineID))
            let clear = USMPrivacy.decrypt(
                ciphertext, key: key, engineBoots: v3.security.engineBoots, engineTime: v3.security.engineTime,
                salt: v3.security.privacyParameters)!
            return (v3, try SNMPScopedPDU.decode(decrypted: clear))
        }
    }
}
