import FTTHCore
import FTTHDrivers
import FTTHSNMP
import Foundation
import OLTSim
import OLTSimServer
import SNMPModel
import Testing

/// The whole southbound path with real parts: our net-snmp client and net-snmp's own tools
/// against olt-sim's Swift agents on loopback, and the drivers on top.
@Suite("olt-sim over the wire", .serialized)
struct SimulatorOverTheWireTests {
    static let testONT = ONUSerial("HWTC7E570001")!
    static let v3 = SNMPv3Security(user: "ftth", auth: (.sha, "ftth-auth-pass"), priv: (.aes, "ftth-priv-pass"))

    static func city() -> SimConfiguration {
        var c = SimConfiguration.synthetic(olts: 2, onusPerOLT: 40)
        c.olts[0].snmp.v3Users = [
            SimV3User(user: "ftth", auth: (.sha, "ftth-auth-pass"), priv: (.aes, "ftth-priv-pass"))
        ]
        c.olts[0].pons[0].splitters[0].onts[0] = SimONT(port: 1, serial: testONT)  // the test ONT, not yet configured
        return c
    }

    /// A running simulator with its agents, stopped by `close()`.
    struct Rig {
        let clock = ManualSimClock()
        let simulator: OLTSimulator
        let agents: SimulatorAgents
        let ports: [Int]
        let client = SNMPClient()

        init() async throws {
            simulator = OLTSimulator(configuration: SimulatorOverTheWireTests.city(), clock: clock)
            agents = try SimulatorAgents(simulator: simulator)
            ports = try await agents.start().map(\.port)
        }

        func session(
            _ olt: Int, _ credentials: SNMPCredentials = .v2c(community: "public"), timeout: Int = 5000,
            retries: Int = 1
        ) throws -> SNMPSession {
            try client.session(
                for: SNMPTarget(
                    host: "127.0.0.1", port: ports[olt], credentials: credentials, timeoutMilliseconds: timeout,
                    retries: retries))
        }

        func close() async {
            await client.shutdown()
            await agents.stop()
        }
    }

    /// Runs snmpbulkwalk on a thread of its own: waiting for it on one of the few cooperative
    /// threads would starve the in-process agents that must answer it.
    static func snmpbulkwalk(_ arguments: [String]) async throws -> [String] {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try runSnmpbulkwalk(arguments) }) }.start()
        }
    }

    static func runSnmpbulkwalk(_ arguments: [String]) throws -> [String] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/snmpbulkwalk")
        // Generous timeout and retries: the test suite runs many agents and tools at once.
        p.arguments = ["-m", "", "-On", "-Oe", "-t", "5", "-r", "3"] + arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { !$0.contains("No more variables") }
    }

    /// `.1.3.6… = INTEGER: -948` → (OID, "-948"), the way net-snmp prints numbers and strings.
    static func netSNMPLine(_ b: VarBind) -> String {
        let value: String
        switch b.value {
        case .integer(let v): value = "INTEGER: \(v)"
        case .octetString(let bytes):
            if let s = b.value.stringValue, s.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7f }) {
                value = s.isEmpty ? "\"\"" : "STRING: \"\(s)\""
            } else {
                value =
                    "Hex-STRING: "
                    + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) }.joined(separator: " ")
                    + " "
            }
        case .timeTicks(let t): value = "Timeticks: (\(t))"
        case .objectIdentifier(let o): value = "OID: .\(o)"
        default: value = b.value.description
        }
        return ".\(b.oid) = \(value)"
    }

    @Test func ourClientAndSnmpbulkwalkReadTheSameBindings() async throws {
        let rig = try await Rig()
        for (olt, root) in [(0, "1.3.6.1.4.1.2011.6.128.1.1.2"), (1, "1.3.6.1.4.1.3902")] {
            // As generous as snmpbulkwalk below: on a busy machine one answer may come late.
            let ours = try await rig.session(olt, timeout: 5000, retries: 3).walk(OID(root)!, maxRepetitions: 20)
            let theirs = try await Self.snmpbulkwalk([
                "-v2c", "-c", "public", "-Cr20", "127.0.0.1:\(rig.ports[olt])", root,
            ])
            #expect(ours.count > 100)
            #expect(theirs.count == ours.count)
            let mismatch = zip(ours.map(Self.netSNMPLine), theirs).first { $0 != $1 }
            #expect(mismatch == nil, "first difference: \(String(describing: mismatch))")
        }
        // v3 authPriv (SHA + AES) gives the same rows as v2c.
        let v2c = try await rig.session(0).walk("1.3.6.1.4.1.2011.6.128.1.1.2.51.1.4", maxRepetitions: 10)
        let v3 = try await rig.session(0, .v3(Self.v3)).walk("1.3.6.1.4.1.2011.6.128.1.1.2.51.1.4", maxRepetitions: 10)
        #expect(v2c == v3)
        let tool = try await Self.snmpbulkwalk([
            "-v3", "-l", "authPriv", "-u", "ftth", "-a", "SHA", "-A", "ftth-auth-pass", "-x", "AES", "-X",
            "ftth-priv-pass",
            "127.0.0.1:\(rig.ports[0])", "1.3.6.1.4.1.2011.6.128.1.1.2.51.1.4",
        ])
        #expect(tool.count == v2c.count)
        #expect(zip(tool, v2c.map(Self.netSNMPLine)).allSatisfy { $0 == $1 })
        await rig.close()
    }

    @Test func driversReadTheSameOverTheWireAsInProcess() async throws {
        let rig = try await Rig()
        let olt = rig.simulator.olts[0]
        let pon = olt.config.pons[0].address
        let wire = HuaweiSNMPDriver(snmp: try rig.session(0, .v3(Self.v3)), olt: olt.config.address)
        let local = HuaweiSNMPDriver(snmp: LocalSNMPRequester(rig.simulator.mibs[0]), olt: olt.config.address)
        let a = try await wire.readOptics(pon: pon, onuIDs: nil)
        let b = try await local.readOptics(pon: pon, onuIDs: nil)
        #expect(a.onus == b.onus)
        #expect(a.oltTx == b.oltTx)
        #expect(a.onus.count == 39)  // 40 generated, the first replaced by the unconfigured test ONT
        let zte = ZTESNMPDriver(snmp: try rig.session(1), olt: rig.simulator.olts[1].config.address)
        let z = try await zte.readOptics(pon: rig.simulator.olts[1].config.pons[0].address, onuIDs: nil)
        #expect(z.onus.count == 40)
        #expect(z.onus.allSatisfy { $0.runState == .online && $0.onuRx.value != nil && $0.oltRx.value != nil })
        #expect(z.oltTx.value != nil)
        await rig.close()
    }

    @Test func aTestONUProvisionedOverTheWireComesOnlineAndIsRemoved() async throws {
        let rig = try await Rig()
        let olt = rig.simulator.olts[0]
        let pon = olt.config.pons[0].address
        let driver = HuaweiSNMPDriver(snmp: try rig.session(0, .v2c(community: "private")), olt: olt.config.address)
        let spec = TestONUSpec(
            pon: pon, name: "FT-0A640001-0-1-0-S1-P1", serial: Self.testONT, svlan: VLANID(1001)!, cvlan: VLANID(3000)!,
            lineProfile: "ftth-test", serviceProfile: "ftth-test")
        let id = try await driver.provision(spec)
        #expect(try await driver.provision(spec) == id)
        #expect(try await driver.runState(pon: pon, onuID: id) == .offline)
        rig.clock.advance(by: 5)
        #expect(try await driver.runState(pon: pon, onuID: id) == .online)
        let optics = try await driver.readOptics(pon: pon, onuIDs: [id])
        #expect(optics.onus.first?.onuRx.value != nil)
        try await driver.remove(pon: pon, onuID: id)
        try await driver.remove(pon: pon, onuID: id)
        #expect(!olt.configuredONUs(on: pon).contains { $0.id == id })
        // The read-only community cannot provision.
        let readOnly = HuaweiSNMPDriver(snmp: try rig.session(0), olt: olt.config.address)
        await #expect(throws: OLTDriverError.self) { _ = try await readOnly.provision(spec) }
        await rig.close()
    }

    @Test func aSilentAgentIsUnreachableAndAWrongKeyIsAnAuthenticationFailure() async throws {
        let rig = try await Rig()
        let olt = rig.simulator.olts[0]
        let pon = olt.config.pons[0].address
        rig.agents.setFault(.silent, olt: 0)
        let driver = HuaweiSNMPDriver(snmp: try rig.session(0, timeout: 300), olt: olt.config.address)
        await #expect {
            _ = try await driver.readOptics(pon: pon, onuIDs: [1])
        } throws: { error in
            guard let e = error as? OLTDriverError else { return false }
            return e.code == .unreachable && e.isTransient && !e.description.contains("public")
        }
        // Answering again: a session with room for a loaded machine reads the optics. (The 300 ms
        // one above is only for the part where silence is the expected answer.)
        rig.agents.setFault(nil, olt: 0)
        let recovered = HuaweiSNMPDriver(snmp: try rig.session(0), olt: olt.config.address)
        #expect(try await recovered.readOptics(pon: pon, onuIDs: [1]).onus.count == 1)

        let wrong = SNMPv3Security(user: "ftth", auth: (.sha, "not-the-key"), priv: (.aes, "ftth-priv-pass"))
        let badDriver = HuaweiSNMPDriver(snmp: try rig.session(0, .v3(wrong)), olt: olt.config.address)
        await #expect {
            _ = try await badDriver.readOptics(pon: pon, onuIDs: [1])
        } throws: { error in
            guard let e = error as? OLTDriverError else { return false }
            return e.code == .authenticationFailed && !e.description.contains("not-the-key")
        }
        await rig.close()
    }
}
