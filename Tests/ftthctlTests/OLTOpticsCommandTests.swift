import Foundation
import Testing

/// `ftthctl olt optics` against a running `olt-sim` process, as an engineer would use them.
@Suite(.serialized)
struct OLTOpticsCommandTests {
    /// Starts `olt-sim --synthetic 2` on free ports; returns the process and each OLT's port.
    static func startSimulator(_ cli: FTTHCtlRunner) throws -> (Process, [Int]) {
        let sim = try OLTSimProcess.start(cli, ["--synthetic", "2", "--onus-per-olt", "10", "--base-port", "0"])
        return (sim.process, sim.snmpPorts)
    }

    @Test func jsonHasOneObjectPerONUWithTheDocumentedKeys() throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        let (sim, ports) = try Self.startSimulator(cli)
        defer {
            sim.terminate()
            sim.waitUntilExit()
        }
        try #require(ports.count == 2)
        // OLT 0 is a Huawei MA5800 (PON 0/1/0), OLT 1 a ZTE C300 (PON 1/2/1).
        for (port, driver, pon) in [(ports[0], "huawei-snmp", "0/1/0"), (ports[1], "zte-snmp", "1/2/1")] {
            let result = try cli.run(
                "olt", "optics", "--driver", driver, "--host", "127.0.0.1", "--port", String(port), "--community",
                "public", "--pon", pon, "--json")
            #expect(result.status == 0, "\(result.stderr)")
            let array = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            #expect(array.count == 10)
            for object in array {
                #expect(Set(object.keys) == ["onu", "onu_rx_dbm", "onu_tx_dbm", "olt_rx_dbm", "olt_tx_dbm"])
                #expect(object["onu"] is Int)
                let rx = try #require(object["onu_rx_dbm"] as? Double)
                #expect((-28.0 ... -8.0).contains(rx))
                #expect(object["olt_tx_dbm"] is Double)
            }
            // Huawei ONT ids start at 0, ZTE ONU ids at 1.
            #expect(array.map { $0["onu"] as? Int } == Array(driver == "zte-snmp" ? 1...10 : 0...9))
        }
        // Only the ONUs asked for, and the human table.
        let some = try cli.run(
            "olt", "optics", "--driver", "huawei-snmp", "--host", "127.0.0.1", "--port", String(ports[0]),
            "--community", "public", "--pon", "0/1/0", "--onu", "2,5", "--json")
        let two = try #require(try JSONSerialization.jsonObject(with: Data(some.stdout.utf8)) as? [[String: Any]])
        #expect(two.map { $0["onu"] as? Int } == [2, 5])
        let table = try cli.run(
            "olt", "optics", "--driver", "huawei-snmp", "--host", "127.0.0.1", "--port", String(ports[0]),
            "--community", "public", "--pon", "0/1/0")
        #expect(table.stdout.contains("OLT tx"))
        #expect(table.stdout.contains("online"))
    }

    @Test func aWrongCommunityIsAClearErrorWithoutTheSecret() throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        let (sim, ports) = try Self.startSimulator(cli)
        defer {
            sim.terminate()
            sim.waitUntilExit()
        }
        let result = try cli.run(
            "olt", "optics", "--driver", "huawei-snmp", "--host", "127.0.0.1", "--port", String(ports[0]),
            "--community", "s3cret-community", "--pon", "0/1/0", "--timeout", "0.3", "--retries", "0")
        #expect(result.status != 0)
        #expect(result.stderr.contains("no SNMP answer"))
        #expect(!result.stderr.contains("s3cret-community"))
    }

    @Test(arguments: [
        (["--pon", "0/1"], "--pon '0/1' is not frame/slot/port"),
        (["--pon", "0/1/0", "--onu", "1,x"], "--onu must be ONU ids"),
        (["--pon", "0/1/0", "--priv-proto", "AES", "--v3-user", "u"], "--priv-proto needs --auth-proto"),
    ])
    func badArgumentsAreRefusedBeforeAnythingIsSent(extra: [String], message: String) throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        let base = ["olt", "optics", "--driver", "huawei-snmp", "--host", "127.0.0.1", "--port", "9"]
        let community = extra.contains("--v3-user") ? [] : ["--community", "public"]
        let (p, out, err) = cli.process(base + community + extra)
        try p.run()
        _ = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus != 0)
        #expect(stderr.contains(message), "\(stderr)")
    }
}
