import Foundation
import OLTSim
import OLTSimServer
import Testing

extension CLIServerTests {
    /// The SSH server against OpenSSH's client (`ssh`, with `sshpass` for the password).
    @Suite("SSH")
    struct SSHServerTests {
        static func ssh(port: Int, password: String = "admin", knownHosts: String? = nil, input: String) throws -> (
            Int32, String
        ) {
            var options = ["-o", "UserKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no"]
            if let knownHosts {
                options = ["-o", "UserKnownHostsFile=\(knownHosts)", "-o", "StrictHostKeyChecking=yes"]
            }
            return try ProcessRunner.run(
                "/usr/bin/sshpass",
                ["-p", password, "ssh", "-p", String(port)] + options + [
                    "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password", "-o",
                    "ConnectTimeout=30",
                    "-tt", "admin@127.0.0.1",
                ], input: input)
        }

        static var toolsPresent: Bool {
            FileManager.default.isExecutableFile(atPath: "/usr/bin/sshpass")
                && FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh")
        }

        @Test func huaweiShellOverOpenSSH() async throws {
            try #require(Self.toolsPresent, "install openssh-client and sshpass (scripts/install-deps.sh)")
            let rig = try await CLIServerRig.start()
            defer { Task { await rig.stop() } }
            let (status, output) = try Self.ssh(
                port: rig.huaweiSSH, input: "enable\nscroll 512\nconfig\ndisplay port state 0/1/0\nquit\nquit\n")
            #expect(status == 0, "ssh failed: \(output)")
            #expect(output.contains("MA5600T>"))
            #expect(!output.contains("User name:"), "SSH checks the password in the handshake")
            #expect(output.contains("TX power(dBm)"))
            #expect(output.contains("MA5600T(config)#"))
        }

        @Test func zteShellOverOpenSSH() async throws {
            try #require(Self.toolsPresent, "install openssh-client and sshpass (scripts/install-deps.sh)")
            let rig = try await CLIServerRig.start()
            defer { Task { await rig.stop() } }
            let (status, output) = try Self.ssh(
                port: rig.zteSSH, input: "terminal length 0\nshow gpon onu state gpon-olt_1/2/1\nexit\n")
            #expect(status == 0, "ssh failed: \(output)")
            #expect(output.contains("gpon-onu_1/2/1:1"))
            #expect(output.contains("ONU Number: 1/1"))
        }

        @Test func sessionCapCountsTelnetAndSSHTogether() async throws {
            try #require(Self.toolsPresent, "install openssh-client and sshpass (scripts/install-deps.sh)")
            let rig = try await CLIServerRig.start()
            defer { Task { await rig.stop() } }
            try await RawTCPConnection.with(port: rig.huaweiTelnet) { first in
                try await CLIServerRig.login(&first)
                try await RawTCPConnection.with(port: rig.huaweiTelnet) { second in
                    try await CLIServerRig.login(&second)
                    let (_, output) = try Self.ssh(port: rig.huaweiSSH, input: "enable\n")
                    #expect(output.contains("Reenter times have reached the upper limit."), "ssh said: \(output)")
                    #expect(!output.contains("MA5600T>"))
                }
            }
        }

        @Test func wrongPasswordIsRefusedInTheHandshake() async throws {
            try #require(Self.toolsPresent, "install openssh-client and sshpass (scripts/install-deps.sh)")
            let rig = try await CLIServerRig.start()
            defer { Task { await rig.stop() } }
            let (status, output) = try Self.ssh(port: rig.huaweiSSH, password: "wrong", input: "quit\n")
            #expect(status != 0)
            #expect(!output.contains("MA5600T>"))
        }

        @Test func hostKeyIsKeptInItsFileAndMatchesWhatTheServerPresents() async throws {
            try #require(Self.toolsPresent, "install openssh-client and sshpass (scripts/install-deps.sh)")
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("olt-sim-key-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let keyDirectory = dir.appendingPathComponent("keys").path
            let first = try await CLIServerRig.start(hostKeyDirectory: keyDirectory)
            let key = try #require(first.endpoints[0].hostKey)
            #expect(key.hasPrefix("ssh-ed25519 AAAA"))
            await first.stop()
            let second = try await CLIServerRig.start(hostKeyDirectory: keyDirectory)
            defer { Task { await second.stop() } }
            #expect(second.endpoints[0].hostKey == key)
            let knownHosts = dir.appendingPathComponent("known_hosts").path
            try "[127.0.0.1]:\(second.huaweiSSH) \(key)\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)
            let (status, output) = try Self.ssh(port: second.huaweiSSH, knownHosts: knownHosts, input: "quit\n")
            #expect(status == 0, "ssh refused the pinned key: \(output)")
        }
    }
}
