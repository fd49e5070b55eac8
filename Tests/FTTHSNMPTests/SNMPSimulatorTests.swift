import Foundation
import SNMPModel
import Testing

@testable import FTTHSNMP

/// The client against snmpsim replaying real OLTs' recordings (Resources/README.md), compared
/// with net-snmp's own snmpbulkwalk.
@Suite("SNMPClient against recorded OLTs (snmpsim)", .snmpsim)
struct SNMPSimulatorTests {
    static let huaweiOptics: OID = "1.3.6.1.4.1.2011.6.128.1.1.2.23"
    static let zteOptics: OID = "1.3.6.1.4.1.3902.1012.3.11.4.1"

    var simulator: SNMPSimulator {
        get throws { try #require(SNMPSimulator.current, "the suite's snmpsim is not running") }
    }

    @Test("the Huawei optical power table (160 rows) equals snmpbulkwalk's")
    func huaweiOpticsTable() async throws {
        let simulator = try simulator
        let client = SNMPClient()
        let session = try client.session(for: simulator.target(community: "huawei"))
        let rows = try await session.walk(Self.huaweiOptics, maxRepetitions: 25)
        let reference = try await NetSNMPTools.bulkWalk(
            port: simulator.port, community: "huawei", root: Self.huaweiOptics)
        #expect(rows.count == 160)
        expectSameWalk(rows, reference)
        await client.shutdown()
    }

    @Test("the ZTE optical table equals snmpbulkwalk's")
    func zteOpticsTable() async throws {
        let simulator = try simulator
        let client = SNMPClient()
        let session = try client.session(for: simulator.target(community: "zte"))
        let rows = try await session.walk(Self.zteOptics, maxRepetitions: 10)
        let reference = try await NetSNMPTools.bulkWalk(port: simulator.port, community: "zte", root: Self.zteOptics)
        #expect(rows.count == 250)
        expectSameWalk(rows, reference)
        await client.shutdown()
    }

    @Test(
        "whole recordings (every value type they hold) equal snmpbulkwalk's, up to the end of the MIB view",
        arguments: ["c300", "vsol"])
    func wholeRecording(_ community: String) async throws {
        let simulator = try simulator
        let client = SNMPClient()
        let session = try client.session(for: simulator.target(community: community))
        let everything = try await session.walk("1.3.6.1", maxRepetitions: 20)
        let reference = try await NetSNMPTools.bulkWalk(port: simulator.port, community: community, root: "1.3.6.1")
        #expect(!everything.isEmpty)
        // snmpsim serves its own snmpEngineTime (1.3.6.1.6.3.10.2.1.3), which ticks.
        expectSameWalk(everything, reference) { $0.isWithin("1.3.6.1.6.3.10.2.1") }
        if community == "vsol" {
            let kinds = Set(everything.map { String(describing: $0.value).prefix(while: { $0 != ":" }) })
            #expect(kinds.count >= 5, "value kinds: \(kinds.sorted())")
        }
        await client.shutdown()
    }

    @Test("SNMPv3 (SHA + AES, the recording as context) reads the Huawei table too")
    func v3WithContext() async throws {
        let simulator = try simulator
        let client = SNMPClient()
        let security = SNMPv3Security(
            user: SNMPSimulator.v3User, auth: (.sha, SNMPSimulator.v3AuthKey), priv: (.aes, SNMPSimulator.v3PrivKey),
            context: "huawei")
        let v3 = try client.session(
            for: SNMPTarget(
                host: "127.0.0.1", port: simulator.port, credentials: .v3(security), timeoutMilliseconds: 3000))
        let v2c = try client.session(for: simulator.target(community: "huawei"))
        let viaV3 = try await v3.walk(Self.huaweiOptics, maxRepetitions: 40)
        #expect(viaV3.count == 160)
        #expect(viaV3 == (try await v2c.walk(Self.huaweiOptics, maxRepetitions: 40)))
        await client.shutdown()
    }

    @Test("a wrong SNMPv3 privacy key is a decryption failure (snmpsim reports it)")
    func wrongPrivacyKey() async throws {
        let simulator = try simulator
        let client = SNMPClient()
        let security = SNMPv3Security(
            user: SNMPSimulator.v3OtherUser, auth: (.sha, SNMPSimulator.v3AuthKey), priv: (.aes, "Wrong-Priv-Key-99"),
            context: "huawei")
        let session = try client.session(
            for: SNMPTarget(
                host: "127.0.0.1", port: simulator.port, credentials: .v3(security), timeoutMilliseconds: 2000,
                retries: 0))
        let error = await #expect(throws: SNMPError.self) { try await session.get(["1.3.6.1.2.1.1.1.0"]) }
        #expect(error?.code == .decryptionFailure, "\(String(describing: error))")
        #expect(error.map { !"\($0)".contains("Wrong-Priv-Key-99") } == true)
        await client.shutdown()
    }

    @Test("200 concurrent GETs on one session: all answered, never more than 4 in flight")
    func concurrentGets() async throws {
        let simulator = try simulator
        let client = SNMPClient()
        let session = try client.session(for: simulator.target(community: "huawei"), maxInFlight: 4)
        let expected = try await session.walk("1.3.6.1.2.1", maxRepetitions: 50).prefix(200)
        #expect(expected.count == 200)
        let answers = try await withThrowingTaskGroup(of: VarBind.self) { group in
            for binding in expected {
                group.addTask { try await session.get([binding.oid])[0] }
            }
            return try await group.reduce(into: [VarBind]()) { $0.append($1) }
        }
        #expect(answers.count == 200)
        #expect(Set(answers) == Set(expected))
        #expect(session.inFlightHighWater <= 4)
        #expect(session.inFlightHighWater >= 2)
        #expect(session.requestsInFlight == 0)
        await client.shutdown()
    }

    @Test("several agents at once through the one dispatcher thread")
    func manyAgentsOneThread() async throws {
        let simulator = try simulator
        let client = SNMPClient()
        let communities = SNMPSimulator.recordings.keys.sorted()
        // The interfaces group, or the optical table of the ZTE C300 extract (all it holds).
        let roots: [String: OID] = ["c300": "1.3.6.1.4.1.3902.1015.3.1.13"]
        let sessions = try communities.map { try client.session(for: simulator.target(community: $0), maxInFlight: 3) }
        let results = try await withThrowingTaskGroup(of: (String, [VarBind], Int).self) { group in
            for (community, session) in zip(communities, sessions) {
                group.addTask {
                    let walk = try await session.walk(roots[community] ?? "1.3.6.1.2.1.2", maxRepetitions: 5)
                    let gets = try await withThrowingTaskGroup(of: Int.self) { gets in
                        for binding in walk.prefix(30) {
                            gets.addTask { try await session.get([binding.oid]) == [binding] ? 1 : 0 }
                        }
                        return try await gets.reduce(0, +)
                    }
                    return (community, walk, gets)
                }
            }
            return try await group.reduce(into: [(String, [VarBind], Int)]()) { $0.append($1) }
        }
        for (community, walk, matchingGets) in results {
            let reference = try await NetSNMPTools.bulkWalk(
                port: simulator.port, community: community, root: roots[community] ?? "1.3.6.1.2.1.2")
            #expect(!walk.isEmpty, "\(community)")
            expectSameWalk(walk, reference)
            #expect(matchingGets == min(30, walk.count), "\(community)")
        }
        #expect(sessions.allSatisfy { $0.inFlightHighWater <= 3 })
        #expect(client.diagnostics.callbackCount > 0)
        #expect(client.diagnostics.callbacksOffDispatcherThread == 0)
        #expect(client.diagnostics.peakBusyAgents >= 2)
        await client.shutdown()
    }
}
