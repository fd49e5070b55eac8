import FTTHCore
import FTTHDrivers
import OLTSim
import OLTSimServer
import Testing

/// A PON read reads what can be read: optics are asked only of ONUs that are online, and an
/// OLT that refuses one ONU's optics costs that ONU its numbers, never the whole PON port.
extension OLTDriverConformanceTests {
    /// The command that shows one ONU's optics, as olt-sim's statistics name it.
    static func opticsCommand(_ kind: DriverKind) -> String {
        kind.dialect.isHuawei ? "display ont optical-info" : "show pon power attenuation"
    }

    /// Configures an ONU whose serial no ONT on the ODN has: it never comes online.
    func offlineONU(_ rig: ConformanceRig) throws -> Int {
        try rig.olt.configure(
            pon: rig.pon, id: nil, serial: ONUSerial("HWTCDEAD0002")!, name: "FT-OFFLINE-1", lineProfile: "ftth-test",
            serviceProfile: "ftth-test")
    }

    /// Two customer ONUs of the rig's PON port, online from the start.
    func onlineONUs(_ rig: ConformanceRig) throws -> [Int] {
        let customers = Array(rig.olt.configuredONUs(on: rig.pon).map(\.id).prefix(2))
        try #require(customers.count == 2)
        for id in customers { try #require(rig.olt.observe(pon: rig.pon, id: id)?.runState == .online) }
        return customers
    }

    @Test(arguments: kinds)
    func aPONReadWithAnOfflineONUGivesNumbersForTheOnlineOneAndDoesNotAskTheOffline(kind: DriverKind) async throws {
        try await ConformanceRig.with(kind) { rig in
            let online = try onlineONUs(rig)[0]
            let offline = try offlineONU(rig)
            rig.clock.advance(by: 60)
            let commandsBefore = rig.servers?.statistics(olt: 0).commands[Self.opticsCommand(kind)] ?? 0

            let optics = try await rig.driver.readOptics(pon: rig.pon, onuIDs: [online, offline])
            #expect(optics.onus.map(\.onuID) == [online, offline])
            let up = try #require(optics.onus.first { $0.onuID == online })
            let down = try #require(optics.onus.first { $0.onuID == offline })
            #expect(up.runState == .online)
            expectClose(up.onuRx, rig.olt.observe(pon: rig.pon, id: online)?.onuRxDBm, "ONU rx")
            expectClose(up.oltRx, rig.olt.observe(pon: rig.pon, id: online)?.oltRxDBm, "OLT rx")
            #expect(down.runState == .offline)
            for reading in [down.onuRx, down.onuTx, down.oltRx] {
                guard case .noReading(let none) = reading else {
                    Issue.record("offline ONU \(offline) has a number: \(reading)")
                    continue
                }
                #expect(none.cause == .onuOffline)
            }
            // The offline ONU was never asked: no OMCI query on the OLT, no optics command sent.
            #expect(rig.olt.opticsQueries(pon: rig.pon, id: offline) == 0)
            #expect(rig.olt.opticsQueries(pon: rig.pon, id: online) > 0)
            if let servers = rig.servers {
                let sent = (servers.statistics(olt: 0).commands[Self.opticsCommand(kind)] ?? 0) - commandsBefore
                #expect(sent == 1, "optics commands sent for one online and one offline ONU")
            }

            // The same when every ONU of the port is read.
            let all = try await rig.driver.readOptics(pon: rig.pon, onuIDs: nil)
            #expect(all.onus.first { $0.onuID == offline }?.onuRx.value == nil)
            #expect(all.onus.filter { $0.onuID != offline }.allSatisfy { $0.onuRx.value != nil })
            #expect(all.oltTx.value != nil)
            #expect(rig.olt.opticsQueries(pon: rig.pon, id: offline) == 0)
        }
    }

    @Test(arguments: kinds)
    func aRefusalForOneONUIsThatONUsNoReadingWithTheOLTsWords(kind: DriverKind) async throws {
        try await ConformanceRig.with(kind) { rig in
            let customers = try onlineONUs(rig)
            let refusedID = customers[0]
            let answeringID = customers[1]
            let reason = "The ONT did not answer the optical query"
            rig.olt.refuseOptics(pon: rig.pon, id: refusedID, reason: reason)

            for onuIDs in [[refusedID, answeringID], nil] {
                let optics = try await rig.driver.readOptics(pon: rig.pon, onuIDs: onuIDs)
                let theirs = try #require(optics.onus.first { $0.onuID == refusedID })
                #expect(theirs.runState == .online)
                for reading in [theirs.onuRx, theirs.onuTx, theirs.oltRx] {
                    guard case .noReading(let none) = reading else {
                        Issue.record("refused ONU \(refusedID) has a number: \(reading)")
                        continue
                    }
                    #expect(none.cause == .refused)
                    // SNMP has no words of its own: the agent's exception or error-status stands for them.
                    let words = kind == .huaweiSNMP || kind == .zteSNMP ? "No Such Instance" : reason
                    #expect(none.raw?.contains(words) == true, "\(none)")
                }
                let answering = optics.onus.first { $0.onuID == answeringID }
                #expect(answering?.onuRx.value != nil)
                for onu in optics.onus where onu.onuID != refusedID {
                    #expect(onu.runState == .online && onu.onuRx.value != nil && onu.oltRx.value != nil, "\(onu)")
                }
                #expect(optics.oltTx.value != nil)
            }

            // Once the OLT answers again, the ONU has its numbers.
            rig.olt.refuseOptics(pon: rig.pon, id: refusedID, reason: nil)
            let again = try await rig.driver.readOptics(pon: rig.pon, onuIDs: [refusedID])
            expectClose(
                again.onus.first?.onuRx ?? .missing(.absent), rig.olt.observe(pon: rig.pon, id: refusedID)?.onuRxDBm,
                "ONU rx")
        }
    }

    /// The engine reads right after its wait saw the ONU online, and says so: a driver may skip
    /// asking the run state again, and an ONU gone offline in between is still no reading.
    @Test(arguments: kinds)
    func aReadOfONUsKnownOnlineStillGivesNoReadingForOneGoneOffline(kind: DriverKind) async throws {
        try await ConformanceRig.with(kind) { rig in
            let online = try onlineONUs(rig)[0]
            let offline = try offlineONU(rig)
            rig.clock.advance(by: 60)
            let optics = try await rig.driver.readOptics(
                pon: rig.pon, onuIDs: [online, offline], knownOnline: [online, offline])
            let up = try #require(optics.onus.first { $0.onuID == online })
            expectClose(up.onuRx, rig.olt.observe(pon: rig.pon, id: online)?.onuRxDBm, "ONU rx")
            let down = try #require(optics.onus.first { $0.onuID == offline })
            #expect(down.onuRx.value == nil && down.onuTx.value == nil && down.oltRx.value == nil, "\(down)")
        }
    }
}
