import CLIModel
import FTTHCLI
import FTTHCore
import FTTHDrivers
import Foundation
import ProcessLab
import Testing

/// The whole acceptance flow of DESIGN §2 (line quality), end to end over real processes: the
/// crew starts port tests through the daemon's API, the daemon provisions test ONUs on olt-sim
/// over Telnet and reads their optics, the project goes to review, an administrator approves,
/// the test ONUs are removed and every accepted port is pushed to the receiver once.
@Suite("Acceptance end to end", .serialized)
struct AcceptanceEndToEndTests {
    /// The test ONUs (named by the naming rule, FT-…) configured on each OLT of the lab.
    func testONUs(_ lab: Lab) async throws -> [String] {
        var names: [String] = []
        for (port, address, pon, huawei) in [
            (lab.huaweiTelnetPort, "10.77.0.1", "0/1/0", true), (lab.zteTelnetPort, "10.77.0.2", "1/2/1", false),
        ] {
            let target = CLITarget(
                host: "127.0.0.1", port: port, transport: .telnet, username: "admin", password: "admin", maxSessions: 1)
            let pool = CLIConnectionPool(
                target: target, style: huawei ? HuaweiCLIDriver.terminalStyle : ZTECLIDriver.terminalStyle,
                sessionSetup: huawei ? HuaweiCLIDriver.sessionSetup : ZTECLIDriver.sessionSetup)
            let olt = ManagementAddress(address)!
            let driver: any OLTDriver =
                huawei
                ? HuaweiCLIDriver(cli: pool, olt: olt, dialect: .huaweiMA5800) : ZTECLIDriver(cli: pool, olt: olt)
            let onus = try await driver.listONUs(pon: PONAddress(pon)!)
            await pool.shutdown()
            names += onus.map(\.name).filter { $0.hasPrefix("FT-") }
        }
        return names.sorted()
    }

    @Test(arguments: Lab.StoreChoice.allCases)
    func projectsAreTestedThroughTheAPIApprovedDeactivatedAndPushedOnceThroughAReceiverThatFailsFirst(
        _ store: Lab.StoreChoice
    ) async throws {
        try await withLab(receiverFailures: 3, store: store) { lab in
            try await lab.startSimulator()
            try await lab.startDaemon()
            var ids: [Int] = []
            for port in Lab.huaweiPorts + Lab.ztePorts { ids.append(try await lab.startTest(port)) }
            let ended = try await lab.awaitEnd(ids)
            for (port, id) in zip(Lab.huaweiPorts + Lab.ztePorts, ids) {
                let outcome = ended[id]?["outcome"] as? String ?? ""
                if port.splitter == "HW-SP1" && port.port == 2 {
                    // A dirty connector: 6 dB more loss than its neighbours.
                    #expect(outcome.hasPrefix("line fail (build)"), "\(port): \(outcome)")
                    #expect(outcome.contains("ONU rx"), "\(outcome)")
                } else {
                    #expect(outcome == "line pass (build)", "\(port): \(outcome)")
                }
            }
            #expect(try await testONUs(lab).count == 8)
            #expect(try await lab.project("E2E-1")?["state"] as? String == "rework")
            #expect(try await lab.project("E2E-2")?["state"] as? String == "awaiting_review")

            // The port's results say why, with the four powers.
            let results = try await lab.call("GET", "/v1/projects/E2E-1/ports/HW-SP1/2/results", token: lab.crewToken)
            #expect(results.status == 200)
            #expect(results.text.contains("below build limit"), "\(results.text)")

            // A project in rework cannot be approved; E2E-2 can, by an administrator only.
            #expect(try await lab.call("POST", "/v1/projects/E2E-1/approve", token: lab.adminToken).status == 409)
            #expect(try await lab.call("POST", "/v1/projects/E2E-2/approve", token: lab.crewToken).status == 403)
            let approved = try await lab.call("POST", "/v1/projects/E2E-2/approve", token: lab.adminToken)
            #expect(approved.status == 200, "\(approved.text)")

            // The scheduler removes E2E-2's test ONUs, then the outbox pushes its 4 ports; the
            // receiver refuses the first 3 pushes and still gets each port once.
            try await poll("E2E-2 to be pushed", seconds: 60) {
                try await lab.project("E2E-2")?["state"] as? String == "pushed"
            }
            #expect(lab.receiver.refusals == 3)
            let keys = lab.receiver.keys
            #expect(keys.count == 4, "\(keys)")
            #expect(Set(keys).count == 4)
            #expect(keys.allSatisfy { $0.hasPrefix("E2E-2/") })
            // Only E2E-1's test ONUs remain, for its re-test.
            let left = try await testONUs(lab)
            #expect(left.count == 4, "\(left)")
            #expect(left.allSatisfy { $0.hasPrefix("FT-0A4D0001-") })
        }
    }

    /// SIGKILL in the middle of tests, then a restart: every run resumes from its persisted step
    /// and ends with a result; no record is lost and no second test ONU is provisioned.
    @Test(arguments: Lab.StoreChoice.allCases)
    func aDaemonKilledMidTestResumesAfterARestartAndLeavesNothingBehind(_ store: Lab.StoreChoice) async throws {
        try await withLab(store: store) { lab in
            // Slow commands and a slow registration, so that the kill finds tests mid-way.
            try await lab.startSimulator(latencyMilliseconds: 150, registrationSeconds: 3)
            try await lab.startDaemon()
            let ports = [Lab.huaweiPorts[0], Lab.huaweiPorts[2], Lab.ztePorts[0], Lab.ztePorts[1]]
            var ids: [Int] = []
            for port in ports { ids.append(try await lab.startTest(port)) }
            // Kill once a test ONU is on an OLT and some run still waits for it or is provisioning.
            try await poll("a run to wait for its ONU", seconds: 30) {
                let steps = try await ids.asyncMap { try await lab.run($0)["step"] as? String ?? "" }
                return steps.contains("awaiting_online")
            }
            let before = try await ids.asyncMap { try await lab.run($0)["step"] as? String ?? "" }
            lab.daemon?.crash()
            #expect(before.contains { $0 == "provisioning" || $0 == "awaiting_online" }, "\(before)")

            try await lab.startDaemon()
            let ended = try await lab.awaitEnd(ids)
            for id in ids {
                #expect(ended[id]?["step"] as? String == "finished", "run \(id): \(ended[id] ?? [:])")
                #expect(ended[id]?["outcome"] as? String == "line pass (build)", "run \(id)")
            }
            // One run per port, one result per port, one test ONU per port on the OLTs.
            for port in ports {
                let results = try await lab.call(
                    "GET", "/v1/projects/\(port.projectCode)/ports/\(port.splitter)/\(port.port)/results",
                    token: lab.crewToken)
                let list = results.json["results"] as? [Any] ?? []
                #expect(list.count == 1, "\(port): \(results.text)")
            }
            let onus = try await testONUs(lab)
            #expect(onus.count == 4, "\(onus)")
            #expect(Set(onus).count == 4)
        }
    }
}

/// SIGKILL between every pair of steps of a port test (issue 10): the daemon kills itself at
/// one engine checkpoint, then starts again. Every run ends with exactly one result, its own,
/// and every port holds one test ONU, whatever the checkpoint.
@Suite("Crash at every checkpoint", .serialized)
struct CrashCheckpointTests {
    @Test(arguments: ["begun", "provisioned", "online", "read", "recorded"])
    func aDaemonKilledAtACheckpointLeavesOneResultPerRunAndOneTestONUPerPort(_ checkpoint: String) async throws {
        try await withLab { lab in
            try await lab.startSimulator()
            try await lab.startDaemon(crashAt: checkpoint)
            let ports = [Lab.huaweiPorts[0], Lab.ztePorts[0]]
            for port in ports {
                // A start whose answer the crash cut off still has its run: found below.
                _ = try? await lab.startTest(port)
            }
            try await poll("ftth-acceptd to kill itself at \(checkpoint)", seconds: 60) {
                lab.daemon?.process.isRunning == false
            }
            #expect(lab.daemon?.log.contains("SIGKILL at checkpoint \(checkpoint)") == true)
            try await lab.startDaemon()
            var ids: [Int] = []
            for port in ports {
                var runs = try await lab.runIDs(port)
                if runs.isEmpty { runs = [try await lab.startTest(port)] }
                #expect(runs.count == 1, "\(port): \(runs)")
                ids += runs
            }
            let ended = try await lab.awaitEnd(ids)
            for id in ids {
                #expect(ended[id]?["step"] as? String == "finished", "run \(id): \(ended[id] ?? [:])")
                #expect(ended[id]?["verdict"] as? String == "pass", "run \(id): \(ended[id] ?? [:])")
            }
            for port in ports {
                let results = try await lab.call(
                    "GET", "/v1/projects/\(port.projectCode)/ports/\(port.splitter)/\(port.port)/results",
                    token: lab.crewToken)
                let list = results.json["results"] as? [[String: Any]] ?? []
                #expect(list.count == 1, "\(port): \(results.text)")
                #expect(list.first?["run_id"] as? Int != nil, "\(port): \(results.text)")
            }
            let onus = try await AcceptanceEndToEndTests().testONUs(lab)
            #expect(onus.count == 2, "\(onus)")
            #expect(Set(onus).count == 2)
        }
    }
}

/// A re-test with another serial, killed at a checkpoint: a crew first gave a mistyped serial
/// (the ONU never came online), then the right one, and the daemon died mid-way. After the
/// restart each port holds one test ONU, with the right serial; hand-over then leaves none.
@Suite("Crash during a re-test with another serial", .serialized)
struct CrashDuringRetestTests {
    @Test(arguments: ["provisioned", "online", "read"])
    func aRetestWithAnotherSerialKilledAtACheckpointLeavesOneTestONUPerPort(_ checkpoint: String) async throws {
        try await withLab { lab in
            try await lab.startSimulator()
            try await lab.startDaemon()
            let ports = [Lab.huaweiPorts[0], Lab.ztePorts[0]]
            var first: [Int] = []
            for port in ports {
                let wrong = port.splitter == "HW-SP1" ? "HWTCDEAD0001" : "ZTEGDEAD0001"
                first.append(try await lab.startTest(port, serial: wrong))
            }
            let failed = try await lab.awaitEnd(first)
            for id in first {
                #expect(
                    (failed[id]?["outcome"] as? String)?.hasPrefix("line fail (build)") == true, "\(failed[id] ?? [:])")
            }
            lab.daemon?.crash()
            try await lab.startDaemon(crashAt: checkpoint)
            for port in ports { _ = try? await lab.startTest(port) }
            try await poll("ftth-acceptd to kill itself at \(checkpoint)", seconds: 60) {
                lab.daemon?.process.isRunning == false
            }
            try await lab.startDaemon()
            var second: [Int] = []
            for port in ports {
                let runs = try await lab.runIDs(port)
                second.append(runs.count == 2 ? runs[1] : try await lab.startTest(port))
            }
            let ended = try await lab.awaitEnd(second)
            for id in second {
                #expect(ended[id]?["verdict"] as? String == "pass", "run \(id): \(ended[id] ?? [:])")
            }
            let onus = try await AcceptanceEndToEndTests().testONUs(lab)
            #expect(onus.count == 2, "\(onus)")
            #expect(Set(onus).count == 2)
        }
    }

    /// SIGKILL while the hand-over removes test ONUs: after the restart the scheduler finishes
    /// it, no test ONU of the project stays and each port is pushed once.
    @Test func aHandOverKilledBetweenRemovingAndRecordingFinishesAfterARestart() async throws {
        try await withLab { lab in
            try await lab.startSimulator()
            try await lab.startDaemon(crashAt: "removed")
            let ids = try await Lab.ztePorts.asyncMap { try await lab.startTest($0) }
            _ = try await lab.awaitEnd(ids)
            #expect(try await lab.project("E2E-2")?["state"] as? String == "awaiting_review")
            let approved = try await lab.call("POST", "/v1/projects/E2E-2/approve", token: lab.adminToken)
            #expect(approved.status == 200, "\(approved.text)")
            try await poll("ftth-acceptd to kill itself at removed", seconds: 60) {
                lab.daemon?.process.isRunning == false
            }
            try await lab.startDaemon()
            try await poll("E2E-2 to be pushed", seconds: 60) {
                try await lab.project("E2E-2")?["state"] as? String == "pushed"
            }
            let left = try await AcceptanceEndToEndTests().testONUs(lab)
            #expect(left.allSatisfy { !$0.hasPrefix("FT-0A4D0002-") }, "\(left)")
            #expect(lab.receiver.keys.count == 4)
            #expect(Set(lab.receiver.keys).count == 4)
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
