import FTTHCore
import Testing

@testable import FTTHDrivers

/// The recorded output of real Huawei OLTs is the specification.
@Suite("Huawei CLI output")
struct HuaweiCLIOutputTests {
    @Test func opticalInfoOfTenONTs() throws {
        let rows = HuaweiCLIOutput.opticalInfo(try resource("huawei-display-ont-optical-info-0-all.txt"))
        #expect(rows.map(\.onuID) == Array(0...9))
        let first = try #require(rows.first)
        #expect(first.onuRx == .dBm(DBm(centi: -2468)))
        #expect(first.onuTx == .dBm(DBm(centi: 368)))
        #expect(first.oltRx == .dBm(DBm(centi: -2268)))
        #expect(first.temperatureCelsius == 38)
        #expect(first.voltageVolts == 3.2)
        #expect(first.biasMilliamps == 6)
        #expect(first.distanceMetres == 171)
        #expect(rows[5].onuRx == .dBm(DBm(centi: -2657)))
        // The build limit fails every one of them (all below −20 dBm); the user limit passes them.
        for row in rows {
            let readings = OpticalReadings(oltTx: .dBm(DBm(3)), oltRx: row.oltRx, onuTx: row.onuTx, onuRx: row.onuRx)
            #expect(ThresholdProfile.build.evaluate(readings).verdict == .fail)
        }
    }

    @Test func summaryWithAnOfflineONT() throws {
        let (pon, rows) = HuaweiCLIOutput.infoSummary(try resource("huawei-display-ont-info-summary.txt"))
        #expect(pon == PONAddress("0/1/0"))
        #expect(rows.count == 2)
        #expect(rows[0].runState == .online)
        #expect(rows[0].onuRx == .dBm(DBm(centi: -2284)))
        #expect(rows[0].onuTx == .dBm(DBm(centi: 212)))
        #expect(rows[0].distanceMetres == 42)
        #expect(rows[0].type == "P612E")
        #expect(rows[1].runState == .offline)
        #expect(rows[1].onuRx.value == nil)
        #expect(rows[1].onuRx == .missing(.sentinel, raw: "-/-"))
        #expect(rows[1].distanceMetres == nil)
    }

    @Test func detailView() throws {
        let d = HuaweiCLIOutput.details(try resource("huawei-display-ont-info-0-1.txt"))
        #expect(d["F/S/P"] == "0/0/6")
        #expect(d["ONT-ID"] == "2")
        #expect(d["Run state"] == "online")
        #expect(d["SN"] == "8XN7J0FFL8NL6I3W")
        #expect(d["Description"] == "New_link")
        #expect(d["Line profile name"] == "new_link")
    }

    @Test func pagerDamageIsRepaired() {
        // After the pager, the OLT erases its prompt with ESC[37D, blanks, ESC[37D: a reader that
        // only strips escape codes would see the next row shifted by the blanks.
        let erase = "\u{1B}[37D" + String(repeating: " ", count: 37) + "\u{1B}[37D"
        let raw = """
              0  -24.68    3.68      -22.68      38           3.200    6        171\r
            ---- More ( Press 'Q' to break ) ----\(erase)    1  -24.68    3.86      -23.02      31           3.220    8        170\r

            """
        let cleaned = HuaweiCLIOutput.clean(raw)
        #expect(!cleaned.contains("More"))
        #expect(!cleaned.contains("\u{1B}"))
        #expect(!cleaned.contains("\r"))
        let rows = HuaweiCLIOutput.opticalInfo(raw)
        #expect(rows.map(\.onuID) == [0, 1])
        #expect(rows[1].oltRx == .dBm(DBm(centi: -2302)))
    }

    @Test func aValueWithItsRangeAppendedStillReads() {
        let d = HuaweiCLIOutput.details("  Rx optical power(dBm)      : -13.47, out of range[-35.00, -15.00]\n")
        #expect(PowerReading(parsingDBm: d["Rx optical power(dBm)"]!) == .dBm(DBm(centi: -1347)))
    }
}
