import SNMPModel
import Testing

@testable import SNMPAgent

/// Whole messages: packets laid out by hand from RFC 1157/3416/3412/3414, and round trips.
@Suite("SNMP message codec")
struct MessageCodecTests {
    /// A v2c GetRequest for sysDescr.0 with community "public", request-id 0x12345678, as
    /// `snmpget -v2c -c public host 1.3.6.1.2.1.1.1.0` sends it.
    static let v2cGet: [UInt8] = [
        0x30, 0x29,  // message, 41 bytes
        0x02, 0x01, 0x01,  // version 1 = v2c
        0x04, 0x06, 0x70, 0x75, 0x62, 0x6C, 0x69, 0x63,  // "public"
        0xA0, 0x1C,  // GetRequest-PDU, 28 bytes
        0x02, 0x04, 0x12, 0x34, 0x56, 0x78,  // request-id
        0x02, 0x01, 0x00,  // error-status
        0x02, 0x01, 0x00,  // error-index
        0x30, 0x0E,  // variable-bindings
        0x30, 0x0C,  // one binding
        0x06, 0x08, 0x2B, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00,  // 1.3.6.1.2.1.1.1.0
        0x05, 0x00,  // NULL
    ]

    /// A v3 engine-ID discovery probe as net-snmp sends it first: no engine ID, no user,
    /// noAuthNoPriv and reportable, an empty GetRequest.
    static let v3Discovery: [UInt8] = [
        0x30, 0x3C,  // message, 60 bytes
        0x02, 0x01, 0x03,  // version 3
        0x30, 0x11,  // msgGlobalData
        0x02, 0x04, 0x0B, 0xAD, 0xCA, 0xFE,  // msgID
        0x02, 0x03, 0x00, 0xFF, 0xE3,  // msgMaxSize 65507
        0x04, 0x01, 0x04,  // msgFlags: reportable
        0x02, 0x01, 0x03,  // msgSecurityModel USM
        0x04, 0x10,  // msgSecurityParameters
        0x30, 0x0E,
        0x04, 0x00,  // msgAuthoritativeEngineID
        0x02, 0x01, 0x00,  // boots
        0x02, 0x01, 0x00,  // time
        0x04, 0x00,  // user name
        0x04, 0x00,  // authentication parameters
        0x04, 0x00,  // privacy parameters
        0x30, 0x12,  // ScopedPDU
        0x04, 0x00,  // contextEngineID
        0x04, 0x00,  // contextName
        0xA0, 0x0C,  // GetRequest-PDU
        0x02, 0x02, 0x30, 0x39,  // request-id 12345
        0x02, 0x01, 0x00,
        0x02, 0x01, 0x00,
        0x30, 0x00,  // no bindings
    ]

    @Test("a captured v2c GET decodes field by field and re-encodes to the same bytes")
    func decodeV2cGet() throws {
        let message = try SNMPMessage(decoding: Self.v2cGet)
        let expected = SNMPMessage.v2c(
            community: Array("public".utf8),
            pdu: SNMPPDU(type: .getRequest, requestID: 0x1234_5678, varBinds: [VarBind("1.3.6.1.2.1.1.1.0", .null)]))
        #expect(message == expected)
        #expect(message.version == .v2c)
        #expect(message.encoded() == Self.v2cGet)
    }

    @Test("a v3 discovery probe decodes, and the agent reports its engine ID, boots and time")
    func decodeV3Discovery() async throws {
        let message = try SNMPMessage(decoding: Self.v3Discovery)
        guard case .v3(let v3) = message else {
            Issue.record("not decoded as v3")
            return
        }
        #expect(v3.messageID == 0x0BAD_CAFE)
        #expect(v3.maxSize == 65507)
        #expect(v3.flags == [.reportable])
        #expect(v3.security == USMSecurityParameters(engineID: [], engineBoots: 0, engineTime: 0, userName: []))
        #expect(
            v3.data
                == .plaintext(
                    SNMPScopedPDU(
                        contextEngineID: [], contextName: [],
                        pdu: SNMPPDU(type: .getRequest, requestID: 12345, varBinds: []))))
        #expect(message.encoded() == Self.v3Discovery)

        let harness = EngineHarness()
        let answer = try #require(await harness.exchange(Self.v3Discovery))
        guard case .v3(let report) = try SNMPMessage(decoding: answer) else {
            Issue.record("the answer is not v3")
            return
        }
        #expect(report.messageID == 0x0BAD_CAFE)
        #expect(report.flags == [])
        #expect(report.security.engineID == harness.engine.engineID)
        #expect(report.security.engineBoots == 1)
        #expect(report.security.engineTime == 1000)
        guard case .plaintext(let scoped) = report.data else {
            Issue.record("the report is encrypted")
            return
        }
        #expect(scoped.pdu.type == .report)
        #expect(scoped.pdu.requestID == 12345)
        #expect(scoped.pdu.varBinds == [VarBind("1.3.6.1.6.3.15.1.1.4.0", .counter32(1))])
        #expect(harness.statistics.unknownEngineIDs == 1)
    }

    static let pdus: [SNMPPDU] = [
        SNMPPDU(type: .getRequest, requestID: 1, varBinds: [VarBind("1.3.6.1.2.1.1.5.0", .null)]),
        SNMPPDU(type: .getNextRequest, requestID: -1, varBinds: []),
        SNMPPDU(type: .response, requestID: Int32.max, errorStatus: 5, errorIndex: 2, varBinds: MIBFixture.bindings),
        SNMPPDU(type: .setRequest, requestID: Int32.min, varBinds: [VarBind("1.3.6.1.4.1.1.0", .counter64(7))]),
        .getBulk(requestID: 9, nonRepeaters: 1, maxRepetitions: 50, varBinds: [VarBind("1.3", .null)]),
        SNMPPDU(type: .report, requestID: 0, varBinds: [VarBind(USMReport.wrongDigests, .counter32(3))]),
    ]

    @Test("messages of every version round-trip", arguments: pdus)
    func roundTrip(_ pdu: SNMPPDU) throws {
        let security = USMSecurityParameters(
            engineID: [0x80, 0, 0x1F, 0x88, 5, 1, 2, 3], engineBoots: 7, engineTime: 123_456, userName: Array("u".utf8),
            authenticationParameters: [UInt8](repeating: 0xAB, count: 12), privacyParameters: [1, 2, 3, 4, 5, 6, 7, 8])
        let messages: [SNMPMessage] = [
            .v1(community: [0xFF, 0x00], pdu: pdu),
            .v2c(community: Array("private".utf8), pdu: pdu),
            .v3(
                SNMPv3Message(
                    messageID: 42, maxSize: 1472, flags: [.authenticated, .reportable], security: security,
                    data: .plaintext(SNMPScopedPDU(contextEngineID: [1, 2, 3, 4, 5], contextName: [0x61], pdu: pdu)))),
            .v3(
                SNMPv3Message(
                    messageID: 43, maxSize: 484, flags: [.authenticated, .privacy], security: security,
                    data: .encrypted([0xDE, 0xAD, 0xBE, 0xEF]))),
        ]
        for message in messages {
            #expect(try SNMPMessage(decoding: message.encoded()) == message)
        }
    }

    @Test("the digest offset points at the authentication parameters")
    func authOffset() throws {
        let security = USMSecurityParameters(
            engineID: Array(repeating: 7, count: 12), engineBoots: 1, engineTime: 200, userName: Array("shauser".utf8),
            authenticationParameters: [UInt8](repeating: 0xEE, count: 24))
        let big = SNMPPDU(type: .response, requestID: 1, varBinds: MIBFixture.bindings)
        let message = SNMPv3Message(
            messageID: 1, maxSize: 65507, flags: [.authenticated], security: security,
            data: .plaintext(SNMPScopedPDU(contextEngineID: [], contextName: [], pdu: big)))
        let (bytes, offset) = message.encodedWithAuthOffset()
        #expect(Array(bytes[offset..<(offset + 24)]) == [UInt8](repeating: 0xEE, count: 24))
        let (_, range) = try SNMPMessage.decode(bytes)
        #expect(range == offset..<(offset + 24))
    }

    @Test("structural errors are caught with their code")
    func malformedMessages() {
        var trailing = Self.v2cGet
        trailing.append(0x00)
        var version2 = Self.v2cGet
        version2[4] = 2
        var notUSM = Self.v3Discovery
        notUSM[23] = 0x02
        var trap = Self.v2cGet
        trap[13] = 0xA4
        let cases: [([UInt8], SNMPDecodingError.Code)] = [
            (trailing, .trailingBytes),
            (version2, .unsupportedVersion),
            (notUSM, .unsupportedSecurityModel),
            (trap, .unexpectedTag),
            (Array(Self.v2cGet.dropLast()), .truncated),
            ([0x30, 0x00], .truncated),
        ]
        for (bytes, code) in cases {
            do throws(SNMPDecodingError) {
                _ = try SNMPMessage(decoding: bytes)
                Issue.record("decoded a malformed message: \(bytes)")
            } catch {
                #expect(error.code == code, "\(error)")
            }
        }
    }
}
