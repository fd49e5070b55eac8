import FTTHConfig
import FTTHCore
import Testing

@testable import OLTSim

@Suite("olt-sim fault keys")
struct SimFaultKeyTests {
    static let head = """
        [[olt]]
        name = "a"
        address = "10.0.0.1"
        dialect = "zte"
        """
    static let splitter = """
        \(head)
        [[olt.pon]]
        port = "1/2/1"
        [[olt.pon.splitter]]
        name = "s"
        ratio = "1:8"
        """

    @Test(arguments: [
        ("variation_seed = -1\n\(head)", "variation_seed"),
        ("variation_seed = \"x\"\n\(head)", "variation_seed"),
        ("\(head)\n[[olt.pon]]\nport = \"1/2/1\"\nfeeder_faults = [\"bent\"]", "olt[0].pon[0].feeder_faults"),
        ("\(head)\n[[olt.pon]]\nport = \"1/2/1\"\nolt_port_faults = [\"x:1\"]", "olt[0].pon[0].olt_port_faults"),
        ("\(splitter)\ndrop_m = -3", "olt[0].pon[0].splitter[0].drop_m"),
        ("\(splitter)\n[[olt.pon.splitter.port]]\nnumber = 9", "olt[0].pon[0].splitter[0].port[0].number"),
        ("\(splitter)\n[[olt.pon.splitter.port]]\ndrop_m = 9", "olt[0].pon[0].splitter[0].port[0].number"),
        (
            "\(splitter)\n[[olt.pon.splitter.port]]\nnumber = 2\n[[olt.pon.splitter.port]]\nnumber = 2",
            "olt[0].pon[0].splitter[0].port[1].number"
        ),
        (
            "\(splitter)\n[[olt.pon.splitter.port]]\nnumber = 2\nconnector_faults = [\"dirty\"]",
            "olt[0].pon[0].splitter[0].port[0].connector_faults"
        ),
        (
            "\(splitter)\n[[olt.pon.splitter.port]]\nnumber = 2\ndrop_faults = [\"macrobend:x\"]",
            "olt[0].pon[0].splitter[0].port[0].drop_faults"
        ),
        ("\(splitter)\n[[olt.pon.splitter.port]]\nnumber = 2\ncolour = 1", "olt[0].pon[0].splitter[0].port[0].colour"),
        (
            "\(splitter)\n[[olt.pon.splitter.port]]\nnumber = 2\ndrop_m = 40\n[[olt.pon.splitter.ont]]\nport = 2\nserial = \"ZTEG00000001\"\ndrop_m = 50",
            "olt[0].pon[0].splitter[0].port[0].drop_m"
        ),
        (
            "\(splitter)\n[[olt.pon.splitter.ont]]\nport = 2\nserial = \"ZTEG00000001\"\nont_faults = [\"dirty-connector\"]",
            "olt[0].pon[0].splitter[0].ont[0].ont_faults"
        ),
        ("\(head)\n[[olt.crew_ont]]\nserial = \"nope\"", "olt[0].crew_ont[0].serial"),
        ("\(head)\n[[olt.crew_ont]]\nserial = \"ZTEG00000001\"\nfaults = [\"?\"]", "olt[0].crew_ont[0].faults"),
        ("\(head)\n[[olt.crew_ont]]\nserial = \"ZTEG00000001\"\ntx_dbm = 40", "olt[0].crew_ont[0].tx_dbm"),
        (
            "\(head)\n[[olt.crew_ont]]\nserial = \"ZTEG00000001\"\n[[olt.crew_ont]]\nserial = \"ZTEG00000001\"",
            "olt[0].crew_ont[1].serial"
        ),
        (
            "\(splitter)\n[[olt.pon.splitter.ont]]\nport = 2\nserial = \"ZTEG00000001\"\n[[olt.crew_ont]]\nserial = \"ZTEG00000001\"",
            "olt[0].crew_ont[0].serial"
        ),
    ])
    func anInvalidFaultOrPortKeyIsNamed(toml: String, key: String) {
        #expect {
            _ = try SimConfiguration(toml: toml)
        } throws: { error in
            (error as? ConfigurationError)?.key == key
        }
    }

    @Test func theNewKeysParse() throws {
        let c = try SimConfiguration(
            toml: """
                variation_seed = 12
                \(Self.head)
                [[olt.crew_ont]]
                serial = "ZTEGC0000001"
                faults = ["dirty-connector:2"]
                never_registers = true
                [[olt.pon]]
                port = "1/2/1"
                olt_port_faults = ["dirty-connector:1.5"]
                feeder_faults = ["macrobend:3"]
                [[olt.pon.splitter]]
                name = "s"
                ratio = "1:8"
                drop_m = 80
                [[olt.pon.splitter.port]]
                number = 4
                drop_m = 150
                connector_faults = ["dirty-connector:4"]
                drop_faults = ["broken"]
                [[olt.pon.splitter.ont]]
                port = 1
                serial = "ZTEG00000001"
                ont_faults = ["dirty-connector:2.5"]
                """)
        #expect(c.variationSeed == 12)
        let olt = c.olts[0]
        #expect(olt.crewONTs.map(\.serial) == [ONUSerial("ZTEGC0000001")!])
        #expect(olt.crewONTs[0].faults == [.dirtyConnector(2)] && olt.crewONTs[0].neverRegisters)
        #expect(olt.crewONTs[0].txDBm == nil)
        #expect(olt.pons[0].oltPortFaults == [.dirtyConnector(1.5)] && olt.pons[0].feederFaults == [.macrobend(3)])
        let s = olt.pons[0].splitters[0]
        #expect(s.dropMetres == 80)
        #expect(
            s.ports == [
                SimSplitterPort(
                    number: 4, dropMetres: 150, connectorFaults: [.dirtyConnector(4)], dropFaults: [.brokenFibre])
            ])
        #expect(s.onts[0].ontFaults == [.dirtyConnector(2.5)] && s.onts[0].txDBm == nil && s.onts[0].dropMetres == nil)
    }
}
