import FTTHCore
import FTTHDrivers
import Foundation
import Testing

@testable import OLTSim

/// The Huawei parsers the CLI drivers use read olt-sim's CLI output as they read the recordings:
/// the simulator prints what the drivers expect.
@Suite("Huawei parsers on olt-sim output")
struct SimulatorCLIOutputTests {
    static func shell() throws -> (any SimCLIShell, SimulatedOLT) {
        let sim = OLTSimulator(
            configuration: SimConfiguration.synthetic(olts: 1, onusPerOLT: 12, dialects: [.huaweiMA5600T]),
            clock: ManualSimClock())
        let shell = sim.olts[0].makeShell()
        _ = shell.execute("enable")
        return (shell, sim.olts[0])
    }

    @Test func summaryRowsCarryStateSerialPowersAndName() throws {
        let (shell, olt) = try Self.shell()
        let pon = PONAddress("0/1/0")!
        #expect(shell.execute("display ont info summary 0/1/0").prompt == "{ <cr>||<K> }:")
        let (parsedPON, rows) = HuaweiCLIOutput.infoSummary(shell.execute("").output)
        #expect(parsedPON == pon)
        #expect(rows.count == 12)
        for row in rows {
            let onu = try #require(olt.configuredONUs(on: pon).first { $0.id == row.onuID })
            let o = try #require(olt.observe(pon: pon, id: row.onuID))
            #expect(row.runState == .online)
            #expect(row.serial == onu.serial?.hexForm)
            #expect(row.description == onu.name)
            #expect(row.distanceMetres == o.distanceMetres)
            #expect(row.onuRx == PowerReading(parsingDBm: String(format: "%.2f", o.onuRxDBm!)))
        }
    }

    @Test func opticalTableAndDetailViewParse() throws {
        let (shell, olt) = try Self.shell()
        let pon = PONAddress("0/1/0")!
        _ = shell.execute("config")
        _ = shell.execute("interface gpon 0/1")
        let rows = HuaweiCLIOutput.opticalInfo(shell.execute("display ont optical-info 0 all").output)
        #expect(rows.map(\.onuID) == Array(0..<12))
        let o = try #require(olt.observe(pon: pon, id: 3))
        #expect(rows[3].oltRx == PowerReading(parsingDBm: String(format: "%.2f", o.oltRxDBm!)))
        #expect(rows[3].distanceMetres == o.distanceMetres)
        let details = HuaweiCLIOutput.details(shell.execute("display ont info 0 1 0 3").output)
        #expect(details["Run state"] == "online")
        #expect(details["F/S/P"] == "0/1/0")
        #expect(details["SN"]?.hasPrefix(olt.answeringSerial(pon: pon, id: 3)!.hexForm) == true)
        #expect(details["Description"] == "cust-0-0-3")
    }
}
