import SNMPModel
import Testing

@testable import SNMPAgent

/// Protocol rules checked on the engine directly, with requests net-snmp's tools will not send.
@Suite("agent engine")
struct AgentEngineTests {
    static let sysDescr = MIBFixture.sysDescr
    static let ifDescr: OID = "1.3.6.1.2.1.2.2.1.2"

    static func successors(of oid: OID, count: Int) -> [VarBind] {
        Array(MIBFixture.bindings.filter { $0.oid > oid }.prefix(count))
    }

    // MARK: GETBULK (RFC 3416 §4.2.3)

    @Test("non-repeaters come first, then repetitions interleaved")
    func bulkLayout() async throws {
        let harness = EngineHarness()
        let request = SNMPPDU.getBulk(
            requestID: 5, nonRepeaters: 1, maxRepetitions: 3,
            varBinds: [
                VarBind(Self.sysDescr, .null), VarBind(Self.ifDescr, .null), VarBind("1.3.6.1.2.1.2.2.1.3", .null),
            ])
        let response = try #require(await harness.send(request))
        let descr = Self.successors(of: Self.ifDescr, count: 3)
        let type = Self.successors(of: "1.3.6.1.2.1.2.2.1.3", count: 3)
        #expect(response.type == .response)
        #expect(response.requestID == 5)
        #expect(
            response.varBinds == Self.successors(of: Self.sysDescr, count: 1) + [
                descr[0], type[0], descr[1], type[1], descr[2], type[2],
            ])
    }

    @Test(
        "out-of-range non-repeaters and max-repetitions are clamped",
        arguments: [(Int32(-3), Int32(2), 4), (5, 2, 2), (0, -1, 0), (1, 0, 1), (2, 0, 2), (1, 3, 4)])
    func bulkClamping(nonRepeaters: Int32, maxRepetitions: Int32, expectedCount: Int) async throws {
        let harness = EngineHarness()
        let request = SNMPPDU.getBulk(
            requestID: 1, nonRepeaters: nonRepeaters, maxRepetitions: maxRepetitions,
            varBinds: [VarBind(Self.sysDescr, .null), VarBind(MIBFixture.sysName, .null)])
        let response = try #require(await harness.send(request))
        #expect(response.varBinds.count == expectedCount)
        #expect(response.errorStatus == 0)
    }

    @Test("repeaters past the end give endOfMibView and the response stops after that repetition")
    func bulkEnd() async throws {
        let harness = EngineHarness()
        let last = MIBFixture.bindings.last!
        let request = SNMPPDU.getBulk(
            requestID: 1, nonRepeaters: 0, maxRepetitions: 1000,
            varBinds: [
                VarBind(MIBFixture.bindings[MIBFixture.bindings.count - 3].oid, .null), VarBind(last.oid, .null),
            ])
        let response = try #require(await harness.send(request))
        let tail = Array(MIBFixture.bindings.suffix(2))
        #expect(
            response.varBinds == [
                tail[0], VarBind(last.oid, .endOfMibView),
                tail[1], VarBind(last.oid, .endOfMibView),
                VarBind(last.oid, .endOfMibView), VarBind(last.oid, .endOfMibView),
            ])
    }

    @Test("a GETBULK is cut to the maximum message size")
    func bulkTruncation() async throws {
        let harness = EngineHarness(.test(maxMessageSize: 484))
        let request = SNMPPDU.getBulk(
            requestID: 1, nonRepeaters: 0, maxRepetitions: Int32.max, varBinds: [VarBind("1.3", .null)])
        let message = SNMPMessage.v2c(community: Array("public".utf8), pdu: request)
        let answer = try #require(await harness.exchange(message.encoded()))
        #expect(answer.count <= 484)
        guard case .v2c(_, let response) = try SNMPMessage(decoding: answer) else {
            Issue.record("not v2c")
            return
        }
        #expect(response.errorStatus == 0)
        #expect(response.varBinds.count > 5)
        #expect(response.varBinds == Array(MIBFixture.bindings.prefix(response.varBinds.count)))
    }

    @Test("non-repeaters that do not fit answer tooBig with no bindings")
    func bulkNonRepeatersTooBig() async throws {
        let harness = EngineHarness(.test(maxMessageSize: 484))
        let long: OID = "1.3.6.1.4.1.99999.1.9.0"  // its successor is the 300-byte string
        let request = SNMPPDU.getBulk(
            requestID: 3, nonRepeaters: 2, maxRepetitions: 1, varBinds: [VarBind(long, .null), VarBind(long, .null)])
        let response = try #require(await harness.send(request))
        #expect(response.errorStatus == Int32(SNMPErrorStatus.tooBig))
        #expect(response.varBinds.isEmpty)
    }

    // MARK: GET, GETNEXT, SET

    @Test("a GET too big for the message size answers tooBig: v2c without bindings, v1 echoing them")
    func getTooBig() async throws {
        let harness = EngineHarness(.test(maxMessageSize: 484))
        let long = VarBind("1.3.6.1.4.1.99999.1.10.0", .null)
        let request = SNMPPDU(type: .getRequest, requestID: 8, varBinds: [long, long])
        let v2 = try #require(await harness.send(request))
        #expect(v2.errorStatus == Int32(SNMPErrorStatus.tooBig))
        #expect(v2.errorIndex == 0)
        #expect(v2.varBinds.isEmpty)
        let v1 = try #require(await harness.send(request, version: .v1))
        #expect(v1.errorStatus == Int32(SNMPErrorStatus.tooBig))
        #expect(v1.varBinds == [long, long])
    }

    @Test("v1 reports noSuchName with the index instead of exceptions")
    func v1NoSuchName() async throws {
        let harness = EngineHarness()
        let request = SNMPPDU(
            type: .getRequest, requestID: 2,
            varBinds: [VarBind(MIBFixture.sysName, .null), VarBind("1.3.6.1.2.1.1.99.0", .null)])
        let v1 = try #require(await harness.send(request, version: .v1))
        #expect(v1.errorStatus == Int32(SNMPErrorStatus.noSuchName))
        #expect(v1.errorIndex == 2)
        #expect(v1.varBinds == request.varBinds)
        let v2 = try #require(await harness.send(request))
        #expect(v2.errorStatus == 0)
        #expect(v2.varBinds.last == VarBind("1.3.6.1.2.1.1.99.0", .noSuchObject))
    }

    @Test("v1 GETNEXT skips Counter64 objects")
    func v1SkipsCounter64() async throws {
        let harness = EngineHarness()
        let beforeHC: OID = "1.3.6.1.2.1.31"
        let request = SNMPPDU(type: .getNextRequest, requestID: 2, varBinds: [VarBind(beforeHC, .null)])
        let v1 = try #require(await harness.send(request, version: .v1))
        #expect(v1.varBinds == [VarBind("1.3.6.1.4.1.99999.1.1.0", .integer(-1))])
        let v2 = try #require(await harness.send(request))
        #expect(v2.varBinds == [VarBind("1.3.6.1.2.1.31.1.1.1.6.1", .counter64(UInt64.max - 1))])
    }

    @Test("GETBULK in a v1 message is a parse error, dropped")
    func v1HasNoBulk() async throws {
        let harness = EngineHarness()
        let request = SNMPPDU.getBulk(
            requestID: 1, nonRepeaters: 0, maxRepetitions: 5, varBinds: [VarBind("1.3", .null)])
        #expect(try await harness.send(request, version: .v1) == nil)
        #expect(harness.statistics.malformed == 1)
        #expect(harness.statistics.dropped == 1)
    }

    @Test(
        "responses, reports and traps sent to the agent are dropped",
        arguments: [SNMPPDUType.response, .report, .snmpV2Trap, .informRequest])
    func notRequests(_ type: SNMPPDUType) async throws {
        let harness = EngineHarness()
        #expect(try await harness.send(SNMPPDU(type: type, requestID: 1, varBinds: [])) == nil)
        #expect(harness.statistics.dropped == 1)
    }

    @Test("SET failures from the view keep their status in v2c and map to v1 statuses")
    func setStatusMapping() async throws {
        let cases: [(Int, Int)] = [
            (SNMPErrorStatus.notWritable, SNMPErrorStatus.noSuchName),
            (SNMPErrorStatus.wrongValue, SNMPErrorStatus.badValue),
            (SNMPErrorStatus.commitFailed, SNMPErrorStatus.genErr),
            (SNMPErrorStatus.genErr, SNMPErrorStatus.genErr),
            (SNMPErrorStatus.authorizationError, SNMPErrorStatus.noSuchName),
        ]
        for (status, v1Status) in cases {
            let view = StaticMIBView(MIBFixture.bindings) { _, _ in status }
            let harness = EngineHarness(view: view)
            let request = SNMPPDU(
                type: .setRequest, requestID: 4,
                varBinds: [VarBind(MIBFixture.sysName, .string("a")), VarBind(MIBFixture.sysDescr, .string("b"))])
            let v2 = try #require(await harness.send(request, community: "private"))
            #expect(v2.errorStatus == Int32(status))
            #expect(v2.errorIndex == 1)
            #expect(v2.varBinds == request.varBinds)
            let v1 = try #require(await harness.send(request, version: .v1, community: "private"))
            #expect(v1.errorStatus == Int32(v1Status))
        }
    }

    @Test("an unknown community is dropped and counted, whatever the PDU")
    func badCommunity() async throws {
        let harness = EngineHarness()
        let request = SNMPPDU(type: .setRequest, requestID: 4, varBinds: [VarBind(MIBFixture.sysName, .string("x"))])
        #expect(try await harness.send(request, community: "Public") == nil)
        #expect(try await harness.send(request, version: .v1, community: "") == nil)
        #expect(harness.statistics.badCommunities == 2)
        #expect(harness.statistics.authenticationFailures == 2)
    }

    @Test("versions not configured are dropped")
    func disabledVersions() async throws {
        var configuration = SNMPAgentConfiguration.test()
        configuration.versions = [.v3]
        let harness = EngineHarness(configuration)
        let request = SNMPPDU(type: .getRequest, requestID: 1, varBinds: [VarBind(MIBFixture.sysName, .null)])
        #expect(try await harness.send(request) == nil)
        #expect(try await harness.send(request, version: .v1) == nil)
        let v3 = harness.v3Request(request, user: TestUsers.sha)
        #expect(await harness.exchange(v3) != nil)
    }

    // MARK: USM (RFC 3414 §3.2)

    static let get = SNMPPDU(type: .getRequest, requestID: 99, varBinds: [VarBind(MIBFixture.sysName, .null)])

    @Test(
        "authPriv requests get encrypted, authenticated answers",
        arguments: [TestUsers.shaAES, TestUsers.sha256AES, TestUsers.md5AESReadOnly])
    func authPrivRoundTrip(_ user: SNMPv3Security) async throws {
        let harness = EngineHarness()
        let answer = try #require(await harness.exchange(harness.v3Request(Self.get, user: user)))
        let (message, scoped) = try harness.open(answer, user: user)
        #expect(message.flags == [.authenticated, .privacy])
        #expect(message.messageID == 77)
        #expect(message.security.privacyParameters.count == 8)
        #expect(scoped.pdu.type == .response)
        #expect(scoped.pdu.varBinds == [VarBind(MIBFixture.sysName, .string("olt-1"))])
        #expect(scoped.contextEngineID == harness.engine.engineID)
    }

    @Test("each encrypted answer uses a fresh salt")
    func freshSalt() async throws {
        let harness = EngineHarness()
        var salts: Set<[UInt8]> = []
        for _ in 0..<5 {
            let answer = try #require(await harness.exchange(harness.v3Request(Self.get, user: TestUsers.shaAES)))
            salts.insert(try harness.open(answer, user: TestUsers.shaAES).0.security.privacyParameters)
        }
        #expect(salts.count == 5)
    }

    @Test(
        "authenticated requests outside the time window get an authenticated notInTimeWindows report",
        arguments: [(2, 1000), (1, 1151), (1, 849), (Int32.max, 1000)] as [(Int32, Int32)])
    func timeWindow(boots: Int32, time: Int32) async throws {
        let harness = EngineHarness()
        let answer = try #require(
            await harness.exchange(harness.v3Request(Self.get, user: TestUsers.sha, boots: boots, time: time)))
        let (message, scoped) = try harness.open(answer, user: TestUsers.sha)
        #expect(message.flags == [.authenticated])
        #expect(message.security.engineBoots == 1)
        #expect(message.security.engineTime == 1000)
        #expect(scoped.pdu.type == .report)
        #expect(scoped.pdu.varBinds == [VarBind(USMReport.notInTimeWindows, .counter32(1))])
    }

    @Test("times within 150 s of the engine's are accepted", arguments: [Int32(850), 1000, 1150])
    func insideTimeWindow(time: Int32) async throws {
        let harness = EngineHarness()
        let answer = try #require(await harness.exchange(harness.v3Request(Self.get, user: TestUsers.sha, time: time)))
        #expect(try harness.open(answer, user: TestUsers.sha).1.pdu.type == .response)
    }

    @Test("the engine time follows the clock")
    func engineTimeAdvances() async throws {
        let harness = EngineHarness()
        harness.clock.advance(by: .seconds(500))
        let stale = try #require(await harness.exchange(harness.v3Request(Self.get, user: TestUsers.md5, time: 1000)))
        #expect(try harness.open(stale, user: TestUsers.md5).1.pdu.type == .report)
        let fresh = try #require(await harness.exchange(harness.v3Request(Self.get, user: TestUsers.md5, time: 1500)))
        let (message, scoped) = try harness.open(fresh, user: TestUsers.md5)
        #expect(scoped.pdu.type == .response)
        #expect(message.security.engineTime == 1500)
    }

    @Test("USM failures are reported in RFC 3414 order with their counters")
    func usmReports() async throws {
        let harness = EngineHarness()
        func report(_ bytes: [UInt8]) async throws -> VarBind? {
            guard let answer = await harness.exchange(bytes) else { return nil }
            guard case .v3(let message) = try SNMPMessage(decoding: answer), case .plaintext(let scoped) = message.data
            else { return nil }
            #expect(scoped.pdu.type == .report)
            return scoped.pdu.varBinds.first
        }
        let otherEngine = try await report(harness.v3Request(Self.get, user: TestUsers.sha, engineID: [1, 2, 3, 4, 5]))
        #expect(otherEngine == VarBind(USMReport.unknownEngineIDs, .counter32(1)))

        let stranger = SNMPv3Security(user: "stranger", auth: (.sha, "whatever12"))
        #expect(
            try await report(harness.v3Request(Self.get, user: stranger))
                == VarBind(USMReport.unknownUserNames, .counter32(1)))

        var noAuthWithAuth = TestUsers.noAuth
        noAuthWithAuth.auth = (.md5, "somepassword")
        #expect(
            try await report(harness.v3Request(Self.get, user: noAuthWithAuth))
                == VarBind(USMReport.unsupportedSecurityLevels, .counter32(1)))

        var wrongKey = TestUsers.sha256
        wrongKey.auth = (.sha256, "wrong-password")
        #expect(
            try await report(harness.v3Request(Self.get, user: wrongKey))
                == VarBind(USMReport.wrongDigests, .counter32(1)))
        #expect(
            try await report(harness.v3Request(Self.get, user: wrongKey))
                == VarBind(USMReport.wrongDigests, .counter32(2)))

        var wrongPrivacy = TestUsers.shaAES
        wrongPrivacy.priv = (.aes, "wrong-privacy")
        #expect(
            try await report(harness.v3Request(Self.get, user: wrongPrivacy))
                == VarBind(USMReport.decryptionErrors, .counter32(1)))

        let statistics = harness.statistics
        #expect(statistics.reports == 0)  // the engine alone sends nothing; the server counts sends
        #expect(statistics.unknownEngineIDs == 1)
        #expect(statistics.unknownUserNames == 1)
        #expect(statistics.unsupportedSecurityLevels == 1)
        #expect(statistics.wrongDigests == 2)
        #expect(statistics.decryptionErrors == 1)
        #expect(statistics.authenticationFailures == 3)
    }

    @Test("without the reportable flag USM failures are counted but not answered")
    func notReportable() async throws {
        let harness = EngineHarness()
        var wrongKey = TestUsers.sha
        wrongKey.auth = (.sha, "wrong-password")
        #expect(await harness.exchange(harness.v3Request(Self.get, user: wrongKey, flags: [])) == nil)
        #expect(harness.statistics.wrongDigests == 1)
        #expect(harness.statistics.dropped == 1)
    }

    @Test("a tampered message fails the digest")
    func tampered() async throws {
        let harness = EngineHarness()
        var bytes = harness.v3Request(Self.get, user: TestUsers.sha256)
        bytes[bytes.count - 3] ^= 0x01
        _ = await harness.exchange(bytes)
        #expect(harness.statistics.wrongDigests == 1)
    }

    @Test("a request for another context engine is dropped")
    func otherContextEngine() async throws {
        let harness = EngineHarness()
        #expect(
            await harness.exchange(harness.v3Request(Self.get, user: TestUsers.sha, contextEngineID: [9, 9, 9, 9, 9]))
                == nil)
        #expect(harness.statistics.dropped == 1)
    }

    @Test("privacy without authentication is an invalid message")
    func privacyWithoutAuth() async throws {
        let harness = EngineHarness()
        let bytes = harness.v3Request(Self.get, user: TestUsers.noAuth, flags: [.privacy, .reportable])
        #expect(await harness.exchange(bytes) == nil)
        #expect(harness.statistics.malformed == 1)
    }
}
