import FTTHCore
import Foundation
import ProcessLab
import Testing

/// Two and three daemons on one PostgreSQL while port tests run, and something breaks: a daemon
/// is SIGKILLed, PostgreSQL restarts, the daemons' connections are terminated, a daemon's pool
/// has one connection for everything. After each, every run has ended with exactly one result,
/// each port holds one test ONU, no OLT saw more command-line sessions than the cluster's limit,
/// and each accepted port is pushed once.
@Suite("Cluster chaos", .serialized)
struct ClusterChaosTests {
    /// The daemons' `[southbound] max_cli_sessions` (Lab), which holds across the cluster; each
    /// simulated OLT accepts 4, so a limit kept per daemon would show as refusals.
    static let sessionLimit = 3
    static let ports = Lab.huaweiPorts + Lab.ztePorts

    /// `count` daemons, the 8 port tests started through them in turn; `disrupt` runs once a
    /// run waits for its ONU and returns the API port of a daemon that survives it.
    func chaos(
        _ lab: Lab, daemons count: Int, _ disrupt: (_ daemons: [(process: LabProcess, port: Int)]) async throws -> Int
    ) async throws {
        try await lab.startSimulator(latencyMilliseconds: 150, registrationSeconds: 3)
        var daemons: [(process: LabProcess, port: Int)] = []
        for index in 0..<count {
            try await lab.startDaemon(
                name: "acceptd-\(index)", cluster: ClusterEndToEndTests.cluster,
                commandTimeoutSeconds: ClusterEndToEndTests.commandTimeout)
            daemons.append((lab.daemon!, lab.apiPort))
        }
        var ids: [Int] = []
        for (index, port) in Self.ports.enumerated() {
            lab.apiPort = daemons[index % count].port
            ids.append(try await lab.startTest(port))
        }
        try await poll("a run to wait for its ONU", seconds: 30) {
            let steps = try await ids.asyncMap { try await lab.run($0)["step"] as? String ?? "" }
            return steps.contains("awaiting_online")
        }
        lab.apiPort = try await disrupt(daemons)
        try await expectNothingLostOrDoubled(lab, ids)
    }

    func expectNothingLostOrDoubled(_ lab: Lab, _ ids: [Int]) async throws {
        let ended = try await lab.awaitEnd(ids, seconds: 120)
        for (port, id) in zip(Self.ports, ids) {
            let outcome = ended[id]?["outcome"] as? String ?? ""
            #expect(ended[id]?["step"] as? String == "finished", "run \(id): \(ended[id] ?? [:])")
            if port.splitter == "HW-SP1" && port.port == 2 {
                #expect(outcome.hasPrefix("line fail (build)"), "\(port): \(outcome)")
            } else {
                #expect(outcome == "line pass (build)", "\(port): \(outcome)")
            }
            let results = try await lab.call(
                "GET", "/v1/projects/\(port.projectCode)/ports/\(port.splitter)/\(port.port)/results",
                token: lab.crewToken)
            #expect((results.json["results"] as? [Any])?.count == 1, "\(port): \(results.text)")
            #expect(try await lab.runIDs(port) == [id], "\(port)")
        }
        let counts = try await lab.simulatorStatistics()
        #expect(counts.count == 2)
        for (olt, c) in counts {
            #expect(c.peakSessions <= Self.sessionLimit, "\(olt): \(c)")
            #expect(c.sessionsRefused == 0, "\(olt): \(c)")
        }
        let onus = try await AcceptanceEndToEndTests().testONUs(lab)
        #expect(onus.count == 8, "\(onus)")
        #expect(Set(onus).count == 8)

        // The clean project is approved; one daemon's outbox pushes each of its ports once.
        let approved = try await lab.call("POST", "/v1/projects/E2E-2/approve", token: lab.adminToken)
        #expect(approved.status == 200, "\(approved.text)")
        try await poll("E2E-2 to be pushed", seconds: 60) {
            try await lab.project("E2E-2")?["state"] as? String == "pushed"
        }
        let keys = lab.receiver.keys
        #expect(keys.count == 4, "\(keys)")
        #expect(Set(keys).count == 4)
        #expect(try await AcceptanceEndToEndTests().testONUs(lab).count == 4)
    }

    /// The first daemon is SIGKILLed; the others take its runs once their leases run out.
    @Test(arguments: [2, 3]) func oneDaemonKilled(_ count: Int) async throws {
        try await withLab(store: .postgres) { lab in
            try await chaos(lab, daemons: count) { daemons in
                daemons[0].process.crash()
                return daemons[1].port
            }
            #expect(lab.daemons.dropFirst().contains { $0.log.contains("took over run") })
        }
    }

    /// PostgreSQL stops (open transactions rolled back, connections closed) and starts again.
    /// The daemons reconnect, and what a run did before is not done twice.
    @Test(arguments: [2, 3]) func postgreSQLRestarted(_ count: Int) async throws {
        let server = try LabPostgres()
        try server.start()
        defer { server.destroy() }
        try await withLab(store: .postgres, server: server) { lab in
            try await chaos(lab, daemons: count) { daemons in
                try server.stop(mode: "fast")
                try server.start()
                return daemons[1].port
            }
            // The disruption reached the daemons: their listening connections were lost.
            #expect(lab.daemons.contains { $0.log.contains("lost the live progress of the other daemons") })
        }
    }

    /// Every connection the daemons have to the database is terminated at once, the advisory
    /// locks' and the notifications' too.
    @Test(arguments: [2, 3]) func connectionsTerminated(_ count: Int) async throws {
        try await withLab(store: .postgres) { lab in
            try await chaos(lab, daemons: count) { daemons in
                let (server, database) = lab.postgres!
                let terminated = try server.psql(
                    """
                    SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                    WHERE datname = '\(database)' AND pid <> pg_backend_pid()
                    """)
                #expect((Int(terminated) ?? 0) >= 4, "terminated \(terminated)")
                return daemons[0].port
            }
            #expect(lab.daemons.contains { $0.log.contains("lost the live progress of the other daemons") })
            #expect(lab.daemons.contains { $0.log.contains("lost the connection holding the") })
        }
    }

    /// Daemons whose pools have one connection each for the runs, the API, the leases and the
    /// permits: work waits for the connection and none is lost.
    @Test(arguments: [2, 3]) func aPoolOfOne(_ count: Int) async throws {
        try await withLab(store: .postgres, storeConnections: 1) { lab in
            try await chaos(lab, daemons: count) { daemons in daemons[1].port }
        }
    }
}
