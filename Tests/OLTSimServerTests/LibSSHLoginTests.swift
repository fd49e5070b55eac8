import CLIModel
import FTTHCLI
import Foundation
import OLTSim
import OLTSimServer
import Testing

extension CLIServerTests {
    /// The product's SSH client (libssh) against olt-sim's own libssh server, with the modern and
    /// the legacy algorithm set, by password and by keyboard-interactive.
    @Suite("libssh client against olt-sim's SSH server")
    struct LibSSHLoginTests {
        /// What an OLT that offers only old algorithms needs the client to opt in to.
        static let legacyOptIn = [
            "ssh-rsa", "diffie-hellman-group14-sha1", "diffie-hellman-group-exchange-sha1",
            "diffie-hellman-group1-sha1", "aes128-ctr", "aes256-ctr", "aes128-cbc", "hmac-sha1",
        ]

        static func target(
            port: Int, hostKey: String?, legacy: Bool, password: String = "admin"
        ) throws -> CLITarget {
            CLITarget(
                host: "127.0.0.1", port: port, transport: .ssh, username: "admin", password: password,
                hostKey: hostKey, loginTimeout: .seconds(30), commandTimeout: .seconds(30),
                sshAlgorithms: legacy ? try SSHAlgorithms(legacy: legacyOptIn) : .secure)
        }

        @Test(arguments: [SimSSHAlgorithmSet.modern, .legacy], [SimSSHAuthMethod.password, .keyboardInteractive])
        func logsInAndRunsCommands(set: SimSSHAlgorithmSet, method: SimSSHAuthMethod) async throws {
            let rig = try await CLIServerRig.start(algorithms: set, auth: [method])
            defer { Task { await rig.stop() } }
            let session = try await LibSSHShellSession.connect(
                try Self.target(port: rig.huaweiSSH, hostKey: rig.endpoints[0].hostKey, legacy: set == .legacy),
                style: .huawei)
            #expect(session.loginPrompt == "MA5600T>")
            if set == .legacy {
                #expect(session.hostKey.type == "ssh-rsa")
                #expect(session.negotiated["kex"] == "diffie-hellman-group14-sha1")
                #expect(session.negotiated["mac.out"] == "hmac-sha1")
                #expect(["aes128-ctr", "aes256-ctr", "aes128-cbc"].contains(session.negotiated["cipher.out"] ?? ""))
            } else {
                #expect(session.hostKey.type == "ssh-ed25519")
                #expect(SSHAlgorithms.kind(ofLegacy: session.negotiated["kex"] ?? "") == nil)
                #expect(SSHAlgorithms.kind(ofLegacy: session.negotiated["cipher.out"] ?? "") == nil)
            }
            let enable = try await session.run("enable", timeout: .seconds(30))
            #expect(enable.prompt == "MA5600T#")
            await session.close()
        }

        @Test func zteShellOverTheLegacySet() async throws {
            let rig = try await CLIServerRig.start(algorithms: .legacy)
            defer { Task { await rig.stop() } }
            let session = try await LibSSHShellSession.connect(
                try Self.target(port: rig.zteSSH, hostKey: rig.endpoints[1].hostKey, legacy: true), style: .zte)
            #expect(session.loginPrompt == "ZXAN#")
            let state = try await session.run("show gpon onu state gpon-olt_1/2/1", timeout: .seconds(30))
            #expect(state.text.contains("gpon-onu_1/2/1:1"))
            await session.close()
        }

        @Test func modernClientIsRefusedByTheLegacyServerNamingTheAlgorithms() async throws {
            let rig = try await CLIServerRig.start(algorithms: .legacy)
            defer { Task { await rig.stop() } }
            let error = await #expect(throws: CLIError.self) {
                try await LibSSHShellSession.connect(
                    try Self.target(port: rig.huaweiSSH, hostKey: rig.endpoints[0].hostKey, legacy: false),
                    style: .huawei)
            }
            #expect(error?.code == .protocolError)
            #expect(error?.message.contains("ssh_legacy_algorithms") == true)
            // libssh names what the server offered: the legacy algorithms the OLT would need.
            #expect(error?.message.contains("ssh-rsa") == true || error?.message.contains("sha1") == true)
        }

        @Test(arguments: [SimSSHAuthMethod.password, .keyboardInteractive])
        func wrongPasswordIsRefusedAndNeverShown(method: SimSSHAuthMethod) async throws {
            let rig = try await CLIServerRig.start(auth: [method])
            defer { Task { await rig.stop() } }
            let error = await #expect(throws: CLIError.self) {
                try await LibSSHShellSession.connect(
                    try Self.target(
                        port: rig.huaweiSSH, hostKey: rig.endpoints[0].hostKey, legacy: false, password: "wrong-pw-42"),
                    style: .huawei)
            }
            #expect(error?.code == .authenticationFailed)
            #expect(error.map { "\($0)" }?.contains("wrong-pw-42") == false)
            #expect(rig.servers.openSessions(olt: 0) == 0)
        }

        @Test func hostKeysAreKeptInTheirDirectory() async throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("olt-sim-keys-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            let first = try await CLIServerRig.start(hostKeyDirectory: dir.path, algorithms: .legacy)
            let keys = first.endpoints[0].hostKeys
            await first.stop()
            #expect(keys.count == 2)
            #expect(first.endpoints[0].hostKey?.hasPrefix("ssh-rsa AAAA") == true)
            let second = try await CLIServerRig.start(hostKeyDirectory: dir.path)
            defer { Task { await second.stop() } }
            #expect(second.endpoints[0].hostKeys == keys)
            #expect(second.endpoints[0].hostKey == keys.first)
        }
    }
}
