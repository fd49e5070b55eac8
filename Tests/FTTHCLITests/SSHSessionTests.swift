import CLIModel
import Crypto
import NIOSSH
import Testing

@testable import FTTHCLI

/// SSH against an in-test swift-nio-ssh server: host-key pinning, password authentication, a pty
/// shell playing a Huawei OLT.
struct SSHSessionTests {
    static func target(port: Int, hostKey: String?, password: String = "secret") -> CLITarget {
        CLITarget(
            host: "127.0.0.1", port: port, transport: .ssh, username: "admin", password: password,
            hostKey: hostKey, loginTimeout: .seconds(30), commandTimeout: .seconds(30))
    }

    @Test func pinnedKeyLogsInAndRunsCommands() async throws {
        let server = try await FakeSSHServer.start()
        defer { Task { await server.stop() } }
        let session = try await CLIShellSession.connect(
            Self.target(port: server.port, hostKey: server.hostKey), style: .huawei)
        #expect(session.loginPrompt == "MA5600T>")
        let version = try await session.run("display version", timeout: .seconds(30))
        #expect(version == CLIOutput(text: "  VERSION : MA5600V800R018C10\n  PATCH   : SPC200", prompt: "MA5600T>"))
        let long = try await session.run("display long", timeout: .seconds(30))
        #expect(long.text == FakeOLT.longRows.joined(separator: "\n"))
        await session.close()
    }

    @Test func shellThatAsksForTheUserAgainIsAnswered() async throws {
        let server = try await FakeSSHServer.start(asksForLoginInShell: true)
        defer { Task { await server.stop() } }
        let session = try await CLIShellSession.connect(
            Self.target(port: server.port, hostKey: server.hostKey), style: .huawei)
        #expect(session.loginPrompt == "MA5600T>")
        let version = try await session.run("display version", timeout: .seconds(30))
        #expect(version.text.contains("VERSION"))
        await session.close()
    }

    @Test func unpinnedKeyIsRejectedNamingTheOfferedKey() async throws {
        let server = try await FakeSSHServer.start()
        defer { Task { await server.stop() } }
        let error = await #expect(throws: CLIError.self) {
            try await CLIShellSession.connect(Self.target(port: server.port, hostKey: nil), style: .huawei)
        }
        #expect(error?.code == .hostKeyRejected)
        #expect(error?.message.contains(server.hostKey) == true)
        #expect(error?.message.contains("host_key") == true)
        #expect(error?.message.contains("no host key is pinned") == true)
    }

    @Test func otherPinnedKeyIsRejected() async throws {
        let server = try await FakeSSHServer.start()
        defer { Task { await server.stop() } }
        let other = String(openSSHPublicKey: NIOSSHPrivateKey(ed25519Key: Curve25519.Signing.PrivateKey()).publicKey)
        let error = await #expect(throws: CLIError.self) {
            try await CLIShellSession.connect(Self.target(port: server.port, hostKey: other), style: .huawei)
        }
        #expect(error?.code == .hostKeyRejected)
        #expect(error?.message.contains(server.hostKey) == true)
        #expect(error?.message.contains("differs") == true)
    }

    @Test func malformedPinnedKeyIsRejectedBeforeConnecting() async throws {
        let error = await #expect(throws: CLIError.self) {
            try await CLIShellSession.connect(Self.target(port: 1, hostKey: "ssh-ed25519 not-base64"), style: .huawei)
        }
        #expect(error?.code == .hostKeyRejected)
    }

    @Test func wrongPasswordIsAuthenticationFailed() async throws {
        let server = try await FakeSSHServer.start()
        defer { Task { await server.stop() } }
        let error = await #expect(throws: CLIError.self) {
            try await CLIShellSession.connect(
                Self.target(port: server.port, hostKey: server.hostKey, password: "wrong"), style: .huawei)
        }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.message.contains("'admin'") == true)
    }

    @Test func droppedConnectionMidCommandIsDisconnected() async throws {
        let server = try await FakeSSHServer.start()
        defer { Task { await server.stop() } }
        let session = try await CLIShellSession.connect(
            Self.target(port: server.port, hostKey: server.hostKey), style: .huawei)
        let error = await #expect(throws: CLIError.self) { try await session.run("drop", timeout: .seconds(30)) }
        #expect(error?.code == .disconnected)
    }
}
