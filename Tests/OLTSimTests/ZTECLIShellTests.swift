import FTTHCore
import Foundation
import Testing

@testable import OLTSim

@Suite("ZTE CLI shell")
struct ZTECLIShellTests {
    static func shell(_ dialect: VendorDialect = .zteC300) throws -> (ZTECLIShell, SimulatedOLT, ManualSimClock) {
        let (sim, clock) = try CLITestCity.make(dialect)
        let shell = try #require(sim.olts[0].makeShell() as? ZTECLIShell)
        return (shell, sim.olts[0], clock)
    }

    /// Provisions ONU 2 on 1/2/1 the way docs/cli-dialects.md says, in the dialect's spelling.
    static func provision(_ s: ZTECLIShell, c600: Bool = false, auth: String = "sn HWTCA1B2C3D4") -> [SimCLIReply] {
        let olt = c600 ? "gpon_olt-1/2/1" : "gpon-olt_1/2/1"
        let onu = c600 ? "gpon_onu-1/2/1:2" : "gpon-onu_1/2/1:2"
        return [
            "configure terminal", "interface \(olt)", "onu 2 type ZTE-F660 \(auth)", "exit", "interface \(onu)",
            "name test-2", "tcont 1 profile ftth-test", "gemport 1 tcont 1",
            "service-port 1 vport 1 user-vlan 301 vlan 301 svlan 100", "exit", "end",
        ].map { s.execute($0) }
    }

    @Test func promptsAndModes() throws {
        let (s, _, _) = try Self.shell()
        #expect(s.prompt == "ZXAN#")
        #expect(s.run("terminal length 0").output == "")
        #expect(s.pageLines == 0)
        #expect(s.run("configure terminal").prompt == "ZXAN(config)#")
        #expect(s.run("interface gpon-olt_1/2/1").prompt == "ZXAN(config-if)#")
        #expect(s.run("exit").prompt == "ZXAN(config)#")
        #expect(s.run("interface gpon-onu_1/2/1:1").prompt == "ZXAN(config-if)#")
        #expect(s.run("end").prompt == "ZXAN#")
        #expect(s.run("exit").closesSession)
    }

    @Test func provisioningListsTheONUAndItsServicePort() throws {
        let (s, olt, clock) = try Self.shell()
        let replies = Self.provision(s)
        #expect(replies.allSatisfy { $0.output == "" }, "\(replies.map(\.output))")
        #expect(replies.last?.prompt == "ZXAN#")
        let pon = PONAddress("1/2/1")!
        let onu = try #require(olt.configuredONUs(on: pon).first { $0.id == 2 })
        #expect(onu.name == "test-2")
        #expect(onu.serviceProfile == "ZTE-F660")
        #expect(olt.servicePorts(pon: pon, onuID: 2).map { [$0.index, $0.cvlan, $0.svlan] } == [[1, 301, 100]])
        let state = s.execute("show gpon onu state gpon-olt_1/2/1").output
        #expect(state.contains("gpon-onu_1/2/1:1         enable       enable      operation  working\n"))
        #expect(state.contains("gpon-onu_1/2/1:2         enable       disable     unknown    OffLine\n"))
        #expect(state.hasSuffix("ONU Number: 2/2\n"))
        clock.advance(by: 6)
        #expect(
            s.execute("show gpon onu state gpon-olt_1/2/1").output.contains(
                "gpon-onu_1/2/1:2         enable       enable      operation  working"))
        let base = s.execute("show gpon onu baseinfo gpon-olt_1/2/1").output
        #expect(base.contains("gpon-onu_1/2/1:2         ZTE-F660      sn      SN:HWTCA1B2C3D4          ready\n"))
        let detail = s.execute("show gpon onu detail-info gpon-onu_1/2/1:2").output
        #expect(detail.contains("  Name:                 test-2\n"))
        #expect(detail.contains("  Serial number:        HWTCA1B2C3D4\n"))
        #expect(detail.contains("  Phase state:          working\n"))
    }

    @Test func sameSerialOrIDTwiceIsRegisteredAlready() throws {
        let (s, _, _) = try Self.shell()
        s.run("configure terminal", "interface gpon-olt_1/2/1")
        #expect(s.execute("onu 2 type ZTE-F660 sn HWTCA1B2C3D4").output == "")
        #expect(
            s.execute("onu 3 type ZTE-F660 sn HWTCA1B2C3D4").output
                == "%Code 34049-GPONSRV : The ONU has been registered.\n")
        #expect(
            s.execute("onu 1 type ZTE-F660 sn HWTC00000077").output
                == "%Code 34049-GPONSRV : The ONU has been registered.\n")
        #expect(s.execute("onu 4 type NOPE sn HWTC00000077").output.hasPrefix("%Code "))
        #expect(s.execute("onu 0 type ZTE-F660 sn HWTC00000077").output.contains("%Error 20002"))
    }

    @Test func noONURemovesItWithItsServicePorts() throws {
        let (s, olt, _) = try Self.shell()
        _ = Self.provision(s)
        let pon = PONAddress("1/2/1")!
        #expect(!olt.servicePorts(pon: pon, onuID: 2).isEmpty)
        s.run("configure terminal", "interface gpon-olt_1/2/1")
        #expect(s.execute("no onu 2").output == "")
        #expect(olt.servicePorts(pon: pon, onuID: 2).isEmpty)
        #expect(s.execute("no onu 2").output == "%Code 32310-GPONSRV : ONU does not exist.\n")
        #expect(
            s.execute("show gpon onu detail-info gpon-onu_1/2/1:2").output
                == "%Code 32310-GPONSRV : ONU does not exist.\n")
    }

    @Test func powerAttenuationHasTheRecordedLayout() throws {
        let (s, olt, clock) = try Self.shell()
        let out = s.execute("show pon power attenuation gpon-onu_1/2/1:1").output
        let o = try #require(olt.observe(pon: PONAddress("1/2/1")!, id: 1))
        let up = try #require(out.split(separator: "\n").first { $0.hasPrefix("up") })
        let rx = String(format: "%.3f", o.oltRxDBm!)
        let tx = String(format: "%.3f", o.onuTxDBm!)
        let pad = { (s: String, n: Int) in s + String(repeating: " ", count: max(1, n - s.count)) }
        #expect(
            up
                == pad("up", 8) + pad("Rx :\(rx)(dbm)", 22) + pad("Tx:\(tx)(dbm)", 21)
                + String(format: "%.3f(dB)", o.onuTxDBm! - o.oltRxDBm!))
        let down = try #require(out.split(separator: "\n").first { $0.hasPrefix("down") })
        #expect(down.hasPrefix("down    Tx :3.200(dbm)        Rx:"))
        // The sample row from the contract lines up the same way.
        #expect(
            pad("up", 8) + pad("Rx :-20.241(dbm)", 22) + pad("Tx:2.423(dbm)", 21) + "22.664(dB)"
                == "up      Rx :-20.241(dbm)      Tx:2.423(dbm)        22.664(dB)")
        s.run("configure terminal", "interface gpon-olt_1/2/1", "onu 5 type ZTE-F660 sn HWTC0000B009", "end")
        clock.advance(by: 10)
        let offline = s.execute("show pon power attenuation gpon-onu_1/2/1:5").output
        #expect(offline.contains("up      Rx :N/A(dbm)          Tx:N/A(dbm)          N/A(dB)"))
        #expect(offline.contains("down    Tx :3.200(dbm)        Rx:N/A(dbm)          N/A(dB)"))
    }

    @Test func eachModelTakesOnlyItsOwnInterfaceSpelling() throws {
        let (c300, _, _) = try Self.shell(.zteC300)
        let c600Name = c300.execute("show gpon onu state gpon_olt-1/2/1")
        #expect(
            c600Name.output == String(repeating: " ", count: "ZXAN#".count + 20)
                + "^\n%Error 20002: Invalid input detected at '^' marker.\n")
        let (c600, _, _) = try Self.shell(.zteC600)
        #expect(c600.execute("show gpon onu state gpon-olt_1/2/1").output.contains("%Error 20002"))
        #expect(c600.execute("show gpon onu state gpon_olt-1/2/1").output.contains("gpon_onu-1/2/1:1 "))
        let replies = Self.provision(c600, c600: true)
        #expect(replies.allSatisfy { $0.output == "" }, "\(replies.map(\.output))")
        #expect(
            c300.execute("show gpon onu stat gpon-olt_1/2/1").output.hasPrefix(
                String(repeating: " ", count: 5 + 14) + "^"))
        #expect(c300.execute("show gpon onu state").output == "%Error 20001: Incomplete command.\n")
    }

    @Test func passwordONUsRegisterAsThePlugInWithThatPassword() throws {
        let (s, olt, clock) = try Self.shell()
        let replies = Self.provision(s, auth: "pw crew03")
        #expect(replies.allSatisfy { $0.output == "" })
        clock.advance(by: 6)
        #expect(olt.observe(pon: PONAddress("1/2/1")!, id: 2)?.runState == .online)
        #expect(s.execute("show gpon onu baseinfo gpon-olt_1/2/1").output.contains("pw      PW:crew03"))
    }
}
