import FTTHCore
import Foundation
import SNMPModel
import Testing

@testable import OLTSim

/// The CLI and the SNMP agent of a simulated OLT read and change the same ONUs.
@Suite("CLI and SNMP see the same OLT")
struct CLISNMPConsistencyTests {
    @Test func huaweiONTAddedOverCLIIsInTheMIBAndOneAddedBySETIsInTheCLI() throws {
        let (sim, _) = try CLITestCity.make(.huaweiMA5800)
        let olt = sim.olts[0]
        let mib = sim.mibs[0]
        let pon = PONAddress("0/1/0")!
        let ifIndex = try #require(SimulatedMIB.huaweiIfIndex(pon))
        let shell = olt.makeShell()
        shell.run(
            "enable", "config", "interface gpon 0/1",
            "ont add 0 sn-auth HWTCA1B2C3D4 omci ont-lineprofile-name ftth-test ont-srvprofile-name ftth-test desc \"via-cli\""
        )
        let name = mib.get(SimulatedMIB.huaweiBase.appending(43, 1, 9, ifIndex, 1))
        #expect(name == .string("via-cli"))
        #expect(
            mib.get(SimulatedMIB.huaweiBase.appending(43, 1, 3, ifIndex, 1))
                == .octetString(ONUSerial("HWTCA1B2C3D4")!.octets))

        let row = SimulatedMIB.huaweiBase.appending(43, 1)
        let refused = mib.set([
            VarBind(row.appending(3, ifIndex, 2), .octetString(ONUSerial("ZTEG00000003")!.octets)),
            VarBind(row.appending(7, ifIndex, 2), .string("ftth-test")),
            VarBind(row.appending(8, ifIndex, 2), .string("ftth-test")),
            VarBind(row.appending(9, ifIndex, 2), .string("via-snmp")),
            VarBind(row.appending(10, ifIndex, 2), .integer(4)),
        ])
        #expect(refused == nil)
        shell.run("quit", "display ont info summary 0/1/0")
        let summary = shell.execute("").output
        #expect(summary.contains("the total of ONTs are: 3"))
        #expect(summary.contains("  2   5A54454700000003 "))
        #expect(summary.contains("via-snmp\n"))
        // Removed over the CLI: gone from the MIB.
        shell.run("interface gpon 0/1", "ont delete 0 1")
        #expect(mib.get(SimulatedMIB.huaweiBase.appending(43, 1, 9, ifIndex, 1)) == .noSuchInstance)
    }

    @Test(arguments: [VendorDialect.zteC300, .zteC600])
    func zteONUAddedOverCLIIsInTheMIBWithItsName(dialect: VendorDialect) throws {
        let (sim, _) = try CLITestCity.make(dialect)
        let mib = sim.mibs[0]
        let pon = PONAddress("1/2/1")!
        let ponIndex = try #require(SimulatedMIB.ztePONIndex(pon))
        let shell = sim.olts[0].makeShell()
        let olt = dialect == .zteC600 ? "gpon_olt-1/2/1" : "gpon-olt_1/2/1"
        let onu = dialect == .zteC600 ? "gpon_onu-1/2/1:7" : "gpon-onu_1/2/1:7"
        shell.run(
            "configure terminal", "interface \(olt)", "onu 7 type ZTE-F660 sn HWTCA1B2C3D4", "exit", "interface \(onu)",
            "name zte-cli", "end")
        #expect(mib.get(SimulatedMIB.zteONUTableOID.appending(2, ponIndex, 7)) == .string("zte-cli"))
        // The customer ONU configured at start (id 1, the dialect's first id) is in both.
        #expect(mib.get(SimulatedMIB.zteONUTableOID.appending(2, ponIndex, 1)) == .string("customer-1"))
        #expect(shell.execute("show gpon onu state \(olt)").output.contains(onu))
    }

    @Test func freeIDsFollowTheDialect() throws {
        let (hw, _) = try CLITestCity.make(.huaweiMA5600T)
        let (zte, _) = try CLITestCity.make(.zteC300)
        #expect(hw.olts[0].onuIDRange == 0...127)
        #expect(zte.olts[0].onuIDRange == 1...128)
        let id = try zte.olts[0].configure(
            pon: PONAddress("1/2/2")!, id: nil, serial: ONUSerial("HWTC00000042"), name: "x", lineProfile: "ftth-test",
            serviceProfile: "ftth-test")
        #expect(id == 1)
        #expect(throws: SimRefusal.self) {
            try zte.olts[0].configure(
                pon: PONAddress("1/2/2")!, id: 0, serial: ONUSerial("HWTC00000043"), name: "x",
                lineProfile: "ftth-test",
                serviceProfile: "ftth-test")
        }
        #expect(throws: (any Error).self) {
            try SimConfiguration(
                toml: CLITestCity.toml(.zteC300).replacingOccurrences(of: "onu_id = 1", with: "onu_id = 0"))
        }
    }

    @Test func pagerSplitsIntoPagesOfTheGivenLength() {
        let text = (1...45).map { "line \($0)\n" }.joined()
        let pages = SimCLIPager.pages(of: text, lines: 20)
        #expect(pages.count == 3)
        #expect(pages.joined() == text)
        #expect(pages[0].split(separator: "\n").count == 20)
        #expect(SimCLIPager.pages(of: text, lines: 0) == [text])
        #expect(SimCLIPager.huawei.erase == "\u{1B}[37D" + String(repeating: " ", count: 37) + "\u{1B}[37D")
    }
}
