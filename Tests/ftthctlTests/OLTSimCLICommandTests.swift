import Foundation
import Testing

/// `olt-sim --cli-base-port` as a person starts it: the ports file names each OLT's Telnet and
/// SSH ports and host key, and OpenSSH logs in with `--cli-password`.
@Suite(.serialized)
struct OLTSimCLICommandTests {
    @Test func syntheticCityServesEachOLTsCommandLine() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/sshpass"),
            "install openssh-client and sshpass (scripts/install-deps.sh)")
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        let sim = try OLTSimProcess.start(
            cli,
            [
                "--synthetic", "2", "--onus-per-olt", "3", "--base-port", "0", "--cli-base-port", "0", "--cli-password",
                "s3cret",
            ])
        defer { sim.stop() }
        let seen = sim.banner
        #expect(seen.contains("SIM-OLT-1 CLI: telnet 127.0.0.1:"), "olt-sim said: \(seen)")
        let lines = sim.portLines
        let cliLines = lines.filter { $0.hasPrefix("cli ") }
        try #require(cliLines.count == 2, "ports file: \(lines)")
        // The SNMP lines keep their form: the last word is the UDP port.
        #expect(
            lines.filter { !$0.hasPrefix("cli ") }.allSatisfy {
                $0.split(separator: " ").last.flatMap { Int($0) } != nil
            })
        func field(_ line: Substring, _ key: String) -> String? {
            line.split(separator: " ").first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
        }
        let zteSSH = try #require(field(cliLines[1], "ssh").flatMap { Int($0) })
        #expect(cliLines[1].contains("host-key=ssh-ed25519 AAAA"))
        let ssh = Process()
        ssh.executableURL = URL(fileURLWithPath: "/usr/bin/sshpass")
        ssh.arguments = [
            "-p", "s3cret", "ssh", "-p", String(zteSSH), "-o", "UserKnownHostsFile=/dev/null", "-o",
            "StrictHostKeyChecking=no", "-o", "PubkeyAuthentication=no", "-o", "ConnectTimeout=30", "-tt",
            "admin@127.0.0.1",
        ]
        let input = Pipe()
        let output = Pipe()
        ssh.standardInput = input
        ssh.standardOutput = output
        ssh.standardError = output
        try ssh.run()
        input.fileHandleForWriting.write(Data("terminal length 0\nshow gpon onu state gpon-olt_1/2/1\nexit\n".utf8))
        try input.fileHandleForWriting.close()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        ssh.waitUntilExit()
        #expect(ssh.terminationStatus == 0, "ssh: \(said)")
        #expect(said.contains("gpon-onu_1/2/1:1"))
        #expect(said.contains("ONU Number: 3/3"))
    }
}
