import FTTHCore
import Foundation
import ProcessLab
import Testing

/// Several daemons on one PostgreSQL store (issue 16), as an operator runs them: separate
/// processes with the same configuration, each with its own API.
@Suite("Cluster end to end", .serialized)
struct ClusterEndToEndTests {
    /// Leases short enough for a test: a killed daemon's runs are taken over 8 s after its last
    /// renewal; commands time out (``commandTimeout``) well within half of that.
    static let cluster = """
        lease_s = 8
        poll_s = 1
        """
    static let commandTimeout = 3

    /// A daemon SIGKILLed mid-test: the other takes its runs over once their leases run out and
    /// finishes each from its persisted step, with one result per port and one test ONU per
    /// port on the OLTs.
    @Test func theRunsOfAKilledDaemonAreTakenOverAndFinishedOnceByTheOther() async throws {
        try await withLab(store: .postgres) { lab in
            try await lab.startSimulator(latencyMilliseconds: 150, registrationSeconds: 3)
            try await lab.startDaemon(
                name: "acceptd-a", cluster: Self.cluster, commandTimeoutSeconds: Self.commandTimeout)
            let a = lab.apiPort
            let first = lab.daemon!
            try await lab.startDaemon(
                name: "acceptd-b", cluster: Self.cluster, commandTimeoutSeconds: Self.commandTimeout)
            let b = lab.apiPort
            lab.apiPort = a
            let ports = [Lab.huaweiPorts[0], Lab.huaweiPorts[2], Lab.ztePorts[0], Lab.ztePorts[1]]
            var ids: [Int] = []
            for port in ports { ids.append(try await lab.startTest(port)) }
            try await poll("a run to wait for its ONU", seconds: 30) {
                let steps = try await ids.asyncMap { try await lab.run($0)["step"] as? String ?? "" }
                return steps.contains("awaiting_online")
            }
            first.crash()
            lab.apiPort = b
            let ended = try await lab.awaitEnd(ids, seconds: 90)
            for id in ids {
                #expect(ended[id]?["step"] as? String == "finished", "run \(id): \(ended[id] ?? [:])")
                #expect(ended[id]?["outcome"] as? String == "line pass (build)", "run \(id)")
            }
            let survivor = lab.daemon!
            #expect(survivor.log.contains("took over run"), "\(survivor.log.suffix(2000))")
            for port in ports {
                let results = try await lab.call(
                    "GET", "/v1/projects/\(port.projectCode)/ports/\(port.splitter)/\(port.port)/results",
                    token: lab.crewToken)
                #expect((results.json["results"] as? [Any])?.count == 1, "\(port): \(results.text)")
            }
            let onus = try await AcceptanceEndToEndTests().testONUs(lab)
            #expect(onus.count == 4, "\(onus)")
            #expect(Set(onus).count == 4)
        }
    }

    /// A crew following the live progress on one daemon sees a run the other executes.
    @Test func aCrewOnOneDaemonSeesTheProgressOfARunTheOtherExecutes() async throws {
        try await withLab(store: .postgres) { lab in
            try await lab.startSimulator()
            try await lab.startDaemon(
                name: "acceptd-a", cluster: Self.cluster, commandTimeoutSeconds: Self.commandTimeout)
            let a = lab.apiPort
            try await lab.startDaemon(
                name: "acceptd-b", cluster: Self.cluster, commandTimeoutSeconds: Self.commandTimeout)
            let b = lab.apiPort
            // The crew's live view on B, through a real HTTP client.
            let follower = try LabProcess(
                "curl", path: "/usr/bin/curl",
                arguments: [
                    "-sN", "-H", "Authorization: Bearer \(lab.crewToken)",
                    "http://127.0.0.1:\(b)/v1/events?project=E2E-1",
                ])
            defer { follower.crash() }
            try await poll("the live view on B to open", seconds: 10) {
                follower.standardOutput.contains(": connected")
            }
            lab.apiPort = a
            let id = try await lab.startTest(Lab.huaweiPorts[0])
            try await poll("B's live view to show the result A records", seconds: 60) {
                follower.standardOutput.contains("\"id\":\(id)") && follower.standardOutput.contains("line pass")
            }
            let ended = try await lab.awaitEnd([id])
            #expect(ended[id]?["step"] as? String == "finished")
            // The run was executed by A, whose API began it under its lease; B never took it.
            #expect(!lab.daemons[1].log.contains("took over run"))
        }
    }

    /// A crew cancels through one daemon a run the other executes: the executing daemon stops
    /// it.
    @Test func aCancelSentToOneDaemonStopsTheRunTheOtherExecutes() async throws {
        try await withLab(store: .postgres) { lab in
            try await lab.startSimulator(latencyMilliseconds: 20, registrationSeconds: 30)
            try await lab.startDaemon(
                name: "acceptd-a", cluster: Self.cluster, commandTimeoutSeconds: Self.commandTimeout)
            let a = lab.apiPort
            try await lab.startDaemon(
                name: "acceptd-b", cluster: Self.cluster, commandTimeoutSeconds: Self.commandTimeout)
            // B begins the run under its lease and executes it; the ONU takes 30 s to register.
            let id = try await lab.startTest(Lab.huaweiPorts[0])
            try await poll("the run to wait for its ONU", seconds: 30) {
                try await lab.run(id)["step"] as? String == "awaiting_online"
            }
            lab.apiPort = a
            let cancel = try await lab.call("DELETE", "/v1/tests/\(id)", token: lab.crewToken)
            #expect(cancel.status == 202, "\(cancel.text)")
            let ended = try await lab.awaitEnd([id], seconds: 20)
            #expect(ended[id]?["step"] as? String == "cancelled", "\(ended[id] ?? [:])")
            #expect(!lab.daemons[0].log.contains("took over run"))
        }
    }
}
