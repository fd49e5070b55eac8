import SNMPAgent
import SNMPModel
import Testing

/// Configuration checks happen when the server is created, with errors a person can act on.
@Suite("configuration")
struct ConfigurationTests {
    @Test("a DES user is refused at configuration time")
    func desIsRefused() {
        var configuration = SNMPAgentConfiguration.test()
        configuration.users.append(
            .init(SNMPv3Security(user: "legacy", auth: (.md5, "md5password"), priv: (.des, "despassword"))))
        do throws(SNMPAgentError) {
            _ = try SNMPAgentServer(configuration: configuration, view: StaticMIBView([]))
            Issue.record("a DES user was accepted")
        } catch {
            #expect(error.code == .unsupportedPrivacyProtocol)
            #expect(error.message.contains("'legacy'"))
            #expect(error.message.contains("DES is not supported by the simulator"))
        }
    }

    static let invalid: [(String, @Sendable (inout SNMPAgentConfiguration) -> Void)] = [
        ("port", { $0.port = 70000 }),
        ("versions", { $0.versions = [] }),
        ("engine ID", { $0.engineID = [1, 2] }),
        ("boots", { $0.engineBoots = -1 }),
        ("delay", { $0.responseDelay = .milliseconds(-1) }),
        ("rate", { $0.maxRequestsPerSecond = 0 }),
        ("message size", { $0.maxMessageSize = 100 }),
        ("short password", { $0.users = [.init(SNMPv3Security(user: "u", auth: (.sha, "short")))] }),
        (
            "short privacy password",
            { $0.users = [.init(SNMPv3Security(user: "u", auth: (.sha, "longenough"), priv: (.aes, "short")))] }
        ),
        ("empty user", { $0.users = [.init(SNMPv3Security(user: ""))] }),
        ("duplicate user", { $0.users = [.init(TestUsers.sha), .init(TestUsers.sha)] }),
    ]

    @Test("out-of-range values are refused", arguments: invalid.map(\.0))
    func invalidValues(_ name: String) {
        var configuration = SNMPAgentConfiguration.test()
        Self.invalid.first { $0.0 == name }!.1(&configuration)
        #expect(throws: SNMPAgentError.self) { try configuration.validate() }
        do throws(SNMPAgentError) {
            try configuration.validate()
        } catch {
            #expect(error.code == .invalidConfiguration, "\(error)")
        }
    }

    @Test("the default engine ID is stable, RFC 3411 shaped and depends on the seed")
    func engineID() {
        let first = SNMPAgentConfiguration.engineID(seed: "olt-1")
        #expect(first == SNMPAgentConfiguration.engineID(seed: "olt-1"))
        #expect(first != SNMPAgentConfiguration.engineID(seed: "olt-2"))
        #expect(first.count == 13)
        #expect(first[0] & 0x80 != 0)
        #expect(SNMPAgentConfiguration().engineID == SNMPAgentConfiguration().engineID)
        #expect(throws: Never.self) { try SNMPAgentConfiguration().validate() }
    }

    @Test("a server cannot be started twice, and a busy port is a bind error")
    func startTwiceAndBusyPort() async throws {
        try await withAgent { agent, _ in
            await #expect(throws: SNMPAgentError.self) { try await agent.start() }
            var taken = SNMPAgentConfiguration.test()
            taken.port = agent.port!
            let second = try SNMPAgentServer(configuration: taken, view: StaticMIBView([]))
            do throws(SNMPAgentError) {
                try await second.start()
                await second.stop()
                Issue.record("bound a port that is in use")
            } catch {
                #expect(error.code == .bindFailed)
                #expect(error.underlying != nil)
            }
        }
    }

    @Test("run() serves until its task is cancelled")
    func runUntilCancelled() async throws {
        let agent = try SNMPAgentServer(configuration: .test(), view: StaticMIBView(MIBFixture.bindings))
        let task = Task { try await agent.run() }
        let port = try #require(await agent.waitForPort())
        let result = try await NetSNMPTool.run(
            "snmpget", ["-v2c", "-c", "public", "udp:127.0.0.1:\(port)", "\(MIBFixture.sysName)"])
        #expect(result.status == 0, "\(result)")
        task.cancel()
        try await task.value
        // Cancelled: the socket is closed and the server can run again.
        #expect(agent.port == nil)
        let again = try await agent.start()
        #expect(again > 0)
        await agent.stop()
    }
}
