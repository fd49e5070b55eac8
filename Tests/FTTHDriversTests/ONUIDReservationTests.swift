import FTTHCore
import Testing

@testable import FTTHDrivers

/// Port tests of one PON port provisioning at once never pick the same ONU id; other PON ports
/// and other OLTs are not affected, and a released id is free again.
@Suite struct ONUIDReservationTests {
    let olt = ManagementAddress("10.0.0.1")!
    let pon = PONAddress("1/2/1")!

    @Test func concurrentReservationsOnOnePONGetDifferentIDs() async {
        let reservations = ONUIDReservations()
        let used: Set<Int> = [1, 2, 4]
        var ids: [Int?] = []
        for _ in 0..<3 { ids.append(await reservations.reserve(olt: olt, pon: pon, used: used, in: 1...128)) }
        #expect(ids == [3, 5, 6])
        // Another PON port and another OLT choose on their own.
        #expect(await reservations.reserve(olt: olt, pon: PONAddress("1/2/2")!, used: used, in: 1...128) == 3)
        #expect(await reservations.reserve(olt: ManagementAddress("10.0.0.2")!, pon: pon, used: used, in: 1...128) == 3)
        await reservations.release(olt: olt, pon: pon, id: 5)
        #expect(await reservations.reserve(olt: olt, pon: pon, used: used, in: 1...128) == 5)
    }

    @Test func noIDLeftIsNil() async {
        let reservations = ONUIDReservations()
        #expect(await reservations.reserve(olt: olt, pon: pon, used: [1], in: 1...2) == 2)
        #expect(await reservations.reserve(olt: olt, pon: pon, used: [1], in: 1...2) == nil)
    }

    @Test func withReservedIDReleasesOnSuccessAndOnFailure() async throws {
        let reservations = ONUIDReservations()
        let first = try await reservations.withReservedID(olt: olt, pon: pon, used: [], in: 1...8) { $0 }
        #expect(first == 1)
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            _ = try await reservations.withReservedID(olt: olt, pon: pon, used: [], in: 1...8) { _ in throw Refused() }
        }
        #expect(await reservations.reserve(olt: olt, pon: pon, used: [], in: 1...8) == 1)
    }
}
