import FTTHCore
import FTTHStoreKit
import Foundation
import PostgresNIO

extension PostgresStore: ServiceTestStore {
    static let serviceTestSelect = """
        SELECT t.id, t.run_id, t.username, t.state, t.plan_mbps, t.created_at, t.claimed_by, t.claimed_at,
            t.result_json, t.result_key, t.result_digest, t.result_at, p.code, s.name AS splitter, sp.number
        FROM service_tests t JOIN splitter_ports sp ON sp.id = t.port_id JOIN splitters s ON s.id = sp.splitter_id
        JOIN projects p ON p.id = s.project_id
        """

    static func loadServiceTests(_ db: PostgresConnection, _ clause: PostgresQuery) async throws -> [ServiceTest] {
        try await db.rows(PostgresQuery(serviceTestSelect, clause)).map { row in
            let id: Int64 = try row["id"]
            let stateName: String = try row["state"]
            guard let state = ServiceTestState(rawValue: stateName) else {
                throw StoreError.corruptRow(table: "service_tests", id: id, problem: "unknown state '\(stateName)'")
            }
            var verdict: ServiceVerdict?
            if let json: String = try row["result_json"] {
                do {
                    verdict = try JSONDecoder().decode(ServiceVerdict.self, from: Data(json.utf8))
                } catch {
                    throw StoreError.corruptRow(
                        table: "service_tests", id: id, problem: "its result does not decode: \(error)")
                }
            }
            return ServiceTest(
                id: id, runID: try row["run_id"],
                port: PortKey(projectCode: try row["code"], splitter: try row["splitter"], port: try row["number"]),
                username: try row["username"], state: state, claimedBy: try row["claimed_by"],
                claimedAt: try row["claimed_at"], createdAt: try row["created_at"], planMbps: try row["plan_mbps"],
                verdict: verdict)
        }
    }

    /// Called by `finishTestRun` inside its transaction: a run of a project that needs a service
    /// test whose `line` passed waits for it, holding the first free test account (none when the
    /// pool has none free). Returns whether the run now awaits its service test.
    static func beginServiceTest(_ db: PostgresConnection, run: TestRun, line: Verdict, at: Date) async throws -> Bool {
        // A failed line fails the port whatever a dial would show: the port goes back to the
        // builder at once, holding no account and no crew waiting for a probe.
        guard line == .pass else { return false }
        guard
            let row = try await db.row(
                """
                SELECT sp.id AS port_id, p.service_test, s.plan_mbps FROM test_runs r
                JOIN splitter_ports sp ON sp.id = r.port_id JOIN splitters s ON s.id = sp.splitter_id
                JOIN projects p ON p.id = s.project_id WHERE r.id = \(run.id)
                """),
            try row["service_test"] as Bool
        else { return false }
        guard let plan: Double = try row["plan_mbps"] else {
            throw StoreError.conflict(
                location: nil,
                message:
                    "\(run.port.key) needs a service test but its splitter has no plan rate (plan_mbps); correct the project's import"
            )
        }
        let portID: Int64 = try row["port_id"]
        // Two daemons finishing runs at once may pick the same free account: the unique index on
        // held accounts refuses the second, whose transaction is then run again.
        let username = try await db.value(
            """
            SELECT username FROM test_accounts WHERE username NOT IN
                (SELECT username FROM service_tests WHERE state != 'done' AND username IS NOT NULL)
            ORDER BY id LIMIT 1
            """, as: String.self)
        try await db.execute(
            """
            INSERT INTO service_tests (run_id, port_id, username, state, plan_mbps, created_at)
            VALUES (\(run.id), \(portID), \(username), 'waiting', \(plan), \(at))
            """)
        try await event(
            db, portID: portID, at: at, "service_test_waiting",
            "run \(run.id): "
                + (username.map { "test account \($0) held, waiting for a probe" } ?? "no test account is free"))
        return true
    }

    /// Frees the account of run `runID`'s service test when the run ends another way (cancelled,
    /// failed): inside the caller's transaction.
    static func endServiceTest(_ db: PostgresConnection, runID: Int64) async throws {
        try await db.execute("UPDATE service_tests SET state = 'done' WHERE run_id = \(runID) AND state != 'done'")
    }

    public func serviceTest(runID: Int64) async throws -> ServiceTest? {
        try await read("reading the service test of run \(runID)") { db in
            try await Self.loadServiceTests(db, "WHERE t.run_id = \(runID)").first
        }
    }

    public func serviceTests(_ key: PortKey) async throws -> [ServiceTest] {
        try await read("listing the service tests of \(key)") { db in
            let port = try await Self.loadPort(db, key)
            return try await Self.loadServiceTests(db, "WHERE t.port_id = \(port.id) ORDER BY t.id")
        }
    }

    public func serviceTest(id: Int64) async throws -> ServiceTest? {
        try await read("reading service test \(id)") { db in
            try await Self.loadServiceTests(db, "WHERE t.id = \(id)").first
        }
    }

    public func claimServiceTest(by probe: String, at: Date) async throws -> ServiceTestClaim? {
        try await write("giving a service test to probe \(probe)") { db in
            // Probes asking at once through different daemons each take a different test: a row
            // another transaction has locked is skipped, not waited for.
            guard
                let waiting = try await db.value(
                    """
                    SELECT id FROM service_tests WHERE state = 'waiting' AND username IS NOT NULL
                    ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
                    """, as: Int64.self),
                let test = try await Self.loadServiceTests(db, "WHERE t.id = \(waiting)").first,
                let username = test.username
            else { return nil }
            try await db.execute(
                "UPDATE service_tests SET state = 'claimed', claimed_by = \(probe), claimed_at = \(at) WHERE id = \(test.id)"
            )
            guard let row = try await db.row("SELECT id, password FROM test_accounts WHERE username = \(username)")
            else {
                throw StoreError.corruptRow(
                    table: "service_tests", id: test.id, problem: "its test account \(username) is not in the pool")
            }
            guard let password = self.key.unseal(try row["password"], context: username) else {
                throw StoreError.corruptRow(
                    table: "test_accounts", id: try row["id"],
                    problem:
                        "the password of test account \(username) does not decrypt with this daemon's store key: every daemon on \(self.settings.displayURL) needs the same key (credential \(StoreKey.credentialName) or [store] key_file); give this one the key the account was imported with, or import the account again"
                )
            }
            let port = try await Self.loadPort(db, test.port)
            try await Self.event(
                db, portID: port.id, at: at, "service_test_claimed",
                "service test \(test.id) of run \(test.runID) taken by probe \(probe) with account \(username)")
            let claimed = try await Self.loadServiceTests(db, "WHERE t.id = \(test.id)")[0]
            let run = try await Self.loadRun(db, id: test.runID)!
            return ServiceTestClaim(
                test: claimed, account: TestAccount(username: username, password: password), run: run)
        }
    }

    public func recordServiceResult(
        _ id: Int64, verdict: ServiceVerdict, idempotencyKey: String?, bodyDigest: String, at: Date
    ) async throws -> (test: ServiceTest, replayed: Bool) {
        let json = try StoredForm.json(verdict)
        return try await write("recording the result of service test \(id)") { db in
            guard
                let row = try await db.row(
                    "SELECT result_key, result_digest, result_at FROM service_tests WHERE id = \(id) FOR UPDATE")
            else {
                throw StoreError.notFound("service test \(id)")
            }
            let test = try await Self.loadServiceTests(db, "WHERE t.id = \(id)")[0]
            let storedKey: String? = try row["result_key"]
            if try (row["result_at"] as Date?) != nil {
                if let idempotencyKey, idempotencyKey == storedKey {
                    guard try bodyDigest == (row["result_digest"] as String?) else {
                        throw StoredRefusals.serviceResultWithAnotherBody(id, key: idempotencyKey)
                    }
                    return (test, true)
                }
                throw StoredRefusals.serviceResultAlreadyRecorded(id)
            }
            guard test.state != .done else {
                throw StoredRefusals.serviceTestEnded(id, port: test.port)
            }
            try await db.execute(
                """
                UPDATE service_tests SET result_json = \(json), result_key = \(idempotencyKey),
                    result_digest = \(bodyDigest), result_at = \(at)
                WHERE id = \(id)
                """)
            let port = try await Self.loadPort(db, test.port)
            try await Self.event(
                db, portID: port.id, at: at, "service_result_received",
                "service test \(id) of run \(test.runID): \(verdict.verdict.rawValue), \(verdict.reason)")
            return (try await Self.loadServiceTests(db, "WHERE t.id = \(id)")[0], false)
        }
    }

    public func finishServiceTest(runID: Int64, verdict: ServiceVerdict, outcome: String, at: Date) async throws
        -> TestRun
    {
        let json = try StoredForm.json(verdict)
        return try await write("recording the service result of test run \(runID)") { db in
            guard let run = try await Self.loadRun(db, id: runID) else {
                throw StoreError.notFound("test run \(runID)")
            }
            guard run.step == .awaitingService else {
                throw StoreError.conflict(
                    location: nil,
                    message:
                        "test run \(runID) of \(run.port.key) is \(run.step.rawValue), not awaiting_service: its service result is recorded once"
                )
            }
            let port = try await Self.loadPort(db, run.port.key)
            let workflow = try Self.apply(.serviceResult(verdict.verdict), to: port, key: run.port.key)
            try await Self.save(db, workflow, portID: port.id)
            try await db.execute(
                "UPDATE service_tests SET state = 'done', result_json = \(json) WHERE run_id = \(runID)")
            try await db.execute(
                "UPDATE test_runs SET step = 'finished', attempt = 0, outcome = \(outcome), updated_at = \(at) WHERE id = \(runID)"
            )
            try await Self.event(
                db, portID: port.id, at: at, "service_result",
                "run \(runID): \(verdict.verdict.rawValue), \(verdict.reason)")
            try await Self.endLease(db, runID: runID)
            try await Self.event(db, portID: port.id, at: at, "test_finished", "run \(runID): \(outcome)")
            try await Self.followTests(
                db, projectCode: run.port.key.projectCode, started: false,
                result: (run.port.key, verdict.verdict, verdict.verdict == .fail ? [verdict.reason] : []), at: at)
            return try await Self.loadRun(db, id: runID)!
        }
    }
}
