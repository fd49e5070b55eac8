import Foundation
import Testing

/// `ftthctl olt optics` with the CLI drivers against a running `olt-sim`: over Telnet and SSH
/// it prints what the SNMP drivers print for the same PON port.
@Suite(.serialized)
struct OLTOpticsCLIDriverTests {
    struct Simulator {
        let sim: OLTSimProcess
        /// Per OLT: SNMP port, Telnet port, SSH port, host key.
        let olts: [(snmp: Int, telnet: Int, ssh: Int, hostKey: String)]

        func stop() { sim.stop() }
    }

    /// `olt-sim --synthetic 2` (a Huawei MA5800 and a ZTE C300) with their command lines.
    static func startSimulator(_ cli: FTTHCtlRunner) throws -> Simulator {
        let sim = try OLTSimProcess.start(
            cli,
            [
                "--synthetic", "2", "--onus-per-olt", "10", "--base-port", "0", "--cli-base-port", "0",
                "--cli-password", "s3cret",
            ])
        func field(_ line: Substring, _ key: String) -> Int? {
            line.split(separator: " ").first { $0.hasPrefix(key + "=") }.flatMap { Int($0.dropFirst(key.count + 1)) }
        }
        var olts: [(Int, Int, Int, String)] = []
        for (snmp, line) in zip(sim.snmpPorts, sim.cliLines) {
            guard let telnet = field(line, "telnet"), let ssh = field(line, "ssh"),
                let key = line.range(of: "host-key=")
            else { continue }
            olts.append((snmp, telnet, ssh, String(line[key.upperBound...])))
        }
        return Simulator(sim: sim, olts: olts)
    }

    static func json(_ text: String) throws -> [[String: Double]] {
        let array = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        return array.map { $0.compactMapValues { $0 as? Double } }
    }

    @Test func telnetAndSSHPrintWhatSNMPPrints() throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        let sim = try Self.startSimulator(cli)
        defer { sim.stop() }
        try #require(sim.olts.count == 2)
        for (index, driver, pon) in [(0, "huawei", "0/1/0"), (1, "zte", "1/2/1")] {
            let olt = sim.olts[index]
            let snmp = try cli.run(
                "olt", "optics", "--driver", "\(driver)-snmp", "--host", "127.0.0.1", "--port", String(olt.snmp),
                "--community", "public", "--pon", pon, "--json")
            #expect(snmp.status == 0, "\(snmp.stderr)")
            // The password from the environment, as the issue asks: it stays out of the process list.
            let telnet = try cli.run(
                [
                    "olt", "optics", "--driver", "\(driver)-cli", "--host", "127.0.0.1", "--port", String(olt.telnet),
                    "--username", "admin", "--pon", pon, "--json",
                ], environment: ["FTTH_OLT_PASSWORD": "s3cret"])
            #expect(telnet.status == 0, "\(telnet.stderr)")
            let ssh = try cli.run(
                "olt", "optics", "--driver", "\(driver)-cli", "--host", "127.0.0.1", "--port", String(olt.ssh), "--ssh",
                "--host-key", olt.hostKey, "--username", "admin", "--password", "s3cret", "--pon", pon, "--json")
            #expect(ssh.status == 0, "\(ssh.stderr)")
            let expected = try Self.json(snmp.stdout)
            #expect(expected.count == 10)
            #expect(try Self.json(telnet.stdout) == expected)
            #expect(try Self.json(ssh.stdout) == expected)
        }
    }

    /// The key `olt hostkey` prints is the one olt-sim says it serves, and pinning its
    /// fingerprint instead of the line works as well.
    @Test func hostkeyPrintsTheKeyToPin() throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        let sim = try Self.startSimulator(cli)
        defer { sim.stop() }
        let huawei = try #require(sim.olts.first)
        let shown = try cli.run("olt", "hostkey", "--host", "127.0.0.1", "--port", String(huawei.ssh))
        #expect(shown.status == 0, "\(shown.stderr)")
        let lines = shown.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == huawei.hostKey)
        let fingerprint = try #require(lines.last)
        #expect(fingerprint.hasPrefix("SHA256:"))
        let pinned = try cli.run(
            "olt", "optics", "--driver", "huawei-cli", "--ssh", "--host", "127.0.0.1", "--port", String(huawei.ssh),
            "--host-key", fingerprint, "--username", "admin", "--password", "s3cret", "--pon", "0/1/0", "--json")
        #expect(pinned.status == 0, "\(pinned.stderr)")
    }

    @Test func refusalsAreClearAndKeepThePasswordOut() throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        let sim = try Self.startSimulator(cli)
        defer { sim.stop() }
        try #require(sim.olts.count == 2)
        let huawei = sim.olts[0]
        let wrong = try cli.run(
            "olt", "optics", "--driver", "huawei-cli", "--host", "127.0.0.1", "--port", String(huawei.telnet),
            "--username", "admin", "--password", "not-the-password", "--pon", "0/1/0")
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("login refused"), "\(wrong.stderr)")
        #expect(wrong.stderr.contains("Username or password invalid"))
        #expect(!wrong.stderr.contains("not-the-password"))

        let unpinned = try cli.run(
            "olt", "optics", "--driver", "huawei-cli", "--host", "127.0.0.1", "--port", String(huawei.ssh), "--ssh",
            "--username", "admin", "--password", "s3cret", "--pon", "0/1/0")
        #expect(unpinned.status != 0)
        #expect(unpinned.stderr.contains(huawei.hostKey), "\(unpinned.stderr)")
        #expect(unpinned.stderr.contains("--host-key"))
    }

    @Test(arguments: [
        (["--password", "x"], "--username is required"),
        (["--username", "admin"], "give --password or set FTTH_OLT_PASSWORD"),
        (["--username", "admin", "--password", "x", "--host-key", "ssh-ed25519 AAAA"], "--host-key is for SSH"),
    ])
    func badArgumentsAreRefusedBeforeAnythingIsSent(extra: [String], message: String) throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        let result = try cli.run(
            ["olt", "optics", "--driver", "zte-cli", "--host", "127.0.0.1", "--port", "9", "--pon", "1/2/1"] + extra,
            environment: ["FTTH_OLT_PASSWORD": ""])
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
