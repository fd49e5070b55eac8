import FTTHCore
import Testing

/// Which ONUs on a PON are test ONUs that must go (issue 10: no leaked test ONU, ever).
@Suite("Test ONU account")
struct TestONUAccountTests {
    let name = "FT-0A4D0001-0-1-0-S1-P1"
    let s1 = ONUSerial("HWTC7E570001")!
    let s2 = ONUSerial("HWTC7E570002")!
    let customer = ONUEntry(onuID: 0, serial: ONUSerial("HWTC0000C008"), name: "customer-8")

    @Test func aRetestWithAnotherSerialFindsEveryEarlierTestONUButNotTheNewOneNorACustomer() {
        let onus = [
            customer, ONUEntry(onuID: 1, serial: s1, name: name), ONUEntry(onuID: 2, serial: s2, name: name),
            ONUEntry(onuID: 3, serial: ONUSerial("ZTEG00000003"), name: name),
        ]
        #expect(TestONUAccount.stale(onus, testONUName: name, keeping: s2).map(\.onuID) == [1, 3])
        #expect(TestONUAccount.stale(onus, testONUName: name, keeping: nil).map(\.onuID) == [1, 2, 3])
        #expect(TestONUAccount.stale([customer], testONUName: name, keeping: s1).isEmpty)
    }

    @Test func strayTestONUsAreTheOnesNoActivationHolds() {
        let onus = [customer, ONUEntry(onuID: 1, serial: s1, name: name), ONUEntry(onuID: 2, serial: s2, name: name)]
        // Not activated: every ONU with the test name is a stray.
        #expect(TestONUAccount.strays(onus, testONUName: name, activated: false, held: []).map(\.onuID) == [1, 2])
        // Activated, holding ONU 2: ONU 1 (an earlier test's) is a stray.
        #expect(TestONUAccount.strays(onus, testONUName: name, activated: true, held: [2]).map(\.onuID) == [1])
        // Activated with nothing recorded as held (an old activation): nothing is taken for a stray.
        #expect(TestONUAccount.strays(onus, testONUName: name, activated: true, held: []).isEmpty)
        // A customer's ONU is never chosen, whatever the port's state.
        #expect(TestONUAccount.strays([customer], testONUName: "customer-8x", activated: false, held: []).isEmpty)
    }
}
