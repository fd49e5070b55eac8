import FTTHCore
import OLTSim
import SNMPModel
import Testing

@testable import FTTHDrivers

/// An agent that answers one ONU's optics GET with an error-status (genErr, as an OLT whose
/// OMCI query failed may) and everything else from a recorded MIB.
struct GenErrForOneONU: SNMPRequester {
    let inner: LocalSNMPRequester
    /// A component every OID of the refused ONU's optics has at its end.
    let refusedSuffix: [UInt32]
    let opticsRoot: OID
    var targetDescription: String { inner.targetDescription }

    func get(_ oids: [OID]) async throws -> [VarBind] {
        if let first = oids.first, first.isWithin(opticsRoot),
            first.components.suffix(refusedSuffix.count) == refusedSuffix[...]
        {
            throw SNMPError(
                .agentError, target: targetDescription, oid: first, errorStatus: 5, errorIndex: 1,
                message: "the agent answered GET with error-status genErr (5) at binding 1")
        }
        return try await inner.get(oids)
    }
    func getNext(_ oids: [OID]) async throws -> [VarBind] { try await inner.getNext(oids) }
    func getBulk(_ oids: [OID], nonRepeaters: Int, maxRepetitions: Int) async throws -> [VarBind] {
        try await inner.getBulk(oids, nonRepeaters: nonRepeaters, maxRepetitions: maxRepetitions)
    }
    func walk(_ root: OID, maxRepetitions: Int) async throws -> [VarBind] {
        try await inner.walk(root, maxRepetitions: maxRepetitions)
    }
    func set(_ bindings: [VarBind]) async throws -> [VarBind] { try await inner.set(bindings) }
}

@Suite("SNMP optics refused for one ONU")
struct SNMPOpticsRefusalTests {
    static let ifIndex: UInt32 = 4_194_304_000
    static let base: OID = "1.3.6.1.4.1.2011.6.128.1.1.2"

    /// Two online ONTs (ids 1 and 2) on Huawei PON 0/0/0, with their optics.
    static func mib() -> RecordedMIB {
        var bindings = [VarBind(base.appending(23, 1, 4, ifIndex), .integer(300))]
        for id: UInt32 in [1, 2] {
            bindings.append(VarBind(base.appending(46, 1, 15, ifIndex, id), .integer(1)))
            let values: [Int64] = [41, 12, 200, -2140, 3300, 10000 - 2280]
            for (column, value) in zip(UInt32(1)...6, values) {
                bindings.append(VarBind(base.appending(51, 1, column, ifIndex, id), .integer(value)))
            }
        }
        return RecordedMIB(bindings)
    }

    @Test func anErrorStatusForOneONTIsItsNoReadingWithTheAgentsWordsAndTheOtherIsRead() async throws {
        let snmp = GenErrForOneONU(
            inner: LocalSNMPRequester(Self.mib()), refusedSuffix: [Self.ifIndex, 1],
            opticsRoot: Self.base.appending(51, 1))
        let driver = HuaweiSNMPDriver(snmp: snmp, olt: ManagementAddress("10.0.0.1")!, clock: { fixedDate })
        let optics = try await driver.readOptics(pon: PONAddress("0/0/0")!, onuIDs: [1, 2])
        let refused = try #require(optics.onus.first { $0.onuID == 1 })
        guard case .noReading(let none) = refused.onuRx else {
            Issue.record("refused ONT has a number: \(refused.onuRx)")
            return
        }
        #expect(none.cause == .refused)
        #expect(none.raw?.contains("genErr") == true)
        #expect(optics.onus.first { $0.onuID == 2 }?.onuRx == .dBm(DBm(centi: -2140)))
    }
}
