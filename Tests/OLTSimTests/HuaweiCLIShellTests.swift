import FTTHCore
import Foundation
import Testing

@testable import OLTSim

@Suite("Huawei CLI shell")
struct HuaweiCLIShellTests {
    static func shell(_ dialect: VendorDialect = .huaweiMA5600T) throws -> (
        HuaweiCLIShell, SimulatedOLT, ManualSimClock
    ) {
        let (sim, clock) = try CLITestCity.make(dialect)
        let shell = try #require(sim.olts[0].makeShell() as? HuaweiCLIShell)
        return (shell, sim.olts[0], clock)
    }

    static let add =
        "ont add 0 sn-auth 48575443A1B2C3D4 omci ont-lineprofile-name ftth-test ont-srvprofile-name ftth-test desc \"test-1 a\""

    @Test func promptsFollowTheModesAndQuitLeavesOneLevel() throws {
        let (s, _, _) = try Self.shell()
        #expect(s.prompt == "MA5600T>")
        #expect(s.run("enable").prompt == "MA5600T#")
        #expect(s.run("undo smart", "mmi-mode enable", "scroll 512").output == "")
        #expect(s.pageLines == 512)
        #expect(s.run("config").prompt == "MA5600T(config)#")
        #expect(s.run("interface gpon 0/1").prompt == "MA5600T(config-if-gpon-0/1)#")
        #expect(s.run("quit").prompt == "MA5600T(config)#")
        #expect(s.run("quit").prompt == "MA5600T#")
        #expect(s.run("quit").closesSession)
        let (s2, _, _) = try Self.shell(.huaweiMA5800)
        #expect(s2.prompt == "MA5800-X7>")
        #expect(s2.run("enable", "config", "logout").closesSession)
    }

    @Test func malformedCommandsGetTheCaretUnderTheOffendingWord() throws {
        let (s, _, _) = try Self.shell()
        s.run("enable", "config")
        let prompt = "MA5600T(config)#"
        let unknown = s.execute("display ontt info summary 0/1/0")
        #expect(
            unknown.output
                == String(repeating: " ", count: prompt.count + 8) + "^\n"
                + "  % Unknown command, the error locates at '^'\n")
        #expect(unknown.prompt == prompt)
        let parameter = s.execute("display ont info summary 0/1/x")
        #expect(parameter.output.hasPrefix(String(repeating: " ", count: prompt.count + 25) + "^\n"))
        #expect(parameter.output.contains("% Parameter error, the error locates at '^'"))
        let incomplete = s.execute("display ont info")
        #expect(incomplete.output.contains("% Incomplete command, the error locates at '^'"))
        #expect(s.execute("display port state 0/1/0 extra").output.contains("% Too many parameters"))
        // ont add exists only in interface mode.
        #expect(s.execute(Self.add).output.contains("% Unknown command"))
        #expect(
            s.execute(
                "service-port vlan 5000 gpon 0/1/0 ont 0 gemport 1 multi-service user-vlan 10 tag-transform translate"
            ).output.contains("% Parameter error"))
        let user = try Self.shell().0
        #expect(user.execute("config").output.contains("% Unknown command"))
    }

    @Test func summaryInterjectsThenListsEveryONT() throws {
        let (s, olt, clock) = try Self.shell()
        s.run("enable")
        let ask = s.execute("display ont info summary 0/1/0")
        #expect(ask.output == "")
        #expect(ask.prompt == "{ <cr>||<K> }:")
        let table = s.execute("")
        #expect(table.prompt == "MA5600T#")
        #expect(table.output.contains("  In port 0/1/0, the total of ONTs are: 1, online: 1\n"))
        let row = try #require(table.output.split(separator: "\n").first { $0.hasPrefix("  0   4857544300") })
        #expect(row.contains("HWTC0000A001") == false)
        #expect(row.contains("485754430000A001"))
        #expect(row.hasSuffix("customer-1"))
        let o = try #require(olt.observe(pon: PONAddress("0/1/0")!, id: 0))
        #expect(row.contains(String(format: "%.2f/%.2f", o.onuRxDBm!, o.onuTxDBm!)))
        // A newly added ONT is offline until it registers: -/- in the summary.
        s.run("config", "interface gpon 0/1", Self.add, "quit")
        s.run("display ont info summary 0/1/0")
        let later = s.execute("").output
        #expect(later.contains("the total of ONTs are: 2, online: 1"))
        #expect(later.contains("  1   48575443A1B2C3D4 HG8546M          -     -/-          test-1 a\n"))
        clock.advance(by: 6)
        s.run("display ont info summary 0/1/0")
        #expect(s.execute("").output.contains("online: 2"))
    }

    @Test func addTakesBothSerialFormsAndRefusesTheSameSerialTwice() throws {
        let (s, olt, _) = try Self.shell()
        s.run("enable", "config", "interface gpon 0/1")
        let added = s.execute(Self.add)
        #expect(added.output == "  Number of ONTs that can be added: 1, success: 1\n  PortID :0, ONTID :1\n")
        #expect(s.execute(Self.add).output == "  Failure: SN already exists\n")
        let vendorForm = Self.add.replacingOccurrences(of: "48575443A1B2C3D4", with: "HWTCA1B2C3D4")
        #expect(s.execute(vendorForm).output == "  Failure: SN already exists\n")
        let badProfile = Self.add.replacingOccurrences(
            of: "ont-lineprofile-name ftth-test", with: "ont-lineprofile-name nope"
        )
        .replacingOccurrences(of: "A1B2C3D4", with: "00000009")
        #expect(s.execute(badProfile).output == "  Failure: The line profile does not exist\n")
        #expect(olt.configuredONUs(on: PONAddress("0/1/0")!).map(\.id) == [0, 1])
        #expect(
            s.execute("ont add 0 sn-auth NOTASERIAL omci ont-lineprofile-name a ont-srvprofile-name b desc x").output
                .contains("% Parameter error"))
    }

    @Test func passwordAuthConfiguresWithoutSerialAndRegistersThePasswordONT() throws {
        let (s, olt, clock) = try Self.shell()
        s.run("enable", "config", "interface gpon 0/1")
        let r = s.execute(
            "ont add 0 password-auth crew03 always-on omci ont-lineprofile-name ftth-test ont-srvprofile-name ftth-test desc \"pw-test\""
        )
        #expect(r.output.contains("PortID :0, ONTID :1"))
        let onu = try #require(olt.configuredONUs(on: PONAddress("0/1/0")!).first { $0.id == 1 })
        #expect(onu.serial == nil)
        #expect(onu.password == "crew03")
        clock.advance(by: 6)
        #expect(olt.observe(pon: PONAddress("0/1/0")!, id: 1)?.runState == .online)
        let detail = s.execute("display ont info 0 1 0 1").output
        #expect(detail.contains("  Authentic type          : password-auth\n"))
        #expect(detail.contains("5A54454700000003 (ZTEG00000003)"))
    }

    @Test func detailViewHasTheRecordedRows() throws {
        let (s, _, _) = try Self.shell()
        s.run("enable")
        let out = s.execute("display ont info 0 1 0 0").output
        for row in [
            "  F/S/P                   : 0/1/0\n", "  ONT-ID                  : 0\n",
            "  Run state               : online\n",
            "  SN                      : 485754430000A001 (HWTC0000A001)\n",
            "  Description             : customer-1\n", "  Line profile name    : customer\n",
        ] {
            #expect(out.contains(row), "missing \(row)")
        }
        #expect(s.execute("display ont info 0 1 0 9").output == "  Failure: The ONT does not exist\n")
    }

    @Test func opticalInfoDetailTableAndOfflineRefusal() throws {
        let (s, olt, _) = try Self.shell()
        s.run("enable", "config", "interface gpon 0/1")
        let o = try #require(olt.observe(pon: PONAddress("0/1/0")!, id: 0))
        let detail = s.execute("display ont optical-info 0 0").output
        #expect(detail.contains("  Rx optical power(dBm)                  : \(String(format: "%.2f", o.onuRxDBm!))\n"))
        #expect(detail.contains("  Tx optical power(dBm)                  : \(String(format: "%.2f", o.onuTxDBm!))\n"))
        #expect(detail.contains("  OLT Rx ONT optical power(dBm)          : \(String(format: "%.2f", o.oltRxDBm!))\n"))
        #expect(detail.contains("  Temperature(C)                         : 41\n"))
        #expect(detail.contains("  Voltage(V)                             : 3.300\n"))
        #expect(detail.contains("  Laser bias current(mA)                 : 12\n"))
        let table = s.execute("display ont optical-info 0 all").output
        let row = try #require(table.split(separator: "\n").first { $0.hasPrefix("    0  ") })
        let fields = row.split(separator: " ")
        #expect(fields.count == 8)
        #expect(fields[1] == String(format: "%.2f", o.onuRxDBm!))
        #expect(fields[3] == String(format: "%.2f", o.oltRxDBm!))
        _ = s.execute(Self.add)
        #expect(s.execute("display ont optical-info 0 1").output == "  Failure: The ONT is not online\n")
        #expect(s.execute("display ont optical-info 0 5").output == "  Failure: The ONT does not exist\n")
    }

    @Test func portStateShowsTheOLTTransmitPowerInBothModes() throws {
        let (s, _, _) = try Self.shell()
        s.run("enable", "config")
        #expect(
            s.execute("display port state 0/1/0").output.contains("  TX power(dBm)                           3.20\n"))
        s.run("interface gpon 0/1")
        #expect(s.execute("display port state 0").output.contains("TX power(dBm)                           3.20"))
        #expect(s.execute("display port state 0/1/0").output.contains("% Parameter error"))
    }

    @Test func servicePortsTakeTheLowestFreeIndexAndBlockDeletion() throws {
        let (s, olt, _) = try Self.shell()
        s.run("enable", "config", "interface gpon 0/1", Self.add, "quit")
        let sp = "service-port vlan 100 gpon 0/1/0 ont 1 gemport 1 multi-service user-vlan 201 tag-transform translate"
        #expect(s.execute(sp).output == "")
        #expect(s.execute(sp.replacingOccurrences(of: "201", with: "202")).output == "")
        #expect(s.execute(sp).output == "  Failure: Service virtual port has existed already\n")
        #expect(olt.servicePorts().map(\.index) == [0, 1])
        let list = s.execute("display service-port port 0/1/0 ont 1").output
        #expect(list.contains("   Total : 2"))
        #expect(list.contains("INDEX VLAN VLAN"))
        let rows = list.split(separator: "\n").filter { $0.split(separator: " ").first.flatMap { Int($0) } != nil }
        #expect(rows.count == 2)
        #expect(rows[0].split(separator: " ").first == "0")
        #expect(rows[0].contains("201"))
        s.run("interface gpon 0/1")
        #expect(
            s.execute("ont delete 0 1").output == "  Failure: This configured object has some service virtual ports\n")
        s.run("quit")
        #expect(s.execute("undo service-port 0").output == "")
        #expect(s.execute("undo service-port 0").output == "  Failure: The service virtual port does not exist\n")
        // The freed index is the lowest free one again.
        #expect(s.execute(sp.replacingOccurrences(of: "201", with: "203")).output == "")
        #expect(olt.servicePorts().map(\.index).sorted() == [0, 1])
        s.run("undo service-port 0", "undo service-port 1")
        #expect(s.execute("display service-port port 0/1/0 ont 1").output.contains("   Total : 0"))
        s.run("interface gpon 0/1")
        #expect(s.execute("ont delete 0 1").output == "  Number of ONTs that can be deleted: 1, success: 1\n")
        #expect(s.execute("ont delete 0 1").output == "  Failure: The ONT does not exist\n")
        #expect(s.execute(sp).output.contains("% Unknown command"))
    }
}
