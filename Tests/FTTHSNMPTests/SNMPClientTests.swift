import Foundation
import SNMPModel
import Testing

@testable import FTTHSNMP

/// The client without an agent: validation, absent agents, the in-flight limit, shutdown.
@Suite("SNMPClient without an agent")
struct SNMPClientTests {
    static let sysDescr: OID = "1.3.6.1.2.1.1.1.0"

    /// A target on 127.0.0.1 where nothing listens: requests simply get no answer.
    static func absentAgent(_ credentials: SNMPCredentials = .v2c(community: "public"), timeout: Int, retries: Int)
        -> SNMPTarget
    {
        SNMPTarget(
            host: "127.0.0.1", port: TestEnvironment.freeUDPPort(), credentials: credentials,
            timeoutMilliseconds: timeout, retries: retries)
    }

    @Test(
        "an agent that is not there times out after timeout × (retries + 1)",
        arguments: [
            SNMPCredentials.v2c(community: "public"),
            .v3(SNMPv3Security(user: "ops", auth: (.sha256, "auth-pass-1234"), priv: (.aes, "priv-pass-5678"))),
        ])
    func absentAgentTimesOut(_ credentials: SNMPCredentials) async throws {
        let client = SNMPClient()
        let session = try client.session(for: Self.absentAgent(credentials, timeout: 200, retries: 2))
        let start = ContinuousClock.now
        let error = await #expect(throws: SNMPError.self) { try await session.get([Self.sysDescr]) }
        let elapsed = ContinuousClock.now - start
        #expect(error?.code == .timeout, "\(String(describing: error))")
        #expect(error?.message.contains("600 ms") == true, "\(String(describing: error))")
        #expect(error?.target == session.targetDescription)
        // Only the lower bound: an upper bound on wall time would fail on a loaded machine, and
        // speed is the benchmarks' business, not the tests'.
        #expect(elapsed >= .milliseconds(600))
        await client.shutdown()
    }

    @Test("requests beyond maxInFlight wait in order; never more than maxInFlight are on the wire")
    func inFlightLimit() async throws {
        let client = SNMPClient()
        let session = try client.session(for: Self.absentAgent(timeout: 100, retries: 0), maxInFlight: 2)
        let start = ContinuousClock.now
        let finished = await withTaskGroup(of: (Int, Duration).self) { group in
            for index in 0..<8 {
                group.addTask {
                    _ = try? await session.get([Self.sysDescr.appending(UInt32(index))])
                    return (index, ContinuousClock.now - start)
                }
            }
            var finished: [(Int, Duration)] = []
            for await result in group { finished.append(result) }
            return finished
        }
        #expect(session.inFlightHighWater == 2)
        #expect(session.requestsInFlight == 0)
        #expect(session.requestsQueued == 0)
        // Four waves of two 100 ms timeouts.
        let slowest = finished.map(\.1).max() ?? .zero
        #expect(slowest >= .milliseconds(400))
        await client.shutdown()
    }

    @Test("shutdown fails requests in flight and queued, and later ones at once")
    func shutdownFailsOutstandingRequests() async throws {
        let client = SNMPClient()
        let session = try client.session(for: Self.absentAgent(timeout: 5000, retries: 3), maxInFlight: 1)
        let outcomes = Task {
            await withTaskGroup(of: SNMPError?.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        do {
                            _ = try await session.get([Self.sysDescr])
                            return nil
                        } catch {
                            return error as? SNMPError
                        }
                    }
                }
                return await group.reduce(into: [SNMPError?]()) { $0.append($1) }
            }
        }
        // Wait (bounded) until the first request is on the wire and the others queue.
        let deadline = ContinuousClock.now + .seconds(5)
        while session.requestsInFlight + session.requestsQueued < 3, ContinuousClock.now < deadline {
            await Task.yield()
        }
        let start = ContinuousClock.now
        await client.shutdown()
        let errors = await outcomes.value
        // The requests had 5 s × 4 attempts left: failing within 10 s means shutdown did not wait for them.
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(errors.count == 3)
        #expect(errors.allSatisfy { $0?.code == .transport && $0?.message.contains("shut down") == true })
        let late = await #expect(throws: SNMPError.self) { try await session.get([Self.sysDescr]) }
        #expect(late?.code == .transport)
        #expect(throws: SNMPError.self) { try client.session(for: Self.absentAgent(timeout: 100, retries: 0)) }
    }

    @Test("an unresolvable host is a transport error")
    func unresolvableHost() async throws {
        let client = SNMPClient()
        let session = try client.session(
            for: SNMPTarget(host: "olt.does-not-exist.invalid", credentials: .v2c(community: "public")))
        let error = await #expect(throws: SNMPError.self) { try await session.get([Self.sysDescr]) }
        #expect(error?.code == .transport)
        #expect(error?.message.contains("olt.does-not-exist.invalid") == true)
        await client.shutdown()
    }

    @Test("bad requests are refused before anything is sent")
    func invalidRequests() async throws {
        let client = SNMPClient()
        let v2c = try client.session(for: Self.absentAgent(timeout: 100, retries: 0))
        let v1 = try client.session(for: Self.absentAgent(.v1(community: "public"), timeout: 100, retries: 0))
        let requests: [(String, @Sendable () async throws -> Void)] = [
            ("walk with 0 repetitions", { _ = try await v2c.walk("1.3.6.1", maxRepetitions: 0) }),
            (
                "GETBULK with 0 repetitions",
                { _ = try await v2c.getBulk(["1.3.6.1"], nonRepeaters: 0, maxRepetitions: 0) }
            ),
            (
                "GETBULK with bad non-repeaters",
                { _ = try await v2c.getBulk(["1.3.6.1"], nonRepeaters: 2, maxRepetitions: 5) }
            ),
            ("GETBULK on v1", { _ = try await v1.getBulk(["1.3.6.1"], nonRepeaters: 0, maxRepetitions: 5) }),
            ("GET of nothing", { _ = try await v2c.get([]) }),
            ("GETNEXT of nothing", { _ = try await v2c.getNext([]) }),
            ("SET of nothing", { _ = try await v2c.set([]) }),
            ("SET of an exception", { _ = try await v2c.set([VarBind(Self.sysDescr, .noSuchObject)]) }),
        ]
        for (what, request) in requests {
            let error = await #expect(throws: SNMPError.self, "\(what)") { try await request() }
            #expect(error?.code == .invalidRequest, "\(what)")
        }
        #expect(v2c.inFlightHighWater == 0)
        await client.shutdown()
    }

    @Test("targets that cannot work are refused when the session is created")
    func invalidTargets() async throws {
        let client = SNMPClient()
        let targets = [
            SNMPTarget(host: "127.0.0.1", port: 0, credentials: .v2c(community: "public")),
            SNMPTarget(host: "", credentials: .v2c(community: "public")),
            SNMPTarget(host: "127.0.0.1", credentials: .v2c(community: "public"), timeoutMilliseconds: 0),
            SNMPTarget(host: "127.0.0.1", credentials: .v2c(community: "public"), retries: -1),
            SNMPTarget(host: "127.0.0.1", credentials: .v2c(community: "")),
            SNMPTarget(host: "127.0.0.1", credentials: .v3(SNMPv3Security(user: "ops", auth: (.sha, "Tiny1")))),
            SNMPTarget(
                host: "127.0.0.1",
                credentials: .v3(SNMPv3Security(user: "ops", auth: (.sha, "long-enough"), priv: (.aes, "Tiny2")))),
        ]
        for target in targets {
            let error = #expect(throws: SNMPError.self, "\(target)") { try client.session(for: target) }
            #expect(error?.code == .invalidRequest)
            #expect(error.map { !"\($0)".contains("Tiny") && !"\($0)".contains("public") } == true)
        }
        #expect(throws: SNMPError.self) {
            try client.session(
                for: SNMPTarget(host: "127.0.0.1", credentials: .v2c(community: "public")), maxInFlight: 0)
        }
        await client.shutdown()
    }

    @Test("sessions are cached per target")
    func sessionsAreCached() async throws {
        let client = SNMPClient()
        let target = SNMPTarget(host: "127.0.0.1", credentials: .v2c(community: "public"))
        let first = try client.session(for: target, maxInFlight: 3)
        let second = try client.session(for: target)
        #expect(first === second)
        #expect(second.maxInFlight == 3)
        var other = target
        other.port = 1161
        #expect(try client.session(for: other) !== first)
        await client.shutdown()
    }

    @Test("DES privacy is available in this net-snmp build")
    func desAvailability() throws {
        // If this fails, session(for:) refuses DES users with a clear invalidRequest error.
        #expect(NetSNMPLibrary.desAvailable)
    }
}
