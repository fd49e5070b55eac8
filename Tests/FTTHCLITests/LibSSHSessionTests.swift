import CLIModel
import Foundation
import Logging
import Testing

@testable import FTTHCLI

/// The libssh client against Debian's OpenSSH sshd (a real server, as an OLT's SSH is to us),
/// with OpenSSH's defaults and with only what an OLT offers. Password and keyboard-interactive
/// logins are tested against olt-sim's libssh server (OLTSimServerTests, LibSSHLoginTests).
@Suite(.serialized)
struct LibSSHSessionTests {
    static func target(
        port: Int, hostKey: String?, algorithms: SSHAlgorithms = .secure, keyFile: String? = nil,
        username: String = "root", password: String = "unused"
    ) -> CLITarget {
        CLITarget(
            host: "127.0.0.1", port: port, transport: .ssh, username: username, password: password, hostKey: hostKey,
            loginTimeout: .seconds(30), commandTimeout: .seconds(30), sshAlgorithms: algorithms,
            privateKeyFile: keyFile)
    }

    @Test(arguments: [false, true])
    func logsInToOpenSSHAndRunsCommands(legacy: Bool) async throws {
        let server = try await OpenSSHServer.start(legacy: legacy)
        defer { Task { await server.stop() } }
        let algorithms = legacy ? try SSHAlgorithms(legacy: OpenSSHServer.legacyAlgorithms) : .secure
        let session = try await LibSSHShellSession.connect(
            Self.target(
                port: server.port, hostKey: server.hostKey, algorithms: algorithms, keyFile: server.clientKeyFile),
            style: .huawei)
        #expect(session.loginPrompt == "MA5600T>", "sshd log: \(server.log)")
        if legacy {
            #expect(session.hostKey.type == "ssh-rsa")
            #expect(session.negotiated["kex"] == "diffie-hellman-group14-sha1")
            #expect(session.negotiated["mac.out"] == "hmac-sha1")
        } else {
            #expect(session.hostKey.type == "ssh-ed25519")
            #expect(SSHAlgorithms.kind(ofLegacy: session.negotiated["kex"] ?? "") == nil)
        }
        let enable = try await session.run("enable", timeout: .seconds(30))
        #expect(enable.prompt == "MA5600T#")
        let board = try await session.run("display board 0", timeout: .seconds(30))
        #expect(!board.text.isEmpty)
        await session.close()
    }

    @Test func pinnedFingerprintIsAccepted() async throws {
        let server = try await OpenSSHServer.start(legacy: false)
        defer { Task { await server.stop() } }
        let fingerprint = try #require(SSHHostKey(line: server.hostKey)?.fingerprint)
        #expect(fingerprint.hasPrefix("SHA256:"))
        let session = try await LibSSHShellSession.connect(
            Self.target(port: server.port, hostKey: fingerprint, keyFile: server.clientKeyFile), style: .huawei)
        #expect(session.hostKey.fingerprint == fingerprint)
        await session.close()
    }

    @Test func legacyOnlyServerIsRefusedWithoutTheOptIn() async throws {
        let server = try await OpenSSHServer.start(legacy: true)
        defer { Task { await server.stop() } }
        let error = await #expect(throws: CLIError.self) {
            try await LibSSHShellSession.connect(
                Self.target(port: server.port, hostKey: server.hostKey, keyFile: server.clientKeyFile), style: .huawei)
        }
        #expect(error?.code == .protocolError)
        #expect(error?.message.contains("ssh_legacy_algorithms") == true)
    }

    @Test func changedHostKeyIsRefusedNamingBothFingerprints() async throws {
        let server = try await OpenSSHServer.start(legacy: true)
        defer { Task { await server.stop() } }
        let other = server.directory.appendingPathComponent("other_rsa").path
        try OpenSSHServer.keygen(type: "rsa", file: other)
        let pinned = try String(contentsOfFile: other + ".pub", encoding: .utf8)
        let error = await #expect(throws: CLIError.self) {
            try await LibSSHShellSession.connect(
                Self.target(
                    port: server.port, hostKey: pinned,
                    algorithms: try SSHAlgorithms(legacy: OpenSSHServer.legacyAlgorithms), keyFile: server.clientKeyFile
                ), style: .huawei)
        }
        let presented = try #require(SSHHostKey(line: server.hostKey)?.fingerprint)
        let expected = try #require(SSHHostKey(line: pinned)?.fingerprint)
        #expect(error?.code == .hostKeyRejected)
        #expect(error?.message.contains(presented) == true)
        #expect(error?.message.contains(expected) == true)
    }

    @Test func presentedHostKeyIsReadWithoutLoggingIn() async throws {
        let server = try await OpenSSHServer.start(legacy: true)
        defer { Task { await server.stop() } }
        let key = try await LibSSHShellSession.presentedHostKey(
            host: "127.0.0.1", port: server.port,
            algorithms: try SSHAlgorithms(legacy: ["ssh-rsa"] + OpenSSHServer.legacyAlgorithms))
        #expect(key.line == server.hostKey)
    }

    @Test func unknownLegacyNameIsRefused() throws {
        #expect(throws: SSHAlgorithms.UnknownAlgorithm(name: "hmac-md5-96")) {
            try SSHAlgorithms(legacy: ["hmac-md5-96"])
        }
        let twice = try SSHAlgorithms(legacy: ["aes128-cbc", "aes128-cbc"])
        #expect(twice.legacyOptIn == ["aes128-cbc"])
        #expect(twice.offered(.cipher).last == "aes128-cbc")
        #expect(!SSHAlgorithms.secure.offered(.keyExchange).contains("diffie-hellman-group14-sha1"))
    }
}
