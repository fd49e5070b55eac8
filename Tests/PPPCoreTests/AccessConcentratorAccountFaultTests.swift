import PPPCore
import Testing

/// The access concentrator's faults scoped to one account, as the demo's simulated BRAS uses them:
/// another account on the same access concentrator dials as usual.
@Suite("Access concentrator account faults")
struct AccessConcentratorAccountFaultTests {
    static func lab(
        username: String, auth: PPPAuthProtocol = .pap, faults: [String: [PPPoEAccessConcentratorConfig.Fault]]
    )
        -> PPPoELab
    {
        PPPoELab(
            client: PPPoELab.clientConfig(username: username, password: "s3cret") {
                $0.echoInterval = .seconds(1)
                $0.echoMisses = 3
            },
            acs: [
                PPPoELab.acConfig {
                    $0.accounts = ["test01": "s3cret", "test02": "s3cret"]
                    $0.auth = auth
                    $0.accountFaults = faults
                }
            ])
    }

    @Test(arguments: [PPPAuthProtocol.pap, .chapMD5])
    func anUnansweredAccountTimesOutWhileAnotherDials(auth: PPPAuthProtocol) {
        let faults: [String: [PPPoEAccessConcentratorConfig.Fault]] = ["test02": [.noAnswer]]
        var silent = Self.lab(username: "test02", auth: auth, faults: faults)
        silent.start()
        silent.run()
        #expect(silent.failure?.code == "auth_timeout", "\(String(describing: silent.failure))")
        #expect(silent.ups.isEmpty)
        // It got its offer and LCP: only authentication went unanswered.
        #expect(silent.acEvents.contains { if case .log(let l) = $0 { l.contains("left unanswered") } else { false } })
        var other = Self.lab(username: "test01", auth: auth, faults: faults)
        other.start()
        other.runUntilUp()
        #expect(other.ups.count == 1)
    }

    @Test func anAccountsEchoesStopAfterItsTimeAndNoOneElses() {
        let faults: [String: [PPPoEAccessConcentratorConfig.Fault]] = ["test02": [.stopEchoes(after: .seconds(2))]]
        var flaky = Self.lab(username: "test02", faults: faults)
        flaky.start()
        flaky.runUntilUp()
        let upAt = flaky.now
        flaky.run()
        #expect(flaky.failure == .echoTimeout(misses: 3))
        // Echoes at +1 and +2 answered (the second at the edge), +3, +4, +5 not; declared at +6.
        #expect(flaky.now - upAt <= .seconds(6))
        var steady = Self.lab(username: "test01", faults: faults)
        steady.start()
        steady.runUntilUp()
        steady.run(for: .seconds(30))
        #expect(steady.outcome == nil)
    }

    @Test func anAccountRejectedByFaultIsRejectedWithItsRightPassword() {
        var lab = Self.lab(username: "test02", faults: ["test02": [.rejectAll]])
        lab.start()
        lab.run()
        #expect(lab.failure?.code == "auth_rejected")
        var other = Self.lab(username: "test01", faults: ["test02": [.rejectAll]])
        other.start()
        other.runUntilUp()
        #expect(other.ups.count == 1)
    }
}
