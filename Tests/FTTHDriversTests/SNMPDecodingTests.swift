import FTTHCore
import Foundation
import OLTSim
import SNMPModel
import Testing

@testable import FTTHDrivers

func resource(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources"))
    return try String(contentsOf: url, encoding: .utf8)
}

let fixedDate = Date(timeIntervalSince1970: 1_790_000_000)

@Suite("SNMP value decoding")
struct SNMPDecodingTests {
    @Test(arguments: [
        (PONAddress(frame: 0, slot: 0, port: 0), UInt32(4_194_304_000)),
        (PONAddress(frame: 0, slot: 0, port: 1), UInt32(4_194_304_256)),
        (PONAddress(frame: 0, slot: 1, port: 0), UInt32(4_194_312_192)),
        (PONAddress(frame: 0, slot: 1, port: 15), UInt32(4_194_316_032)),
    ])
    func huaweiIfIndexRoundTrips(pon: PONAddress, ifIndex: UInt32) {
        #expect(HuaweiSNMPDriver.ifIndex(pon) == ifIndex)
        #expect(HuaweiSNMPDriver.pon(ifIndex: ifIndex) == pon)
    }

    @Test func huaweiHasNoIndexForOtherFrames() {
        #expect(HuaweiSNMPDriver.ifIndex(PONAddress(frame: 1, slot: 0, port: 0)) == nil)
    }

    @Test func huaweiOLTTransmitPowerFromARecordedMA5603T() async throws {
        let mib = RecordedMIB(snmprec: try resource("huawei-ma5603t-smartax.snmprec"))
        let driver = HuaweiSNMPDriver(
            snmp: LocalSNMPRequester(mib), olt: ManagementAddress("10.0.0.1")!, clock: { fixedDate })
        let optics = try await driver.readOptics(pon: PONAddress("0/0/0")!, onuIDs: [])
        // …2.23.1.4.4194304000 = 711: 0.01 dBm.
        #expect(optics.oltTx == .dBm(DBm(centi: 711)))
        let slot1 = try await driver.readOptics(pon: PONAddress("0/1/1")!, onuIDs: [])
        #expect(slot1.oltTx.value != nil)
        #expect(optics.readAt == fixedDate)
        #expect(optics.source.contains("huawei-snmp"))
    }

    @Test func huaweiRecordedOLTReceiveIsTheInvalidSentinel() {
        // …2.23.1.5 holds 2147483647 on every port of the recording: "no value", kept raw.
        let r = SNMPPowerDecoding.decode(.integer(2_147_483_647), divisor: 100)
        #expect(r == .missing(.sentinel, raw: "2147483647"))
    }

    @Test func huaweiONTColumnsDecodeByTheMIB() {
        // temp 41 °C, bias 12 mA, tx 2.31 dBm, rx -21.40 dBm, 3300 mV, OLT rx (7720 - 10000)/100 = -22.80 dBm
        let onu = HuaweiSNMPDriver.decodeONT(
            id: 3,
            values: [
                .integer(41), .integer(12), .integer(231), .integer(-2140), .integer(3300), .integer(7720), .integer(1),
            ])
        #expect(onu.runState == .online)
        #expect(onu.onuTx == .dBm(DBm(centi: 231)))
        #expect(onu.onuRx == .dBm(DBm(centi: -2140)))
        #expect(onu.oltRx == .dBm(DBm(centi: -2280)))
        #expect(onu.voltageVolts == 3.3)
        #expect(onu.temperatureCelsius == 41)
    }

    @Test func huaweiFirmwareThatReportsOLTRxDifferentlyIsNoReadingWithTheRawValue() {
        // Decoded with the -10000 offset, -2280 would be -122.80 dBm: outside -50…+10, so no reading.
        let onu = HuaweiSNMPDriver.decodeONT(
            id: 3,
            values: [
                .integer(41), .integer(12), .integer(231), .integer(-2140), .integer(3300), .integer(-2280),
                .integer(1),
            ])
        #expect(onu.oltRx == .missing(.outOfRange, raw: "-2280"))
    }

    @Test func anOfflineONTNeverYieldsNumbers() {
        let onu = HuaweiSNMPDriver.decodeONT(
            id: 3,
            values: [
                .integer(41), .integer(12), .integer(231), .integer(-2140), .integer(3300), .integer(7720), .integer(2),
            ])
        #expect(onu.runState == .offline)
        #expect(onu.onuRx.value == nil)
        #expect(onu.onuRx == .missing(.onuOffline, raw: "-21.40"))
        #expect(onu.temperatureCelsius == nil)
        let invalid = HuaweiSNMPDriver.decodeONT(
            id: 3, values: Array(repeating: .integer(2_147_483_647), count: 6) + [.integer(-1)])
        #expect(invalid.runState == .unknown)
        #expect(invalid.onuTx == .missing(.onuOffline, raw: "2147483647"))
    }

    @Test func zteOLTTransmitPowerFromARecordedC300FoundThroughIfName() async throws {
        var bindings = RecordedMIB(snmprec: try resource("zte-c300-optics-extract.snmprec"))
        // The extract has no ifName: add the two this C300's comment names.
        bindings = RecordedMIB(
            bindings.bindingsForTests + [
                VarBind("1.3.6.1.2.1.31.1.1.1.1.268435456", .string("gpon_1/2/1")),
                VarBind("1.3.6.1.2.1.31.1.1.1.1.268436480", .string("gpon_1/2/5")),
            ])
        let driver = ZTESNMPDriver(snmp: LocalSNMPRequester(bindings), olt: ManagementAddress("10.0.0.2")!)
        let p1 = try await driver.readOptics(pon: PONAddress("1/2/1")!, onuIDs: [])
        #expect(p1.oltTx == .dBm(DBm(centi: 664)))  // 6635 × 0.001 dBm, rounded to 0.01
        let p5 = try await driver.readOptics(pon: PONAddress("1/2/5")!, onuIDs: [])
        #expect(p5.oltTx == .missing(.sentinel, raw: "2147483647"))
        let unknown = try await driver.readOptics(pon: PONAddress("1/3/1")!, onuIDs: [])
        #expect(unknown.oltTx == .missing(.absent))
    }

    @Test(arguments: [
        (Int64(5000), PowerReading.dBm(DBm(centi: -2000))),  // 5000 × 0.002 − 30
        (Int64(4300), PowerReading.dBm(DBm(centi: -2140))),
        (Int64(16000), PowerReading.dBm(DBm(centi: 200))),
        (Int64(65535), PowerReading.missing(.sentinel, raw: "65535")),
        (Int64(0), PowerReading.dBm(DBm(centi: -3000))),
    ])
    func zteONUFormula(raw: Int64, expected: PowerReading) {
        #expect(SNMPPowerDecoding.decodeZTEONU(.integer(raw)) == expected)
    }

    @Test func zteNoSignalOnTheOLTSide() {
        let onu = ZTESNMPDriver.decodeONU(
            id: 1, values: [.integer(5000), .integer(16000), .integer(-80000), .integer(4)])
        #expect(onu.oltRx == .missing(.sentinel, raw: "-80000"))
        #expect(onu.onuRx == .dBm(DBm(centi: -2000)))
    }

    @Test(arguments: ["gpon_1/2/1", "gpon-olt_1/2/1", "gpon_olt-1/2/1"])
    func zteInterfaceNamesOfEveryPlatform(name: String) {
        #expect(ZTESNMPDriver.pon(ifName: name) == PONAddress(frame: 1, slot: 2, port: 1))
    }

    @Test func zteIndexesFollowTheC320Recording() {
        // gpon 1/1/1 → 268501248 in the C320's zxGpon tables.
        #expect(ZTESNMPDriver.ponIndex(PONAddress(frame: 1, slot: 1, port: 1)) == 268_501_248)
        #expect(ZTESNMPDriver.ponIndex(PONAddress(frame: 2, slot: 1, port: 1)) == nil)
    }

    @Test func anExceptionOrAWrongTypeIsNotANumber() {
        #expect(SNMPPowerDecoding.decode(.noSuchInstance, divisor: 100) == .missing(.absent))
        #expect(SNMPPowerDecoding.decode(.string("-21.40"), divisor: 100).value == nil)
    }
}
