import FTTHCore
import Foundation
import OLTSim
import SNMPModel
import Testing

@testable import FTTHDrivers

/// The drivers against the simulator's MIBs in process: the physics the simulator computes is
/// what the drivers must read back, and provisioning changes what the tables show.
@Suite("Drivers over the simulated ODN")
struct SimulatedOLTDriverTests {
    static let testONT = ONUSerial("HWTC7E570001")!

    static func city(faultsAtPort2: [PathFault] = [.dirtyConnector(2.5)]) -> SimConfiguration {
        SimConfiguration(
            olts: [
                SimOLT(
                    name: "HW", address: ManagementAddress("10.0.0.1")!, dialect: .huaweiMA5800,
                    pons: [
                        SimPON(
                            address: PONAddress("0/1/0")!, oltTxDBm: 3.0,
                            splitters: [
                                SimSplitter(
                                    name: "SP-A", ratio: SplitRatio(outputs: 8)!, fibreKm: 2, connectors: 4, splices: 4,
                                    onts: [
                                        SimONT(port: 1, serial: testONT, txDBm: 2.0, dropMetres: 0),
                                        SimONT(
                                            port: 2, serial: ONUSerial("HWTC7E570002")!, dropMetres: 0,
                                            faults: faultsAtPort2),
                                        SimONT(
                                            port: 3, serial: ONUSerial("HWTC7E570003")!, neverRegisters: true),
                                    ]),
                                SimSplitter(
                                    name: "SP-CUT", ratio: SplitRatio(outputs: 8)!, faults: [.brokenFibre],
                                    onts: [SimONT(port: 1, serial: ONUSerial("HWTC7E570004")!)]),
                            ])
                    ]),
                SimOLT(
                    name: "ZTE", address: ManagementAddress("10.0.0.2")!, dialect: .zteC600,
                    pons: [
                        SimPON(
                            address: PONAddress("1/2/1")!, oltTxDBm: 5.0,
                            splitters: [
                                SimSplitter(
                                    name: "RC", ratio: SplitRatio(outputs: 16)!, fibreKm: 4,
                                    onts: [
                                        SimONT(
                                            port: 1, serial: ONUSerial("ZTEG00000001")!, provisionedID: 1, name: "c-1"),
                                        SimONT(
                                            port: 2, serial: ONUSerial("ZTEG00000002")!, faults: [.macrobend(4)],
                                            provisionedID: 2, name: "c-2"),
                                    ])
                            ])
                    ]),
            ], registrationSeconds: 5)
    }

    struct Rig {
        let clock = ManualSimClock()
        let sim: OLTSimulator
        let huawei: HuaweiSNMPDriver
        let zte: ZTESNMPDriver

        init(_ configuration: SimConfiguration = SimulatedOLTDriverTests.city()) {
            sim = OLTSimulator(configuration: configuration, clock: clock)
            huawei = HuaweiSNMPDriver(
                snmp: LocalSNMPRequester(sim.mib(ManagementAddress("10.0.0.1")!)!), olt: ManagementAddress("10.0.0.1")!)
            zte = ZTESNMPDriver(
                snmp: LocalSNMPRequester(sim.mib(ManagementAddress("10.0.0.2")!)!), olt: ManagementAddress("10.0.0.2")!)
        }
    }

    static func spec(_ serial: ONUSerial, name: String = "FT-0A000001-0-1-0-S1-P1") -> TestONUSpec {
        TestONUSpec(
            pon: PONAddress("0/1/0")!, name: name, serial: serial, svlan: VLANID(1001)!, cvlan: VLANID(3000)!,
            lineProfile: "ftth-test", serviceProfile: "ftth-test")
    }

    /// The simulator's physics, computed here independently.
    static func expectedONURx(
        oltTx: Double, km: Double, ratioLoss: Double, connectors: Int, splices: Int, extra: Double
    )
        -> DBm
    {
        DBm(oltTx - (km * 0.25 + ratioLoss + Double(connectors) * 0.3 + Double(splices) * 0.05 + extra))
    }

    @Test func aProvisionedTestONURegistersAfterTheDelayAndReadsThePhysics() async throws {
        let rig = Rig()
        let pon = PONAddress("0/1/0")!
        let id = try await rig.huawei.provision(Self.spec(Self.testONT))
        #expect(try await rig.huawei.runState(pon: pon, onuID: id) == .offline)
        rig.clock.advance(by: 4.9)
        #expect(try await rig.huawei.runState(pon: pon, onuID: id) == .offline)
        rig.clock.advance(by: 0.2)
        #expect(try await rig.huawei.runState(pon: pon, onuID: id) == .online)

        let optics = try await rig.huawei.readOptics(pon: pon, onuIDs: [id])
        #expect(optics.oltTx == .dBm(DBm(3.0)))
        let onu = try #require(optics.onus.first)
        // 3.0 − (2 km × 0.25 + 10.5 + 4 × 0.3 + 4 × 0.05) = −9.40 dBm
        #expect(
            onu.onuRx == .dBm(Self.expectedONURx(oltTx: 3, km: 2, ratioLoss: 10.5, connectors: 4, splices: 4, extra: 0))
        )
        #expect(onu.onuTx == .dBm(DBm(2.0)))
        // 2.0 − (2 × 0.35 + 10.5 + 1.2 + 0.2) = −10.60 dBm
        #expect(onu.oltRx == .dBm(DBm(-10.6)))
        let readings = try #require(optics.readings(onuID: id))
        #expect(readings.downstreamAttenuation == Decibels(12.4))
        #expect(readings.upstreamAttenuation == Decibels(12.6))
    }

    @Test func aDirtyConnectorCostsItsDecibelsBothWays() async throws {
        let rig = Rig()
        let clean = try await rig.huawei.provision(Self.spec(Self.testONT))
        let dirty = try await rig.huawei.provision(
            Self.spec(ONUSerial("HWTC7E570002")!, name: "FT-0A000001-0-1-0-S1-P2"))
        rig.clock.advance(by: 6)
        let optics = try await rig.huawei.readOptics(pon: PONAddress("0/1/0")!, onuIDs: [clean, dirty])
        let a = try #require(optics.readings(onuID: clean))
        let b = try #require(optics.readings(onuID: dirty))
        #expect(b.downstreamAttenuation! - a.downstreamAttenuation! == Decibels(2.5))
        #expect(b.upstreamAttenuation! - a.upstreamAttenuation! == Decibels(2.5))
    }

    @Test func brokenFibreAndAnONTThatNeverRegistersStayOfflineWithNoNumbers() async throws {
        let rig = Rig()
        let never = try await rig.huawei.provision(
            Self.spec(ONUSerial("HWTC7E570003")!, name: "FT-0A000001-0-1-0-S1-P3"))
        let cut = try await rig.huawei.provision(Self.spec(ONUSerial("HWTC7E570004")!, name: "FT-0A000001-0-1-0-S2-P1"))
        let absent = try await rig.huawei.provision(
            Self.spec(ONUSerial("HWTC7E57FFFF")!, name: "FT-0A000001-0-1-0-S2-P2"))
        rig.clock.advance(by: 60)
        let optics = try await rig.huawei.readOptics(pon: PONAddress("0/1/0")!, onuIDs: [never, cut, absent])
        for onu in optics.onus {
            #expect(onu.runState == .offline)
            #expect(onu.onuRx.value == nil && onu.onuTx.value == nil && onu.oltRx.value == nil)
            #expect(onu.onuRx == .missing(.onuOffline))
        }
        // The line rules fail them with a "no reading" reason, never with a number.
        let verdict = ThresholdProfile.build.evaluate(optics.readings(onuID: cut)!)
        #expect(verdict.verdict == .fail)
        #expect(verdict.reasons.allSatisfy { $0.contains("no reading") })
    }

    @Test func provisioningIsIdempotentAndRemovalToleratesWhatIsGone() async throws {
        let rig = Rig()
        let pon = PONAddress("0/1/0")!
        let first = try await rig.huawei.provision(Self.spec(Self.testONT))
        let second = try await rig.huawei.provision(Self.spec(Self.testONT))
        #expect(first == second)
        let listed = try await rig.huawei.listONUs(pon: pon)
        #expect(listed == [ONUEntry(onuID: first, serial: Self.testONT, name: "FT-0A000001-0-1-0-S1-P1")])
        try await rig.huawei.remove(pon: pon, onuID: first)
        #expect(try await rig.huawei.listONUs(pon: pon).isEmpty)
        try await rig.huawei.remove(pon: pon, onuID: first)
        await #expect {
            _ = try await rig.huawei.runState(pon: pon, onuID: first)
        } throws: { error in
            (error as? OLTDriverError)?.code == .notFound
        }
    }

    @Test func unsafeOrUnknownValuesAreRefusedBeforeAnythingIsSent() async throws {
        let rig = Rig()
        let before = rig.sim.olts[0].generation
        for name in ["bad\nname", "quote\"d", "spa ce", "名字", String(repeating: "x", count: 65)] {
            await #expect {
                _ = try await rig.huawei.provision(Self.spec(Self.testONT, name: name))
            } throws: { error in
                (error as? OLTDriverError)?.code == .invalidInput
            }
        }
        var bad = Self.spec(Self.testONT)
        bad.lineProfile = "prof;reboot"
        await #expect(throws: OLTDriverError.self) { _ = try await rig.huawei.provision(bad) }
        #expect(rig.sim.olts[0].generation == before)
        // A profile the OLT does not have: the OLT refuses, and says so.
        var unknown = Self.spec(Self.testONT)
        unknown.lineProfile = "no-such-profile"
        await #expect {
            _ = try await rig.huawei.provision(unknown)
        } throws: { error in
            (error as? OLTDriverError)?.code == .rejected
        }
    }

    @Test func zteCustomerONUsReadThroughEveryIndexSpace() async throws {
        let rig = Rig()
        rig.clock.advance(by: 1)
        let pon = PONAddress("1/2/1")!
        let optics = try await rig.zte.readOptics(pon: pon, onuIDs: nil)
        #expect(optics.oltTx == .dBm(DBm(5.0)))
        #expect(optics.onus.map(\.onuID) == [1, 2])
        let c1 = optics.onus[0]
        #expect(c1.runState == .online)
        // 5.0 − (4 × 0.25 + 14 + 1.2 + 0.2 + 30 m × 0.25/km) ≈ −11.41 dBm; the ZTE encoding is 0.002 dB.
        let expected = 5.0 - (4.03 * 0.25 + 14 + 1.2 + 0.2)
        #expect(abs(c1.onuRx.value!.value - expected) <= 0.01)
        let c2 = optics.onus[1]
        // The macrobend costs 4 dB at 1490 nm and 2 dB at 1310 nm.
        #expect(abs((c1.onuRx.value! - c2.onuRx.value!).value - 4) <= 0.02)
        #expect(abs((c1.oltRx.value! - c2.oltRx.value!).value - 2) <= 0.02)
        #expect(try await rig.zte.listONUs(pon: pon).map(\.name) == ["c-1", "c-2"])
        #expect(try await rig.zte.runState(pon: pon, onuID: 2) == .online)
        await #expect {
            _ = try await rig.zte.provision(
                TestONUSpec(
                    pon: pon, name: "x", serial: nil, svlan: VLANID(1)!, cvlan: VLANID(2)!, lineProfile: "a",
                    serviceProfile: "b"))
        } throws: { error in
            (error as? OLTDriverError)?.code == .unsupported
        }
    }
}
