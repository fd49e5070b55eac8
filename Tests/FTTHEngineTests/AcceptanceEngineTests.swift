import FTTHCore
import FTTHDrivers
import FTTHEngine
import FTTHSQLite
import Foundation
import InMemoryLogging
import Logging
import OLTSim
import Testing

@Suite(.timeLimit(.minutes(2))) struct AcceptanceEngineTests {
    @Test func aPortTestProvisionsWaitsReadsAndRecordsItsVerdict() async throws {
        let rig = try await EngineRig().imported()
        let engine = rig.engine()
        let started = try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        #expect(started.step == .provisioning)
        #expect(started.cvlan == VLANID(3000))
        let progress = await engine.progress()

        let ended = await engine.execute(started)
        #expect(ended.step == .finished, "\(ended.outcome ?? "")")
        let onuID = try #require(ended.onuID)

        // On the OLT: one test ONU with its service-port SVLAN 1001 / CVLAN 3000.
        let onus = rig.olt.configuredONUs(on: EngineRig.pon)
        #expect(onus.map(\.serial) == [EngineRig.testONT])
        #expect(rig.olt.servicePorts(pon: EngineRig.pon, onuID: onuID).map { [$0.svlan, $0.cvlan] } == [[1001, 3000]])

        // In the store: activated, tested, one line result judged as the physics says.
        let row = try #require(try await rig.store.activationList(projectCode: "P1").first { $0.key.port == 3 })
        #expect(row.workflow.activation == .activated)
        #expect(row.workflow.testStatus == .done)
        #expect(row.cvlan == VLANID(3000))
        let results = try await rig.store.lineResults(EngineRig.port(3))
        #expect(results.count == 1)
        let observed = try #require(rig.olt.observe(pon: EngineRig.pon, id: onuID))
        #expect(results[0].readings.onuRx.value == DBm(try #require(observed.onuRxDBm)))
        #expect(results[0].verdict.verdict == ThresholdProfile.build.evaluate(results[0].readings).verdict)

        // Progress told the crew each step.
        var messages: [String] = []
        var read: TestProgress?
        for await event in progress {
            messages.append(event.message)
            if event.readings != nil { read = event }
            if !event.run.step.isActive { break }
        }
        // The read's event carries the four powers with when and how they were read (the live view).
        #expect(read?.readings == results[0].readings)
        #expect(read?.verdict == results[0].verdict)
        #expect(read?.provenance?.source.isEmpty == false)
        #expect(messages.contains { $0.contains("provisioned as ONU \(onuID)") })
        #expect(messages.contains { $0.contains("online; reading") })
        #expect(messages.last?.hasPrefix("line ") == true)
    }

    /// The same run handed over twice (found by the start-up resume and queued by `start`):
    /// the second copy, stale by then, must not provision a second test ONU or touch the result.
    @Test func aRunExecutedAgainFromAStaleCopyDoesNothing() async throws {
        let rig = try await EngineRig().imported()
        let engine = rig.engine()
        let started = try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        let ended = await engine.execute(started)
        #expect(ended.step == .finished, "\(ended.outcome ?? "")")
        let again = await engine.execute(started)
        #expect(again == ended)
        #expect(rig.olt.configuredONUs(on: EngineRig.pon).count == 1)
        #expect(try await rig.store.testRuns(EngineRig.port(3)).map(\.step) == [.finished])
        #expect(try await rig.store.lineResults(EngineRig.port(3)).count == 1)
    }

    /// A crew carries one test ONT from port to port. The OLT takes its serial once, so the
    /// test ONU of the port it left is removed first; that port keeps its result, and its history
    /// says where the ONT went. While a test runs on the first port, the ONT is not taken from it.
    @Test func theTestONTMovedToTheNextPortTakesItsSerialAlong() async throws {
        let rig = try await EngineRig().imported()
        let engine = rig.engine()
        let onPort3 = await engine.execute(
            try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build"))
        #expect(onPort3.step == .finished, "\(onPort3.outcome ?? "")")
        let port3Name = try #require(try await rig.store.activationList(projectCode: "P1").first { $0.key.port == 3 })
            .onuName

        // A test of port 3 under way holds the ONT: port 5 cannot take it, and the OLT is untouched.
        let again = try await engine.begin(EngineRig.port(3), profile: "build")
        #expect(rig.olt.plug(EngineRig.testONT, pon: EngineRig.pon, splitter: "SP-A", port: 5))
        let refused = await engine.execute(
            try await engine.begin(EngineRig.port(5), serial: EngineRig.testONT, profile: "build"))
        #expect(refused.step == .failed)
        #expect(
            refused.outcome?.contains(
                "test ONT HWTC7E570001 is under test on P1 / SP-A / port 3 (run \(again.id)); wait for that test")
                == true,
            "\(refused.outcome ?? "")")
        #expect(rig.olt.configuredONUs(on: EngineRig.pon).map(\.name) == [port3Name])
        _ = try await rig.store.advanceTestRun(
            again.id, to: .cancelled, onuID: nil, attempt: 0, outcome: "cancelled", at: Date())

        // Now the ONT moves: port 3's test ONU leaves the OLT, port 5 gets its own.
        let onPort5 = await engine.execute(
            try await engine.begin(EngineRig.port(5), serial: EngineRig.testONT, profile: "build"))
        #expect(onPort5.step == .finished, "\(onPort5.outcome ?? "")")
        let rows = try await rig.store.activationList(projectCode: "P1")
        let port3 = try #require(rows.first { $0.key.port == 3 })
        let port5 = try #require(rows.first { $0.key.port == 5 })
        #expect(rig.olt.configuredONUs(on: EngineRig.pon).map(\.name) == [port5.onuName])
        #expect(port3.workflow.activation == .deactivated)
        #expect(port3.workflow.verdict.line == .pass)
        #expect(port5.workflow.activation == .activated)
        #expect(port5.workflow.verdict.line == .pass)
        let moved = try await rig.store.portHistory(EngineRig.port(3)).last { $0.event == "test_ont_moved" }
        #expect(moved?.detail.hasPrefix("test ONT HWTC7E570001 moved to P1 / SP-A / port 5") == true)
        #expect(try await rig.store.lineResults(EngineRig.port(3)).count == 1)
    }

    @Test func anONUThatNeverComesOnlineIsJudgedWithoutLight() async throws {
        // The test ONT is plugged into port 5, the crew tests port 3 with a serial no ONT has.
        let rig = try await EngineRig().imported()
        let engine = rig.engine()
        let run = try await engine.begin(EngineRig.port(3), serial: ONUSerial("HWTCDEAD0001"), profile: "build")
        let ended = await engine.execute(run)
        #expect(ended.step == .finished)
        #expect(ended.outcome?.contains("did not come online within 120") == true)
        let result = try #require(try await rig.store.lineResults(EngineRig.port(3)).last)
        #expect(result.verdict.verdict == .fail)
        #expect(result.runID == run.id)
        // One reason for the crew, naming the ONT's serial, the splitter and the port.
        #expect(result.verdict.reasons.count == 1)
        #expect(result.verdict.reasons[0].contains("never came online"))
        #expect(result.verdict.reasons[0].contains("HWTCDEAD0001"))
        #expect(result.verdict.reasons[0].contains("splitter SP-A port 3"))
        #expect(result.verdict.checks.allSatisfy { $0.reason.contains("no reading") })
        #expect(result.readings.onuRx.value == nil)
    }

    /// Issue 10, item 0, as a crew found it: a mistyped serial (the ONU never comes online, the
    /// line fails), then the right one (pass), then hand-over. Every test ONU either run added
    /// leaves the OLT; the store accounts for each run's ONU.
    @Test func aRetestWithAnotherSerialLeavesNoTestONUAfterHandOver() async throws {
        let rig = try await EngineRig().imported()
        let engine = rig.engine()
        let mistyped = await engine.execute(
            try await engine.begin(EngineRig.port(3), serial: ONUSerial("HWTCDEAD0001"), profile: "build"))
        #expect(mistyped.outcome?.hasPrefix("line fail (build)") == true)
        let name = try #require(try await rig.store.activationList(projectCode: "P1").first { $0.key.port == 3 })
            .onuName
        #expect(rig.olt.configuredONUs(on: EngineRig.pon).map(\.name) == [name])

        let right = await engine.execute(
            try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build"))
        #expect(right.outcome == "line pass (build)", "\(right.outcome ?? "")")
        // The first attempt's ONU left before the second was added: one test ONU, the right serial.
        let onus = rig.olt.configuredONUs(on: EngineRig.pon)
        #expect(onus.map(\.name) == [name])
        #expect(onus.map(\.serial) == [EngineRig.testONT])
        let runs = try await rig.store.testRuns(EngineRig.port(3))
        #expect(runs.map(\.holdsTestONU) == [false, true])
        #expect(runs.map(\.serial) == [ONUSerial("HWTCDEAD0001"), EngineRig.testONT])
        #expect(try await rig.store.portHistory(EngineRig.port(3)).contains { $0.event == "test_onu_removed" })

        let report = try await engine.deactivate(projectCode: "P1")
        #expect(report.deactivated == [EngineRig.port(3)])
        #expect(rig.olt.configuredONUs(on: EngineRig.pon).isEmpty)
        #expect(try await rig.store.testRuns(EngineRig.port(3)).allSatisfy { !$0.holdsTestONU })
    }

    /// ONUs with the test name that no run holds (left by an older version, or added by hand)
    /// are removed at hand-over and by reconciliation, every one of them, never a customer's.
    @Test func handOverAndReconciliationRemoveEveryONUWithTheTestName() async throws {
        let rig = try await EngineRig().imported()
        let engine = rig.engine()
        let passed = await engine.execute(
            try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build"))
        #expect(passed.step == .finished)
        let name = try #require(try await rig.store.activationList(projectCode: "P1").first { $0.key.port == 3 })
            .onuName
        // Two more ONUs with the test name, as older versions left them.
        let driver = try rig.drivers.driver(for: ManagementAddress("10.20.0.1")!, dialect: .huaweiMA5600T)
        for (serial, cvlan) in [("HWTC00000A01", 3005), ("HWTC00000A02", 3006)] {
            _ = try await driver.provision(
                TestONUSpec(
                    pon: EngineRig.pon, name: name, serial: ONUSerial(serial), password: nil, svlan: VLANID(1001)!,
                    cvlan: VLANID(cvlan)!, lineProfile: "ftth-test", serviceProfile: "ftth-test"))
        }
        #expect(rig.olt.configuredONUs(on: EngineRig.pon).count == 3)
        let report = try await engine.reconcile()
        #expect(report.removed == [EngineRig.port(3), EngineRig.port(3)])
        let left = rig.olt.configuredONUs(on: EngineRig.pon)
        #expect(left.map(\.serial) == [EngineRig.testONT], "the ONU the run holds stays")

        _ = try await driver.provision(
            TestONUSpec(
                pon: EngineRig.pon, name: name, serial: ONUSerial("HWTC00000A03"), password: nil, svlan: VLANID(1001)!,
                cvlan: VLANID(3007)!, lineProfile: "ftth-test", serviceProfile: "ftth-test"))
        _ = try await engine.deactivate(projectCode: "P1")
        #expect(rig.olt.configuredONUs(on: EngineRig.pon).isEmpty)
    }

    /// An administrator's change decides the next test, and the result keeps the limits it was
    /// judged by.
    @Test func theThresholdsInForceAreTheStoresAndEveryResultKeepsItsLimits() async throws {
        let rig = try await EngineRig().imported()
        let engine = rig.engine()
        let first = await engine.execute(
            try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build"))
        #expect(first.outcome == "line pass (build)", "\(first.outcome ?? "")")
        let onuRx = try #require(try await rig.store.lineResults(EngineRig.port(3)).last?.readings.onuRx.value)

        // The limit raised above what the port reads: the next test fails on it.
        let configured = Dictionary(uniqueKeysWithValues: ThresholdProfile.defaults.map { ($0.name, $0) })
        let raised = onuRx.centi + 100
        _ = try await rig.store.updateThresholdProfile(
            "build", settings: [ThresholdSetting(key: .minONURx, centi: raised)], configured: configured,
            actor: "admin-1", at: Date())
        let second = await engine.execute(
            try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build"))
        #expect(second.outcome?.hasPrefix("line fail (build): ONU rx") == true, "\(second.outcome ?? "")")
        let results = try await rig.store.lineResults(EngineRig.port(3))
        #expect(results.map(\.runID) == [first.id, second.id])
        #expect(results[0].verdict.limits?.minONURx == ThresholdProfile.build.minONURx)
        #expect(results[1].verdict.limits?.minONURx == DBm(centi: raised))
    }

    @Test func anOLTRefusalEndsTheRunReleasesTheCVLANAndLeavesNothingOnTheOLT() async throws {
        let rig = try await EngineRig(lineProfile: "no-such-profile").imported()
        let engine = rig.engine()
        let run = try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        let ended = await engine.execute(run)
        #expect(ended.step == .failed)
        #expect(ended.outcome?.contains("line profile does not exist") == true, "\(ended.outcome ?? "")")
        #expect(rig.olt.configuredONUs(on: EngineRig.pon).isEmpty)
        let row = try #require(try await rig.store.activationList(projectCode: "P1").first { $0.key.port == 3 })
        #expect(row.workflow.activation == .activationFailed)
        #expect(row.cvlan == nil)
        let history = try await rig.store.portHistory(EngineRig.port(3)).map(\.event)
        #expect(history.contains("activation_failed"))
        #expect(history.last == "test_failed")
    }

    @Test func transientFailuresAreRetriedWithBackoffAndThenGivenUp() async throws {
        let rig = try await EngineRig().imported()
        rig.drivers.failures.set(2)
        let engine = rig.engine(maxAttempts: 3)
        let before = rig.clock.now
        let run = try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        let ended = await engine.execute(run)
        #expect(ended.step == .finished, "\(ended.outcome ?? "")")
        // Two waits before the retries: 2 s, then 4 s (then the ONU's 20 s registration polls).
        #expect(before.duration(to: rig.clock.now) >= .seconds(6))

        let second = try await EngineRig().imported()
        second.drivers.failures.set(10)
        let giveUp = second.engine(maxAttempts: 3)
        let doomed = try await giveUp.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        let failed = await giveUp.execute(doomed)
        #expect(failed.step == .failed)
        #expect(failed.outcome?.contains("gave up after 3 attempts at provisioning") == true, "\(failed.outcome ?? "")")
        #expect(failed.outcome?.contains("cannot connect") == true)
    }

    @Test func aSecondTestOfTheSamePortWhileOneRunsIsRefused() async throws {
        let rig = try await EngineRig().imported()
        let engine = rig.engine()
        _ = try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        let error = await #expect(throws: StoreError.self) {
            _ = try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("already being tested"))
        await #expect(throws: EngineError.self) {
            _ = try await engine.begin(EngineRig.port(4), serial: EngineRig.testONT, profile: "nightly")
        }
    }

    /// The daemon stopped after the OLT accepted the ONU but before the step was written: the
    /// restarted engine provisions again, finds the same ONU, and finishes. One ONU, one result.
    @Test func aRestartedEngineResumesWithoutASecondONU() async throws {
        let rig = try await EngineRig().imported()
        let first = rig.engine()
        let run = try await first.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        let driver = try rig.drivers.driver(for: run.port.olt, dialect: run.port.dialect)
        let provisioned = try await driver.provision(run.onuSpec(lineProfile: "ftth-test", serviceProfile: "ftth-test"))

        let restarted = rig.engine()
        #expect(try await rig.store.activeTestRuns().map(\.id) == [run.id])
        await restarted.resume()
        #expect(try await rig.store.activeTestRuns().isEmpty)
        let ended = try #require(try await rig.store.testRuns(EngineRig.port(3)).last)
        #expect(ended.step == .finished)
        #expect(ended.onuID == provisioned)
        #expect(rig.olt.configuredONUs(on: EngineRig.pon).count == 1)
        #expect(rig.olt.servicePorts(pon: EngineRig.pon).count == 1)
        #expect(try await rig.store.lineResults(EngineRig.port(3)).count == 1)
    }

    @Test func aCancelledRunStopsAfterItsStep() async throws {
        let rig = try await EngineRig().imported()
        let engine = rig.engine()
        let run = try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        await engine.cancel(runID: run.id)
        let ended = await engine.execute(run)
        #expect(ended.step == .cancelled)
        #expect(rig.olt.configuredONUs(on: EngineRig.pon).isEmpty)
        let row = try #require(try await rig.store.activationList(projectCode: "P1").first { $0.key.port == 3 })
        #expect(row.cvlan == nil)
        #expect(row.workflow.activation == .notActivated)
    }
}

@Suite struct ReconcileAndDeactivateTests {
    @Test func reconcileRemovesStrayTestONUsFlagsMissingOnesAndLeavesCustomersAlone() async throws {
        let rig = try await EngineRig().imported()
        let engine = rig.engine()
        // Port 3 tested and activated; then its ONU vanishes from the OLT (someone removed it).
        let run = try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        let tested = await engine.execute(run)
        #expect(rig.olt.remove(pon: EngineRig.pon, id: tested.onuID!))
        // Port 4's test ONU is on the OLT although the store never activated it; a customer ONU too.
        let rows = try await rig.store.activationList(projectCode: "P1")
        let stray = try #require(rows.first { $0.key.port == 4 })
        let strayID = try rig.olt.configure(
            pon: EngineRig.pon, id: nil, serial: ONUSerial("HWTC7E570004"), name: stray.onuName,
            lineProfile: "ftth-test", serviceProfile: "ftth-test")
        let customer = try rig.olt.configure(
            pon: EngineRig.pon, id: nil, serial: ONUSerial("HWTC00000C01"), name: "customer-0001",
            lineProfile: "ftth-test", serviceProfile: "ftth-test")

        let report = try await rig.engine().reconcile()
        #expect(report.removed == [EngineRig.port(4)])
        #expect(report.missing == [EngineRig.port(3)])
        #expect(report.unreadable.isEmpty)
        let left = rig.olt.configuredONUs(on: EngineRig.pon).map(\.id)
        #expect(left == [customer])
        #expect(!left.contains(strayID))
        #expect(try await rig.store.portHistory(EngineRig.port(3)).last?.event == "activation_missing")
        #expect(try await rig.store.portHistory(EngineRig.port(4)).last?.event == "stray_test_onu_removed")
    }

    @Test func deactivationRemovesEveryTestONUAndReleasesTheCVLANs() async throws {
        let rig = try await EngineRig().imported()
        let engine = rig.engine()
        for port in [3, 5] {
            let run = try await engine.begin(
                EngineRig.port(port), serial: ONUSerial("HWTC7E57000\(port)"), profile: "user")
            _ = await engine.execute(run)
        }
        let customer = try rig.olt.configure(
            pon: EngineRig.pon, id: nil, serial: ONUSerial("HWTC00000C01"), name: "customer-0001",
            lineProfile: "ftth-test", serviceProfile: "ftth-test")
        #expect(rig.olt.configuredONUs(on: EngineRig.pon).count == 3)

        let report = try await engine.deactivate(projectCode: "P1")
        #expect(report.deactivated == [EngineRig.port(3), EngineRig.port(5)])
        #expect(report.failed.isEmpty)
        #expect(rig.olt.configuredONUs(on: EngineRig.pon).map(\.id) == [customer])
        #expect(rig.olt.servicePorts(pon: EngineRig.pon).isEmpty)
        let rows = try await rig.store.activationList(projectCode: "P1").filter { [3, 5].contains($0.key.port) }
        #expect(rows.allSatisfy { $0.workflow.activation == .deactivated && $0.cvlan == nil })
        // Again: nothing left to do, nothing fails.
        #expect(try await engine.deactivate(projectCode: "P1") == DeactivationReport())
    }
}

@Suite(.timeLimit(.minutes(2))) struct EngineRunLoopTests {
    /// The daemon's loop executes what `start` begins; told to stop (SIGTERM) while an ONU is
    /// still registering, it leaves the run in its step, and the next process finishes it.
    @Test func startedTestsRunAndAStopParksThemForTheNextStart() async throws {
        let rig = try await EngineRig().imported()
        let engine = rig.engine(clock: StoppedClock())
        let progress = await engine.progress()
        let loop = Task { await engine.run() }
        let run = try await engine.start(EngineRig.port(3), serial: EngineRig.testONT, profile: "build")
        for await event in progress where event.message.contains("waiting for it to come online") { break }
        loop.cancel()
        await loop.value

        let parked = try #require(try await rig.store.activeTestRuns().first)
        #expect(parked.id == run.id)
        #expect(parked.step == .awaitingOnline)

        let next = rig.engine()
        // Subscribed before the loop starts: the resumed run may end within milliseconds.
        let finished = await next.progress()
        let nextLoop = Task { await next.run() }
        for await event in finished where !event.run.step.isActive { break }
        nextLoop.cancel()
        await nextLoop.value
        #expect(try await rig.store.testRuns(EngineRig.port(3)).map(\.step) == [.finished])
        #expect(rig.olt.configuredONUs(on: EngineRig.pon).count == 1)
        // Executed once at a time: one activation, no failed attempt in the port's history.
        let events = try await rig.store.portHistory(EngineRig.port(3)).map(\.event)
        #expect(events.filter { $0 == "activated" }.count == 1)
        #expect(!events.contains("activation_failed"))
    }
}

/// Password (LOID) activation (issue 10, item 9): on an OLT that authenticates test ONUs by
/// password, every port gets its password before its first test, the crew sets it on the test
/// ONT, and the test ONU is provisioned with it and no serial.
@Suite struct PasswordActivationTests {
    @Test func aPasswordOLTsPortsGetTheirPasswordsAndTheTestONUIsProvisionedWithIt() async throws {
        let rig = try await EngineRig().imported()
        var activation = ActivationPolicy()
        activation.passwordOLTs = [ManagementAddress("10.20.0.1")!]
        let engine = rig.engine(activation: activation)
        let run = try await engine.begin(EngineRig.port(3), profile: "build")
        // Every port of the project got one, of the rule's length and alphabet, each its own.
        let rows = try await rig.store.activationList(projectCode: "P1")
        let passwords = rows.compactMap(\.onuPassword)
        #expect(passwords.count == rows.count)
        #expect(Set(passwords).count == passwords.count)
        #expect(passwords.allSatisfy { $0.count == 10 && $0.allSatisfy(\.isNumber) })
        // Its history says one was set, never what it is.
        let history = try await rig.store.portHistory(EngineRig.port(3))
        let set = try #require(history.first { $0.event == "password_set" })
        let password = try #require(rows.first { $0.key == EngineRig.port(3) }?.onuPassword)
        #expect(!set.detail.contains(password))

        // The crew sets the password on the test ONT; the test ONU is provisioned with it.
        rig.olt.setPassword(password, on: EngineRig.testONT)
        let ended = await engine.execute(run)
        #expect(ended.outcome == "line pass (build)", "\(ended.outcome ?? "")")
        let onu = try #require(rig.olt.configuredONUs(on: EngineRig.pon).first)
        #expect(onu.serial == nil)
        #expect(onu.password == password)
        #expect(!(ended.outcome ?? "").contains(password))

        // A re-test takes the same ONU up again: still one test ONU.
        let again = await engine.execute(try await engine.begin(EngineRig.port(3), profile: "build"))
        #expect(again.step == .finished)
        #expect(rig.olt.configuredONUs(on: EngineRig.pon).count == 1)
        #expect(
            try await rig.store.activationList(projectCode: "P1").first { $0.key == EngineRig.port(3) }?
                .onuPassword == password)
    }

    /// An OLT that refuses the password may repeat it; the run's outcome, the progress stream and
    /// the log say it was refused, never what it was (issue 12, defect 8).
    @Test func aRefusedPasswordIsNotRepeatedInTheOutcomeOrTheLog() async throws {
        let rig = try await EngineRig().imported()
        var activation = ActivationPolicy()
        activation.passwordOLTs = [ManagementAddress("10.20.0.1")!]
        var configuration = EngineConfiguration(
            profiles: Dictionary(uniqueKeysWithValues: ThresholdProfile.defaults.map { ($0.name, $0) }),
            cvlanRanges: [EngineRig.range], onlineTimeout: .seconds(120), pollInterval: .seconds(5), maxAttempts: 3)
        configuration.activation = activation
        let logs = InMemoryLogHandler()
        let engine = AcceptanceEngine(
            store: rig.store, drivers: EchoingRefusalDrivers(inner: rig.drivers), configuration: configuration,
            clock: rig.clock, now: { Date(timeIntervalSince1970: 1_790_000_000) },
            logger: Logger(label: "test", factory: { _ in logs }))
        let run = try await engine.begin(EngineRig.port(3), profile: "build")
        let password = try #require(
            try await rig.store.activationList(projectCode: "P1").first { $0.key == EngineRig.port(3) }?.onuPassword)
        let ended = await engine.execute(run)
        #expect(ended.step == .failed)
        let outcome = ended.outcome ?? ""
        #expect(outcome.contains("password-auth [redacted]"), "\(outcome)")
        #expect(!outcome.contains(password), "\(outcome)")
        let stored = try await rig.store.testRun(id: run.id)?.outcome ?? ""
        #expect(!stored.contains(password) && stored.contains("Failure: The password [redacted] is invalid"))
        let lines = logs.entries.map { "\($0.message) \($0.metadata)" }
        #expect(lines.contains { $0.contains("[redacted]") }, "\(lines)")
        #expect(!lines.contains { $0.contains(password) }, "\(lines)")
        let history = try await rig.store.portHistory(EngineRig.port(3))
        #expect(!history.contains { $0.detail.contains(password) })
    }

    @Test func aSerialOLTGivesNoPasswords() async throws {
        let rig = try await EngineRig().imported()
        let engine = rig.engine()
        _ = await engine.execute(try await engine.begin(EngineRig.port(3), serial: EngineRig.testONT, profile: "build"))
        #expect(try await rig.store.activationList(projectCode: "P1").allSatisfy { $0.onuPassword == nil })
    }
}
