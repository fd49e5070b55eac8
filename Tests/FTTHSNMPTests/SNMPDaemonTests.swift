import FTTHSNMP
import Foundation
import SNMPModel
import Testing

/// The client against net-snmp's real agent, `snmpd`, one daemon per test.
@Suite("SNMPClient against snmpd")
struct SNMPDaemonTests {
    static let sysDescr: OID = "1.3.6.1.2.1.1.1.0"
    static let sysObjectID: OID = "1.3.6.1.2.1.1.2.0"
    static let sysUpTime: OID = "1.3.6.1.2.1.1.3.0"
    static let sysContact: OID = "1.3.6.1.2.1.1.4.0"
    static let system: OID = "1.3.6.1.2.1.1"
    static let ifTable: OID = "1.3.6.1.2.1.2.2"

    @Test("GET of sysDescr and sysUpTime over v2c")
    func getSystemValues() async throws {
        try await SNMPDaemon.with { daemon in
            let client = SNMPClient()
            let session = try client.session(for: daemon.target(.v2c(community: SNMPDaemon.readCommunity)))
            let bindings = try await session.get([Self.sysDescr, Self.sysUpTime])
            #expect(bindings.map(\.oid) == [Self.sysDescr, Self.sysUpTime])
            #expect(bindings[0].value.stringValue?.isEmpty == false)
            guard case .timeTicks = bindings[1].value else {
                Issue.record("sysUpTime is not TimeTicks: \(bindings[1].value)")
                return
            }
            let reference = try await TestEnvironment.run(
                "/usr/bin/snmpget",
                ["-v2c", "-c", "public", "-On", "-Ox", "-m", "", "127.0.0.1:\(daemon.port)", Self.sysDescr.description])
            #expect(try NetSNMPTools.parse(reference) == [bindings[0]])
            await client.shutdown()
        }
    }

    @Test("GETNEXT and GETBULK return the successors")
    func getNextAndBulk() async throws {
        try await SNMPDaemon.with { daemon in
            let client = SNMPClient()
            let session = try client.session(for: daemon.target(.v2c(community: SNMPDaemon.readCommunity)))
            let next = try await session.getNext([Self.system, Self.sysDescr])
            #expect(next.map(\.oid) == [Self.sysDescr, Self.sysObjectID])
            let bulk = try await session.getBulk([Self.sysDescr, Self.system], nonRepeaters: 1, maxRepetitions: 3)
            #expect(bulk.map(\.oid) == [Self.sysObjectID, Self.sysDescr, Self.sysObjectID, Self.sysUpTime])
            await client.shutdown()
        }
    }

    @Test("walks of the system group and ifTable equal snmpbulkwalk's")
    func walksMatchSnmpbulkwalk() async throws {
        try await SNMPDaemon.with { daemon in
            let client = SNMPClient()
            let session = try client.session(for: daemon.target(.v2c(community: SNMPDaemon.readCommunity)))
            let system = try await session.walk(Self.system, maxRepetitions: 5)
            let systemReference = try await NetSNMPTools.bulkWalk(
                port: daemon.port, community: "public", root: Self.system)
            #expect(system.count > 5)
            expectSameWalk(system, systemReference) { $0 == Self.sysUpTime }

            let interfaces = try await session.walk(Self.ifTable, maxRepetitions: 7)
            let interfacesReference = try await NetSNMPTools.bulkWalk(
                port: daemon.port, community: "public", root: Self.ifTable)
            #expect(!interfaces.isEmpty)
            // Columns 10 and up are traffic counters, and these very walks change them.
            expectSameWalk(interfaces, interfacesReference) { $0.components.count > 10 && $0.components[10] >= 10 }
            #expect(session.inFlightHighWater == 1)
            await client.shutdown()
        }
    }

    @Test("a v1 walk (GETNEXT) equals the v2c walk (GETBULK)")
    func v1WalkMatchesV2c() async throws {
        try await SNMPDaemon.with { daemon in
            let client = SNMPClient()
            let v1 = try client.session(for: daemon.target(.v1(community: SNMPDaemon.readCommunity)))
            let v2c = try client.session(for: daemon.target(.v2c(community: SNMPDaemon.readCommunity)))
            let viaGetNext = try await v1.walk(Self.system, maxRepetitions: 10)
            let viaGetBulk = try await v2c.walk(Self.system, maxRepetitions: 10)
            expectSameWalk(viaGetNext, viaGetBulk) { $0 == Self.sysUpTime }
            await client.shutdown()
        }
    }

    @Test("a missing object comes back as an exception value, on v2c and on v1 (noSuchName)")
    func missingObjects() async throws {
        try await SNMPDaemon.with { daemon in
            let client = SNMPClient()
            let noObject: OID = "1.3.6.1.2.1.1.99.0"
            let noInstance: OID = "1.3.6.1.2.1.1.1.7"
            let v2c = try client.session(for: daemon.target(.v2c(community: SNMPDaemon.readCommunity)))
            let answers = try await v2c.get([noObject, Self.sysDescr, noInstance])
            #expect(answers.map(\.value.isException) == [true, false, true])
            #expect(answers[0].value == .noSuchObject)
            #expect(answers[2].value == .noSuchInstance)

            let v1 = try client.session(for: daemon.target(.v1(community: SNMPDaemon.readCommunity)))
            let v1Answers = try await v1.get([noObject, Self.sysDescr, noInstance])
            #expect(v1Answers.map(\.oid) == [noObject, Self.sysDescr, noInstance])
            #expect(v1Answers[0].value == .noSuchObject)
            #expect(v1Answers[1].value == answers[1].value)
            #expect(v1Answers[2].value == .noSuchObject)
            await client.shutdown()
        }
    }

    @Test("a walk past the end of the agent's data stops cleanly")
    func walkPastTheEnd() async throws {
        try await SNMPDaemon.with { daemon in
            let client = SNMPClient()
            let v2c = try client.session(for: daemon.target(.v2c(community: SNMPDaemon.readCommunity)))
            #expect(try await v2c.walk("2.99", maxRepetitions: 10).isEmpty)
            let last = try await v2c.getNext(["2.99"])
            #expect(last.first?.value == .endOfMibView)
            let v1 = try client.session(for: daemon.target(.v1(community: SNMPDaemon.readCommunity)))
            #expect(try await v1.walk("2.99", maxRepetitions: 10).isEmpty)
            #expect(try await v1.getNext(["2.99"]).first?.value == .endOfMibView)
            await client.shutdown()
        }
    }

    @Test("every SNMPv3 security combination reads sysDescr", arguments: SNMPDaemon.users)
    func v3Combinations(_ user: SNMPDaemon.User) async throws {
        try await SNMPDaemon.with { daemon in
            let client = SNMPClient()
            let v2c = try client.session(for: daemon.target(.v2c(community: SNMPDaemon.readCommunity)))
            let v3 = try client.session(for: daemon.target(.v3(user.security)))
            let expected = try await v2c.get([Self.sysDescr])
            #expect(try await v3.get([Self.sysDescr]) == expected)
            let walk = try await v3.walk(Self.system, maxRepetitions: 4)
            #expect(walk.map(\.oid) == (try await v2c.walk(Self.system, maxRepetitions: 4)).map(\.oid))
            await client.shutdown()
        }
    }

    @Test("SET writes typed values; the agent's refusals carry error-status, index and OID")
    func setValues() async throws {
        try await SNMPDaemon.with { daemon in
            let client = SNMPClient()
            let writer = try client.session(for: daemon.target(.v2c(community: SNMPDaemon.writeCommunity)))
            let contact = VarBind(Self.sysContact, .string("noc@ftth.example (shift 2)"))
            let echoed = try await writer.set([contact])
            #expect(echoed == [contact])
            #expect(try await writer.get([Self.sysContact]) == [contact])

            let wrongType = await #expect(throws: SNMPError.self) {
                try await writer.set([VarBind(Self.sysContact, .integer(5))])
            }
            #expect(wrongType?.code == .agentError)
            #expect(wrongType?.errorStatus == 7)  // wrongType
            #expect(wrongType?.errorIndex == 1)
            #expect(wrongType?.oid == Self.sysContact)

            let reader = try client.session(for: daemon.target(.v2c(community: SNMPDaemon.readCommunity)))
            let refused = await #expect(throws: SNMPError.self) { try await reader.set([contact]) }
            #expect(refused?.code == .agentError)
            #expect(refused?.errorStatus != nil)
            #expect(refused?.oid == Self.sysContact)
            await client.shutdown()
        }
    }

    @Test("a wrong community times out after timeout × (retries + 1)")
    func wrongCommunityTimesOut() async throws {
        try await SNMPDaemon.with { daemon in
            let client = SNMPClient()
            let session = try client.session(
                for: daemon.target(.v2c(community: "not-the-community"), timeoutMilliseconds: 150, retries: 1))
            let start = ContinuousClock.now
            let error = await #expect(throws: SNMPError.self) { try await session.get([Self.sysDescr]) }
            let elapsed = ContinuousClock.now - start
            #expect(error?.code == .timeout)
            #expect(error?.oid == Self.sysDescr)
            #expect(elapsed >= .milliseconds(300))
            await client.shutdown()
        }
    }

    @Test("a wrong SNMPv3 authentication key is an authentication failure")
    func wrongAuthenticationKey() async throws {
        try await SNMPDaemon.with { daemon in
            let client = SNMPClient()
            let security = SNMPv3Security(
                user: "shaaes", auth: (.sha, "wrong-auth-pass"), priv: (.aes, SNMPDaemon.privKey))
            // snmpd answers with a report at once; the time is room for a loaded machine.
            let session = try client.session(for: daemon.target(.v3(security), timeoutMilliseconds: 5000, retries: 0))
            let error = await #expect(throws: SNMPError.self) { try await session.get([Self.sysDescr]) }
            #expect(error?.code == .authenticationFailure)
            #expect(error?.message.contains("usmStatsWrongDigests") == true)
            await client.shutdown()
        }
    }

    @Test("an unknown user and an unsupported level are authentication failures; a wrong privacy key times out")
    func otherV3Failures() async throws {
        try await SNMPDaemon.with { daemon in
            let client = SNMPClient()
            let unknown = try client.session(
                for: daemon.target(.v3(SNMPv3Security(user: "nobody", auth: (.sha, SNMPDaemon.authKey))), retries: 0))
            let unknownError = await #expect(throws: SNMPError.self) { try await unknown.get([Self.sysDescr]) }
            #expect(unknownError?.code == .authenticationFailure)
            #expect(unknownError?.message.contains("does not know") == true)

            // "sha" has no privacy key on the agent.
            let shaWithPrivacy = SNMPv3Security(
                user: "sha", auth: (.sha, SNMPDaemon.authKey), priv: (.aes, SNMPDaemon.privKey))
            let level = try client.session(for: daemon.target(.v3(shaWithPrivacy), retries: 0))
            let levelError = await #expect(throws: SNMPError.self) { try await level.get([Self.sysDescr]) }
            #expect(levelError?.code == .authenticationFailure)

            let wrongPriv = try client.session(
                for: daemon.target(
                    .v3(
                        SNMPv3Security(
                            user: "shaaes", auth: (.sha, SNMPDaemon.authKey), priv: (.aes, "wrong-priv-pass"))),
                    timeoutMilliseconds: 200, retries: 0))
            let privError = await #expect(throws: SNMPError.self) { try await wrongPriv.get([Self.sysDescr]) }
            #expect(privError?.code == .timeout)
            #expect(privError?.message.contains("privacy") == true)
            await client.shutdown()
        }
    }

    @Test("a second session with the same v3 user and other keys is refused; the first keeps working")
    func conflictingKeys() async throws {
        try await SNMPDaemon.with { daemon in
            let client = SNMPClient()
            let user = SNMPDaemon.user(.sha, .aes)
            let good = try client.session(for: daemon.target(.v3(user.security)))
            let expected = try await good.get([Self.sysDescr])
            let otherKeys = SNMPv3Security(
                user: user.name, auth: (.sha, "another-auth-key"), priv: (.aes, SNMPDaemon.privKey))
            let bad = try client.session(for: daemon.target(.v3(otherKeys), retries: 0))
            let error = await #expect(throws: SNMPError.self) { try await bad.get([Self.sysDescr]) }
            #expect(error?.code == .invalidRequest, "\(String(describing: error))")
            #expect(error?.message.contains("other keys") == true)
            #expect(try await good.get([Self.sysDescr]) == expected)

            // Another client, same keys: shares the user.
            let otherClient = SNMPClient()
            let same = try otherClient.session(for: daemon.target(.v3(user.security)))
            #expect(try await same.get([Self.sysDescr]) == expected)
            await otherClient.shutdown()
            await client.shutdown()

            // Once the holders are closed, other keys may take the user (and fail on this agent).
            let third = SNMPClient()
            let retry = try third.session(for: daemon.target(.v3(otherKeys), retries: 0))
            let retryError = await #expect(throws: SNMPError.self) { try await retry.get([Self.sysDescr]) }
            #expect(retryError?.code == .authenticationFailure, "\(String(describing: retryError))")
            await third.shutdown()
        }
    }

    @Test("secrets never appear in errors of timeouts and authentication failures")
    func secretsStayOutOfErrors() async throws {
        try await SNMPDaemon.with { daemon in
            let client = SNMPClient()
            let community: Secret = "Community-S3cret-4711"
            let authKey: Secret = "Auth-S3cret-0815"
            let privKey: Secret = "Priv-S3cret-1234"
            let timedOut = try client.session(
                for: daemon.target(.v2c(community: community), timeoutMilliseconds: 100, retries: 0))
            let timeout = await #expect(throws: SNMPError.self) { try await timedOut.get([Self.sysDescr]) }
            let v3 = try client.session(
                for: daemon.target(
                    .v3(SNMPv3Security(user: "shaaes", auth: (.sha, authKey), priv: (.aes, privKey))), retries: 0))
            let authFailure = await #expect(throws: SNMPError.self) {
                try await v3.walk(Self.system, maxRepetitions: 5)
            }
            let v3Timeout = try client.session(
                for: SNMPTarget(
                    host: "127.0.0.1", port: TestEnvironment.freeUDPPort(),
                    credentials: .v3(SNMPv3Security(user: "shaaes", auth: (.sha, authKey), priv: (.aes, privKey))),
                    timeoutMilliseconds: 100, retries: 0))
            let discoveryTimeout = await #expect(throws: SNMPError.self) { try await v3Timeout.get([Self.sysDescr]) }
            #expect(timeout?.code == .timeout)
            #expect(authFailure?.code == .authenticationFailure)
            #expect(discoveryTimeout?.code == .timeout)
            for error in [timeout, authFailure, discoveryTimeout].compactMap({ $0 }) {
                let texts = [
                    error.description, error.message, error.target, String(reflecting: error), "\(error)",
                ]
                for secret in [community, authKey, privKey] {
                    #expect(!texts.contains { $0.contains(secret.value) }, "a secret leaked into: \(error)")
                }
            }
            for session in [timedOut, v3, v3Timeout] {
                #expect(!session.targetDescription.contains("S3cret"))
                #expect(!String(describing: session.target).contains("S3cret"))
            }
            await client.shutdown()
        }
    }
}
