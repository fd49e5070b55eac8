import FTTHCore
import Foundation
import GRDB

extension SQLiteStore: ServiceTestStore {
    /// `service_tests`: the service half of a port-test run, one row per run that needs it. A
    /// partial unique index holds each test account by at most one active test; the result's
    /// idempotency key and body digest make a probe's repeated upload answer the first answer.
    static func registerServiceTestMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-service-tests") { db in
            try db.execute(
                sql: """
                    ALTER TABLE projects ADD COLUMN service_test INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE splitters ADD COLUMN plan_mbps REAL CHECK (plan_mbps IS NULL OR plan_mbps > 0);
                    DROP INDEX test_runs_one_active_per_port;
                    CREATE UNIQUE INDEX test_runs_one_active_per_port ON test_runs (port_id)
                        WHERE step IN ('provisioning', 'awaiting_online', 'reading', 'awaiting_service');
                    CREATE TABLE service_tests (
                        id INTEGER PRIMARY KEY,
                        run_id INTEGER NOT NULL UNIQUE REFERENCES test_runs(id),
                        port_id INTEGER NOT NULL REFERENCES splitter_ports(id),
                        username TEXT REFERENCES test_accounts(username),
                        state TEXT NOT NULL CHECK (state IN ('waiting', 'claimed', 'done')),
                        plan_mbps REAL NOT NULL CHECK (plan_mbps > 0),
                        created_at DATETIME NOT NULL,
                        claimed_by TEXT,
                        claimed_at DATETIME,
                        result_json TEXT,
                        result_key TEXT,
                        result_digest TEXT,
                        result_at DATETIME
                    );
                    CREATE UNIQUE INDEX service_tests_account_held ON service_tests (username)
                        WHERE state IN ('waiting', 'claimed') AND username IS NOT NULL;
                    CREATE INDEX service_tests_waiting ON service_tests (state, id);
                    -- The probe role: SQLite cannot change a CHECK, so the table is rebuilt as it was
                    -- with the new role allowed.
                    CREATE TABLE api_tokens_v6 (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        role TEXT NOT NULL CHECK (role IN ('crew', 'admin', 'integration', 'probe')),
                        secret_sha256 TEXT NOT NULL UNIQUE CHECK (length(secret_sha256) = 64),
                        created_at DATETIME NOT NULL,
                        revoked_at DATETIME
                    );
                    INSERT INTO api_tokens_v6 (id, name, role, secret_sha256, created_at, revoked_at)
                        SELECT id, name, role, secret_sha256, created_at, revoked_at FROM api_tokens;
                    DROP TABLE api_tokens;
                    ALTER TABLE api_tokens_v6 RENAME TO api_tokens;
                    """)
        }
    }

    static let serviceTestSelect = """
        SELECT t.id, t.run_id, t.username, t.state, t.plan_mbps, t.created_at, t.claimed_by, t.claimed_at,
            t.result_json, t.result_key, t.result_digest, t.result_at, p.code, s.name AS splitter, sp.number
        FROM service_tests t JOIN splitter_ports sp ON sp.id = t.port_id JOIN splitters s ON s.id = sp.splitter_id
        JOIN projects p ON p.id = s.project_id
        """

    static func loadServiceTests(_ db: Database, where clause: String, _ arguments: StatementArguments) throws
        -> [ServiceTest]
    {
        try Row.fetchAll(db, sql: serviceTestSelect + " " + clause, arguments: arguments).map { row in
            let id: Int64 = row["id"]
            guard let state = ServiceTestState(rawValue: row["state"]) else {
                throw StoreError.corruptRow(
                    table: "service_tests", id: id, problem: "unknown state '\(row["state"] as String)'")
            }
            var verdict: ServiceVerdict?
            if let json = row["result_json"] as String? {
                do {
                    verdict = try JSONDecoder().decode(ServiceVerdict.self, from: Data(json.utf8))
                } catch {
                    throw StoreError.corruptRow(
                        table: "service_tests", id: id, problem: "its result does not decode: \(error)")
                }
            }
            return ServiceTest(
                id: id, runID: row["run_id"],
                port: PortKey(projectCode: row["code"], splitter: row["splitter"], port: row["number"]),
                username: row["username"], state: state, claimedBy: row["claimed_by"], claimedAt: row["claimed_at"],
                createdAt: row["created_at"], planMbps: row["plan_mbps"], verdict: verdict)
        }
    }

    /// Called by `finishTestRun` inside its transaction: a run of a project that needs a service
    /// test whose `line` passed waits for it, holding the first free test account (none when the
    /// pool has none free).
    /// Returns whether the run now awaits its service test.
    static func beginServiceTest(_ db: Database, run: TestRun, line: Verdict, at: Date) throws -> Bool {
        // A failed line fails the port whatever a dial would show: the port goes back to the
        // builder at once, holding no account and no crew waiting for a probe.
        guard line == .pass else { return false }
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT sp.id AS port_id, p.service_test, s.plan_mbps FROM test_runs r
                    JOIN splitter_ports sp ON sp.id = r.port_id JOIN splitters s ON s.id = sp.splitter_id
                    JOIN projects p ON p.id = s.project_id WHERE r.id = ?
                    """, arguments: [run.id]),
            row["service_test"] as Bool
        else { return false }
        guard let plan = row["plan_mbps"] as Double? else {
            throw StoreError.conflict(
                location: nil,
                message:
                    "\(run.port.key) needs a service test but its splitter has no plan rate (plan_mbps); correct the project's import"
            )
        }
        let username = try String.fetchOne(
            db,
            sql: """
                SELECT username FROM test_accounts WHERE username NOT IN
                    (SELECT username FROM service_tests WHERE state != 'done' AND username IS NOT NULL)
                ORDER BY id LIMIT 1
                """)
        try db.execute(
            sql: """
                INSERT INTO service_tests (run_id, port_id, username, state, plan_mbps, created_at)
                VALUES (?, ?, ?, 'waiting', ?, ?)
                """,
            arguments: [run.id, row["port_id"] as Int64, username, plan, at])
        try event(
            db, portID: row["port_id"], at: at, "service_test_waiting",
            "run \(run.id): "
                + (username.map { "test account \($0) held, waiting for a probe" } ?? "no test account is free"))
        return true
    }

    /// Frees the account of run `runID`'s service test when the run ends another way (cancelled,
    /// failed): inside the caller's transaction.
    static func endServiceTest(_ db: Database, runID: Int64) throws {
        try db.execute(
            sql: "UPDATE service_tests SET state = 'done' WHERE run_id = ? AND state != 'done'", arguments: [runID])
    }

    public func serviceTest(runID: Int64) async throws -> ServiceTest? {
        try await read("reading the service test of run \(runID)") { db in
            try Self.loadServiceTests(db, where: "WHERE t.run_id = ?", [runID]).first
        }
    }

    public func serviceTests(_ key: PortKey) async throws -> [ServiceTest] {
        try await read("listing the service tests of \(key)") { db in
            let port = try Self.loadPort(db, key)
            return try Self.loadServiceTests(db, where: "WHERE t.port_id = ? ORDER BY t.id", [port.id])
        }
    }

    public func serviceTest(id: Int64) async throws -> ServiceTest? {
        try await read("reading service test \(id)") { db in
            try Self.loadServiceTests(db, where: "WHERE t.id = ?", [id]).first
        }
    }

    public func claimServiceTest(by probe: String, at: Date) async throws -> ServiceTestClaim? {
        try await write("giving a service test to probe \(probe)") { db in
            guard
                let test = try Self.loadServiceTests(
                    db, where: "WHERE t.state = 'waiting' AND t.username IS NOT NULL ORDER BY t.id LIMIT 1", []
                ).first, let username = test.username
            else { return nil }
            try db.execute(
                sql: "UPDATE service_tests SET state = 'claimed', claimed_by = ?, claimed_at = ? WHERE id = ?",
                arguments: [probe, at, test.id])
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT id, password FROM test_accounts WHERE username = ?", arguments: [username])
            else {
                throw StoreError.corruptRow(
                    table: "service_tests", id: test.id, problem: "its test account \(username) is not in the pool")
            }
            guard let password = self.key.unseal(row["password"], context: username) else {
                throw StoreError.corruptRow(
                    table: "test_accounts", id: row["id"],
                    problem:
                        "the password of test account \(username) does not decrypt with this store's key: the key (credential \(StoreKey.credentialName), [store] key_file or \(self.path).key) is not the one it was imported with; restore that key, or import the account again"
                )
            }
            let port = try Self.loadPort(db, test.port)
            try Self.event(
                db, portID: port.id, at: at, "service_test_claimed",
                "service test \(test.id) of run \(test.runID) taken by probe \(probe) with account \(username)")
            let claimed = try Self.loadServiceTests(db, where: "WHERE t.id = ?", [test.id])[0]
            let run = try Self.loadRun(db, where: "WHERE r.id = ?", [test.runID])[0]
            return ServiceTestClaim(
                test: claimed, account: TestAccount(username: username, password: password), run: run)
        }
    }

    public func recordServiceResult(
        _ id: Int64, verdict: ServiceVerdict, idempotencyKey: String?, bodyDigest: String, at: Date
    ) async throws -> (test: ServiceTest, replayed: Bool) {
        let json = try StoredForm.json(verdict)
        return try await write("recording the result of service test \(id)") { db in
            guard let row = try Row.fetchOne(db, sql: Self.serviceTestSelect + " WHERE t.id = ?", arguments: [id])
            else {
                throw StoreError.notFound("service test \(id)")
            }
            let test = try Self.loadServiceTests(db, where: "WHERE t.id = ?", [id])[0]
            let storedKey: String? = row["result_key"]
            if (row["result_at"] as Date?) != nil {
                if let idempotencyKey, idempotencyKey == storedKey {
                    guard bodyDigest == row["result_digest"] as String? else {
                        throw StoredRefusals.serviceResultWithAnotherBody(id, key: idempotencyKey)
                    }
                    return (test, true)
                }
                throw StoredRefusals.serviceResultAlreadyRecorded(id)
            }
            guard test.state != .done else {
                throw StoredRefusals.serviceTestEnded(id, port: test.port)
            }
            try db.execute(
                sql: """
                    UPDATE service_tests SET result_json = ?, result_key = ?, result_digest = ?, result_at = ?
                    WHERE id = ?
                    """,
                arguments: [json, idempotencyKey, bodyDigest, at, id])
            let port = try Self.loadPort(db, test.port)
            try Self.event(
                db, portID: port.id, at: at, "service_result_received",
                "service test \(id) of run \(test.runID): \(verdict.verdict.rawValue), \(verdict.reason)")
            return (try Self.loadServiceTests(db, where: "WHERE t.id = ?", [id])[0], false)
        }
    }

    public func finishServiceTest(runID: Int64, verdict: ServiceVerdict, outcome: String, at: Date) async throws
        -> TestRun
    {
        let json = try StoredForm.json(verdict)
        return try await write("recording the service result of test run \(runID)") { db in
            guard let run = try Self.loadRun(db, where: "WHERE r.id = ?", [runID]).first else {
                throw StoreError.notFound("test run \(runID)")
            }
            guard run.step == .awaitingService else {
                throw StoreError.conflict(
                    location: nil,
                    message:
                        "test run \(runID) of \(run.port.key) is \(run.step.rawValue), not awaiting_service: its service result is recorded once"
                )
            }
            let port = try Self.loadPort(db, run.port.key)
            let workflow = try Self.apply(.serviceResult(verdict.verdict), to: port, key: run.port.key)
            try Self.save(db, workflow, portID: port.id)
            try db.execute(
                sql: "UPDATE service_tests SET state = 'done', result_json = ? WHERE run_id = ?",
                arguments: [json, runID])
            try db.execute(
                sql: "UPDATE test_runs SET step = 'finished', attempt = 0, outcome = ?, updated_at = ? WHERE id = ?",
                arguments: [outcome, at, runID])
            try Self.event(
                db, portID: port.id, at: at, "service_result",
                "run \(runID): \(verdict.verdict.rawValue), \(verdict.reason)")
            try Self.endLease(db, runID: runID)
            try Self.event(db, portID: port.id, at: at, "test_finished", "run \(runID): \(outcome)")
            try Self.followTests(
                db, projectCode: run.port.key.projectCode, started: false,
                result: (run.port.key, verdict.verdict, verdict.verdict == .fail ? [verdict.reason] : []), at: at)
            return try Self.loadRun(db, where: "WHERE r.id = ?", [runID])[0]
        }
    }
}
