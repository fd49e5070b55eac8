import SNMPAgent
import SNMPModel

/// The v3 users every test agent knows, one per security level and protocol net-snmp offers.
enum TestUsers {
    static let noAuth = SNMPv3Security(user: "noauth")
    static let md5 = SNMPv3Security(user: "md5user", auth: (.md5, "md5password"))
    static let sha = SNMPv3Security(user: "shauser", auth: (.sha, "shapassword"))
    static let sha256 = SNMPv3Security(user: "sha256user", auth: (.sha256, "sha256password"))
    static let shaAES = SNMPv3Security(user: "shaaes", auth: (.sha, "shaaespassword"), priv: (.aes, "aesprivpassword"))
    static let sha256AES = SNMPv3Security(
        user: "sha256aes", auth: (.sha256, "sha256aespassword"), priv: (.aes, "aes256privpassword"))
    static let md5AESReadOnly = SNMPv3Security(
        user: "md5aesro", auth: (.md5, "md5aespassword"), priv: (.aes, "md5aesprivpass"))

    static let all: [SNMPAgentConfiguration.User] =
        [noAuth, md5, sha, sha256, shaAES, sha256AES].map { SNMPAgentConfiguration.User($0) }
        + [SNMPAgentConfiguration.User(md5AESReadOnly, access: .readOnly)]

    /// net-snmp arguments selecting `user`'s security.
    static func arguments(_ user: SNMPv3Security) -> [String] {
        var arguments = ["-v3", "-u", user.user, "-l", user.level.rawValue]
        if let auth = user.auth { arguments += ["-a", auth.protocol.rawValue, "-A", auth.key.value] }
        if let priv = user.priv { arguments += ["-x", priv.protocol.rawValue, "-X", priv.key.value] }
        return arguments
    }
}

extension SNMPAgentConfiguration {
    /// A loopback agent on a free port with "public" (read-only), "private" (read-write) and the test users.
    static func test(
        responseDelay: Duration = .zero, maxRequestsPerSecond: Int? = nil, maxMessageSize: Int = 1472
    ) -> SNMPAgentConfiguration {
        SNMPAgentConfiguration(
            host: "127.0.0.1", port: 0, readOnlyCommunities: ["public"], readWriteCommunities: ["private"],
            users: TestUsers.all, responseDelay: responseDelay, maxRequestsPerSecond: maxRequestsPerSecond,
            maxMessageSize: maxMessageSize)
    }
}

/// Runs `body` against an agent started on 127.0.0.1 with a free port, and stops it afterwards.
func withAgent<R>(
    _ configuration: SNMPAgentConfiguration = .test(),
    view: any MIBView = StaticMIBView(MIBFixture.bindings),
    clock: some Clock<Duration> = ContinuousClock(),
    _ body: (_ agent: SNMPAgentServer, _ target: String) async throws -> R
) async throws -> R {
    let agent = try SNMPAgentServer(configuration: configuration, view: view, clock: clock)
    let port = try await agent.start()
    do {
        let result = try await body(agent, "udp:127.0.0.1:\(port)")
        await agent.stop()
        return result
    } catch {
        await agent.stop()
        throw error
    }
}
