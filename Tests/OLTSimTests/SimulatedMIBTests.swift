import FTTHCore
import SNMPModel
import Testing

@testable import OLTSim

@Suite("Simulated MIB")
struct SimulatedMIBTests {
    static func sim(_ dialect: VendorDialect = .huaweiMA5800) -> (OLTSimulator, ManualSimClock) {
        let clock = ManualSimClock()
        let configuration = SimConfiguration.synthetic(olts: 1, onusPerOLT: 70, dialects: [dialect])
        return (OLTSimulator(configuration: configuration, clock: clock), clock)
    }

    @Test(arguments: [VendorDialect.huaweiMA5800, .zteC300, .zteC600])
    func walkingTheWholeViewVisitsEveryBindingOnceInOrder(dialect: VendorDialect) {
        let (sim, _) = Self.sim(dialect)
        let mib = sim.mibs[0]
        var seen: [OID] = []
        var cursor: OID = "0.0"
        while let b = mib.next(after: cursor) {
            #expect(b.oid > cursor)
            #expect(mib.get(b.oid) == b.value)
            seen.append(b.oid)
            cursor = b.oid
        }
        #expect(seen.count == mib.entries().count)
        #expect(Set(seen).count == seen.count)
    }

    @Test func missingObjectsAndInstancesAreTheRightExceptions() {
        let (sim, _) = Self.sim()
        let mib = sim.mibs[0]
        #expect(mib.get("1.3.6.1.4.1.2011.6.128.1.1.2.51.1.4.4194312192.127") == .noSuchInstance)
        #expect(mib.get("1.3.6.1.4.1.9999.1") == .noSuchObject)
    }

    @Test func customerONUsAreOnlineFromTheStartWithPlausibleLight() {
        let (sim, _) = Self.sim()
        let olt = sim.olts[0]
        for (pon, onus) in olt.allConfigured() {
            for onu in onus {
                let o = olt.observe(pon: pon, id: onu.id)!
                #expect(o.runState == .online)
                #expect((-28.0 ... -8.0).contains(o.onuRxDBm!))
                #expect(o.oltRxDBm! < o.onuTxDBm!)
            }
        }
    }

    @Test func huaweiONTRowsAreCreatedAndDestroyedBySetAndCheckedFirst() {
        let (sim, _) = Self.sim()
        let mib = sim.mibs[0]
        let pon = sim.olts[0].config.pons[0].address
        let ifIndex = SimulatedMIB.huaweiIfIndex(pon)!
        let row: OID = SimulatedMIB.huaweiBase.appending(43, 1)
        func create(_ name: SNMPValue, sn: [UInt8] = [0x48, 0x57, 0x54, 0x43, 1, 2, 3, 4], id: UInt32 = 100) -> (
            Int, Int
        )? {
            mib.set([
                VarBind(row.appending(3, ifIndex, id), .octetString(sn)),
                VarBind(row.appending(7, ifIndex, id), .string("ftth-test")),
                VarBind(row.appending(8, ifIndex, id), .string("ftth-test")),
                VarBind(row.appending(9, ifIndex, id), name),
                VarBind(row.appending(10, ifIndex, id), .integer(4)),
            ]).map { ($0.status, $0.index) }
        }
        #expect(create(.string("bad\nname"))! == (10, 4))
        #expect(create(.string("ok"), sn: [1, 2, 3])! == (10, 1))
        #expect(create(.string("FT-TEST")) == nil)
        #expect(sim.olts[0].configuredONUs(on: pon).contains { $0.id == 100 && $0.name == "FT-TEST" })
        #expect(mib.get(row.appending(9, ifIndex, 100)) == .string("FT-TEST"))
        // Same id again: inconsistentValue; a column that is not writable: notWritable.
        #expect(create(.string("FT-TEST"), sn: [0x48, 0x57, 0x54, 0x43, 9, 9, 9, 9])!.0 == 12)
        #expect(mib.set([VarBind("1.3.6.1.2.1.1.5.0", .string("x"))])!.status == 17)
        #expect(mib.set([VarBind(row.appending(10, ifIndex, 100), .integer(6))]) == nil)
        #expect(!sim.olts[0].configuredONUs(on: pon).contains { $0.id == 100 })
    }

    @Test func zteRefusesWrites() {
        let (sim, _) = Self.sim(.zteC300)
        #expect(sim.mibs[0].set([VarBind("1.3.6.1.2.1.1.5.0", .string("x"))])!.status == 17)
    }
}
