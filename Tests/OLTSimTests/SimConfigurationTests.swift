import FTTHConfig
import FTTHCore
import Foundation
import SNMPModel
import Testing

@testable import OLTSim

@Suite("olt-sim configuration")
struct SimConfigurationTests {
    /// `ftth-fuzz toml` aborted olt-sim with this header (toml++ asserts a key follows `[`).
    @Test func aHeaderWithoutAKeyIsAConfigurationError() {
        #expect(throws: ConfigurationError.self) {
            try SimConfiguration(toml: "[[olt]]\nname = \"a\"\n[\u{1}[olt.pon]]\n")
        }
    }

    @Test func theShippedSampleCityParses() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/olt-sim.toml").path
        let c = try SimConfiguration(contentsOfFile: path)
        #expect(c.olts.map(\.name) == ["HW-OLT-East", "ZTE-OLT-North"])
        #expect(c.olts.map(\.dialect) == [.huaweiMA5800, .zteC300])
        #expect(c.olts[0].snmp.port == 16101)
        #expect(c.olts[0].snmp.v3Users.first?.user == "ftth")
        // The sample projects' 9 splitters, and one splitter in service per OLT.
        #expect(c.olts.flatMap(\.pons).flatMap(\.splitters).count == 11)
        #expect(c.bras == nil)
        let sp01 = c.olts[0].pons[0].splitters[0]
        #expect(sp01.onts.map(\.port) == Array(1...8))
        #expect(sp01.onts[2].serial == ONUSerial("HWTC7E570001"))
        #expect(sp01.onts[7].serial == ONUSerial("HWTC7E570108"))
        #expect(sp01.onts.allSatisfy { $0.provisionedID == nil })
        let zte = c.olts[1].pons[0].splitters[0]
        #expect(zte.onts[3].neverRegisters)
        #expect(zte.onts[4].faults == [.dirtyConnector(6)])
        #expect(c.olts[0].pons[2].splitters[0].onts[1].faults == [.dirtyConnector(3.5)])
        #expect(c.olts[0].pons[0].splitters[0].firstLevelRatio == SplitRatio(outputs: 4))
    }

    @Test func testONTsFillTheFreePortsWithSerialsNamingSplitterAndPort() throws {
        let c = try SimConfiguration(
            toml: """
                [[olt]]
                name = "a"
                address = "10.0.0.1"
                dialect = "zte-c600"
                [[olt.pon]]
                port = "1/1/1"
                [[olt.pon.splitter]]
                name = "s1"
                ratio = "1:4"
                [[olt.pon.splitter]]
                name = "s2"
                ratio = "1:4"
                test_onts = "ZTEG00AB"
                [[olt.pon.splitter.ont]]
                port = 2
                serial = "ZTEG12345678"
                onu_id = 1
                """)
        let s2 = c.olts[0].pons[0].splitters[1]
        #expect(c.olts[0].pons[0].splitters[0].onts.isEmpty)
        #expect(s2.onts.map(\.port) == [1, 2, 3, 4])
        #expect(s2.onts.map(\.serial.description) == ["ZTEG00AB0201", "ZTEG12345678", "ZTEG00AB0203", "ZTEG00AB0204"])
        #expect(s2.onts[1].provisionedID == 1)
    }

    @Test func aFirstLevelSplitterAddsItsLossBothWays() {
        let one = OpticalPath(fibreKm: 2, dropMetres: 0, ratio: SplitRatio(outputs: 8)!, connectors: 4, splices: 4)
        var two = one
        two.firstLevelRatio = SplitRatio(outputs: 4)
        #expect(abs(two.downstreamLoss - one.downstreamLoss - 7.3) < 1e-9)
        #expect(abs(two.upstreamLoss - one.upstreamLoss - 7.3) < 1e-9)
        // 2 km × 0.25 + 10.5 + 1.2 + 0.2 = 12.4 dB at 1490 nm; 2 km × 0.35 + … = 12.6 dB at 1310 nm.
        #expect(abs(one.downstreamLoss - 12.4) < 1e-9)
        #expect(abs(one.upstreamLoss - 12.6) < 1e-9)
    }

    @Test(arguments: [
        ("", "olt"),
        ("[[olt]]\nname = \"a\"\naddress = \"x\"\ndialect = \"zte\"", "olt[0].address"),
        ("[[olt]]\nname = \"a\"\naddress = \"10.0.0.1\"\ndialect = \"nokia\"", "olt[0].dialect"),
        ("[[olt]]\nname = \"a\"\naddress = \"10.0.0.1\"\ndialect = \"zte\"\ncolour = 1", "olt[0].colour"),
        (
            "[[olt]]\nname = \"a\"\naddress = \"10.0.0.1\"\ndialect = \"zte\"\n[olt.snmp]\nfault = \"tired\"",
            "olt[0].snmp.fault"
        ),
        (
            "[[olt]]\nname = \"a\"\naddress = \"10.0.0.1\"\ndialect = \"zte\"\n[[olt.pon]]\nport = \"1/2/1\"\n[[olt.pon.splitter]]\nname = \"s\"\nratio = \"1:3\"",
            "olt[0].pon[0].splitter[0].ratio"
        ),
        (
            "[[olt]]\nname = \"a\"\naddress = \"10.0.0.1\"\ndialect = \"zte\"\n[[olt.pon]]\nport = \"1/2/1\"\n[[olt.pon.splitter]]\nname = \"s\"\nratio = \"1:8\"\nfaults = [\"melted\"]",
            "olt[0].pon[0].splitter[0].faults"
        ),
        (
            "[[olt]]\nname = \"a\"\naddress = \"10.0.0.1\"\ndialect = \"zte\"\n[[olt.pon]]\nport = \"1/2/1\"\n[[olt.pon.splitter]]\nname = \"s\"\nratio = \"1:8\"\n[[olt.pon.splitter.ont]]\nport = 9\nserial = \"ZTEG00000001\"",
            "olt[0].pon[0].splitter[0].ont[0].port"
        ),
        (
            "[[olt]]\nname = \"a\"\naddress = \"10.0.0.1\"\ndialect = \"zte\"\n[[olt.pon]]\nport = \"1/2/1\"\n[[olt.pon.splitter]]\nname = \"s\"\nratio = \"1:8\"\n[[olt.pon.splitter.ont]]\nport = 1\nserial = \"nope\"",
            "olt[0].pon[0].splitter[0].ont[0].serial"
        ),
        (
            "[[olt]]\nname = \"a\"\naddress = \"10.0.0.1\"\ndialect = \"zte\"\n[[olt.pon]]\nport = \"1/2/1\"\n[[olt.pon.splitter]]\nname = \"s\"\nratio = \"1:8\"\ntest_onts = \"zteg7e57\"",
            "olt[0].pon[0].splitter[0].test_onts"
        ),
        (
            "[[olt]]\nname = \"a\"\naddress = \"10.0.0.1\"\ndialect = \"zte\"\n[[olt.pon]]\nport = \"1/2/1\"\n[[olt.pon.splitter]]\nname = \"s\"\nratio = \"1:2\"\ntest_onts = \"ZTEG7E57\"\n[[olt.pon.splitter]]\nname = \"t\"\nratio = \"1:2\"\n[[olt.pon.splitter.ont]]\nport = 1\nserial = \"ZTEG7E570102\"",
            "olt[0].pon[0].splitter[1].ont"
        ),
    ])
    func anInvalidValueNamesItsKey(toml: String, key: String) {
        #expect {
            _ = try SimConfiguration(toml: toml)
        } throws: { error in
            (error as? ConfigurationError)?.key == key
        }
    }

    @Test func aSyntheticCityHasTheAskedSize() {
        let c = SimConfiguration.synthetic(olts: 64, onusPerOLT: 512, basePort: 20000)
        #expect(c.olts.count == 64)
        #expect(Set(c.olts.map(\.address)).count == 64)
        #expect(Set(c.olts.map(\.snmp.port)) == Set(20000..<20064))
        for olt in c.olts {
            #expect(olt.pons.flatMap(\.splitters).flatMap(\.onts).count == 512)
        }
    }
}
