import FTTHCore
import Foundation
import GRDB

extension SQLiteStore: TestRunStore {
    /// `test_runs`: one row per port test, its step written before the work it names. At most
    /// one active run per port, enforced by a partial unique index.
    static func registerTestRunMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-test-runs") { db in
            try db.execute(
                sql: """
                    CREATE TABLE test_runs (
                        id INTEGER PRIMARY KEY,
                        port_id INTEGER NOT NULL REFERENCES splitter_ports(id),
                        step TEXT NOT NULL,
                        profile TEXT NOT NULL,
                        cvlan INTEGER NOT NULL CHECK (cvlan BETWEEN 1 AND 4094),
                        onu_id INTEGER,
                        attempt INTEGER NOT NULL DEFAULT 0,
                        started_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL,
                        outcome TEXT
                    );
                    CREATE UNIQUE INDEX test_runs_one_active_per_port ON test_runs (port_id)
                        WHERE step IN ('provisioning', 'awaiting_online', 'reading');
                    CREATE INDEX test_runs_port ON test_runs (port_id, id);
                    """)
        }
        // A result belongs to the run that measured it, one at most; a run remembers the serial
        // it provisioned with and when its test ONU left the OLT, so every ONU the engine ever
        // added is accounted for, per run.
        migrator.registerMigration("v5-run-results") { db in
            try db.execute(
                sql: """
                    ALTER TABLE line_results ADD COLUMN run_id INTEGER REFERENCES test_runs(id);
                    CREATE UNIQUE INDEX line_results_one_per_run ON line_results (run_id) WHERE run_id IS NOT NULL;
                    ALTER TABLE test_runs ADD COLUMN onu_serial TEXT;
                    ALTER TABLE test_runs ADD COLUMN onu_removed_at DATETIME;
                    ALTER TABLE test_runs ADD COLUMN limits_json TEXT;
                    """)
            try migrateThresholdBindings(db)
        }
    }

    /// v10-who-tested: who started each run, and who did what on a port's history (the report's
    /// "who tested", the review's history). Older rows have neither: nil, shown as unknown.
    static func registerWhoTestedMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10-who-tested") { db in
            try db.execute(
                sql: """
                    ALTER TABLE test_runs ADD COLUMN started_by TEXT;
                    ALTER TABLE port_events ADD COLUMN actor TEXT;
                    """)
        }
    }

    /// The steps in which a run is active, for SQL: from ``TestRunStep/isActive``, never written out.
    static let activeStepsSQL = StoredForm.activeStepsSQL

    static let runSelect = """
        SELECT r.id AS run_id, r.step, r.profile, r.cvlan AS run_cvlan, r.onu_id, r.attempt, r.started_at,
            r.updated_at, r.outcome, r.onu_serial AS run_serial, r.onu_removed_at, r.limits_json, r.started_by, p.code AS project_code, s.name AS splitter_name, sp.number AS port_number
        FROM test_runs r JOIN splitter_ports sp ON sp.id = r.port_id JOIN splitters s ON s.id = sp.splitter_id
        JOIN projects p ON p.id = s.project_id
        """

    static func loadRun(_ db: Database, where clause: String, _ arguments: StatementArguments) throws -> [TestRun] {
        try Row.fetchAll(db, sql: runSelect + " " + clause, arguments: arguments).map { row in
            let key = PortKey(
                projectCode: row["project_code"], splitter: row["splitter_name"], port: row["port_number"])
            let port = try loadPort(db, key)
            let stepName: String = row["step"]
            guard let step = TestRunStep(rawValue: stepName), let cvlan = VLANID(row["run_cvlan"] as Int) else {
                throw StoreError.database(
                    operation: "reading test run \(row["run_id"] as Int64)", message: "unknown step '\(stepName)'")
            }
            let serialText: String? = row["run_serial"]
            var limits: ThresholdProfile?
            if let json = row["limits_json"] as String? {
                do {
                    limits = try JSONDecoder().decode(ThresholdProfile.self, from: Data(json.utf8))
                } catch {
                    throw StoreError.corruptRow(
                        table: "test_runs", id: row["run_id"], problem: "its limits do not decode: \(error)")
                }
            }
            return TestRun(
                id: row["run_id"], port: port.row, step: step, profile: row["profile"], cvlan: cvlan,
                onuID: row["onu_id"], attempt: row["attempt"], startedAt: row["started_at"],
                updatedAt: row["updated_at"], outcome: row["outcome"], serial: serialText.flatMap(ONUSerial.init),
                onuRemovedAt: row["onu_removed_at"], limits: limits, startedBy: row["started_by"])
        }
    }

    public func beginTestRun(
        _ key: PortKey, serial: ONUSerial?, profile: ThresholdProfile, configuredRanges: [CVLANRange], by: String?,
        at: Date
    ) async throws -> TestRun {
        try await begin(
            key, serial: serial, profile: profile, configuredRanges: configuredRanges, by: by, lease: nil, at: at)
    }

    func begin(
        _ key: PortKey, serial: ONUSerial?, profile: ThresholdProfile, configuredRanges: [CVLANRange], by: String?,
        lease: RunLease?, at: Date
    ) async throws -> TestRun {
        let limitsJSON = try StoredForm.json(profile)
        return try await write("starting a test of \(key)") { db in
            let port = try Self.loadPort(db, key)
            if let active = try Self.loadRun(
                db, where: "WHERE r.port_id = ? AND r.step IN (\(Self.activeStepsSQL))",
                [port.id]
            ).first {
                throw StoredRefusals.alreadyBeingTested(key, active)
            }
            let cvlan = try Self.reserveCVLAN(db, port, key: key, configuredRanges: configuredRanges)
            if let serial {
                try db.execute(
                    sql: "UPDATE splitter_ports SET onu_serial = ? WHERE id = ?", arguments: [serial.text, port.id])
            }
            try db.execute(
                sql: """
                    INSERT INTO test_runs (port_id, step, profile, cvlan, attempt, started_at, updated_at, onu_serial,
                        limits_json, started_by)
                    VALUES (?, 'provisioning', ?, ?, 0, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    port.id, profile.name, cvlan.value, at, at, (serial ?? port.row.onuSerial)?.text, limitsJSON, by,
                ])
            let id = db.lastInsertedRowID
            if let lease {
                try db.execute(
                    sql: "INSERT INTO run_leases (run_id, holder, until) VALUES (?, ?, ?)",
                    arguments: [id, lease.holder, lease.until])
            }
            try Self.followTests(db, projectCode: key.projectCode, started: true, at: at)
            try Self.event(
                db, portID: port.id, at: at, "test_started",
                "run \(id), profile \(profile.name), CVLAN \(cvlan) on OLT \(port.row.olt) SVLAN \(port.row.svlan)",
                actor: by)
            return try Self.loadRun(db, where: "WHERE r.id = ?", [id])[0]
        }
    }

    public func advanceTestRun(
        _ id: Int64, to step: TestRunStep, onuID: Int?, attempt: Int, outcome: String?, at: Date
    ) async throws -> TestRun {
        try await write("moving test run \(id) to \(step.rawValue)") { db in
            guard let run = try Self.loadRun(db, where: "WHERE r.id = ?", [id]).first else {
                throw StoreError.notFound("test run \(id)")
            }
            let key = run.port.key
            let port = try Self.loadPort(db, key)
            var test = PortTest(run: run, activation: port.row.workflow.activation)
            for action in try test.advance(to: step, onuID: onuID, describing: "test run \(id) of \(key)") {
                switch action {
                case .recordActivation(let onuID):
                    let workflow = try Self.apply(.activationSucceeded, to: port, key: key)
                    try Self.save(db, workflow, portID: port.id)
                    try Self.event(
                        db, portID: port.id, at: at, "activated",
                        "test ONU \(run.port.onuName) (ONU id \(onuID)) on OLT \(run.port.olt) PON \(run.port.pon), SVLAN \(run.port.svlan) CVLAN \(run.cvlan)"
                    )
                case .recordActivationFailure:
                    let workflow = try Self.apply(.activationFailed, to: port, key: key)
                    try Self.save(db, workflow, portID: port.id)
                    try Self.event(db, portID: port.id, at: at, "activation_failed", outcome ?? "")
                case .releaseCVLAN:
                    try db.execute(
                        sql:
                            "UPDATE splitter_ports SET cvlan = NULL, cvlan_olt_id = NULL, cvlan_svlan = NULL WHERE id = ?",
                        arguments: [port.id])
                case .recordEnd:
                    try Self.event(
                        db, portID: port.id, at: at, "test_\(step.rawValue)",
                        "run \(id)" + (outcome.map { ": \($0)" } ?? ""))
                }
            }
            try db.execute(
                sql: "UPDATE test_runs SET step = ?, onu_id = ?, attempt = ?, outcome = ?, updated_at = ? WHERE id = ?",
                arguments: [step.rawValue, test.onuID, attempt, outcome, at, id])
            if !step.isActive {
                try Self.endServiceTest(db, runID: id)
                try Self.endLease(db, runID: id)
            }
            return try Self.loadRun(db, where: "WHERE r.id = ?", [id])[0]
        }
    }

    public func activeTestRuns() async throws -> [TestRun] {
        try await read("listing active test runs") { db in
            try Self.loadRun(
                db, where: "WHERE r.step IN (\(Self.activeStepsSQL)) ORDER BY r.id", [])
        }
    }

    public func testRuns(_ key: PortKey) async throws -> [TestRun] {
        try await read("listing the test runs of \(key)") { db in
            let port = try Self.loadPort(db, key)
            return try Self.loadRun(db, where: "WHERE r.port_id = ? ORDER BY r.id", [port.id])
        }
    }

    public func testRun(id: Int64) async throws -> TestRun? {
        try await read("reading test run \(id)") { db in try Self.loadRun(db, where: "WHERE r.id = ?", [id]).first }
    }

    public func finishTestRun(
        _ id: Int64, readings: OpticalReadings, verdict: LineVerdict, outcome: String, at: Date
    ) async throws -> TestRun {
        let json = try StoredForm.result(readings, verdict)
        return try await write("recording the result of test run \(id)") { db in
            guard let run = try Self.loadRun(db, where: "WHERE r.id = ?", [id]).first else {
                throw StoreError.notFound("test run \(id)")
            }
            guard run.step == .reading else {
                throw StoreError.conflict(
                    location: nil,
                    message:
                        "test run \(id) of \(run.port.key) is \(run.step.rawValue), not reading: its result is recorded once, when its optics are read"
                )
            }
            try Self.insertLineResult(
                db, run.port.key, runID: id, readings: readings, verdict: verdict, json: json, at: at)
            let port = try Self.loadPort(db, run.port.key)
            if try Self.beginServiceTest(db, run: run, line: verdict.verdict, at: at) {
                try db.execute(
                    sql:
                        "UPDATE test_runs SET step = 'awaiting_service', attempt = 0, outcome = ?, updated_at = ? WHERE id = ?",
                    arguments: [outcome, at, id])
                return try Self.loadRun(db, where: "WHERE r.id = ?", [id])[0]
            }
            try db.execute(
                sql: "UPDATE test_runs SET step = 'finished', attempt = 0, outcome = ?, updated_at = ? WHERE id = ?",
                arguments: [outcome, at, id])
            try Self.endLease(db, runID: id)
            try Self.event(db, portID: port.id, at: at, "test_finished", "run \(id): \(outcome)")
            return try Self.loadRun(db, where: "WHERE r.id = ?", [id])[0]
        }
    }

    public func lineResult(runID: Int64) async throws -> LineResultRecord? {
        try await read("reading the result of test run \(runID)") { db in
            try Self.loadResults(db, where: "WHERE l.run_id = ?", [runID]).first
        }
    }

    public func recordTestONUsRemoved(runIDs: [Int64], detail: String, at: Date) async throws {
        guard !runIDs.isEmpty else { return }
        try await write("recording the removal of the test ONUs of runs \(runIDs)") { db in
            for id in runIDs {
                guard let run = try Self.loadRun(db, where: "WHERE r.id = ?", [id]).first else {
                    throw StoreError.notFound("test run \(id)")
                }
                guard run.holdsTestONU else { continue }
                try db.execute(sql: "UPDATE test_runs SET onu_removed_at = ? WHERE id = ?", arguments: [at, id])
                let port = try Self.loadPort(db, run.port.key)
                try Self.event(
                    db, portID: port.id, at: at, "test_onu_removed",
                    "ONU \(run.onuID ?? -1) of run \(id)" + (run.serial.map { " (serial \($0))" } ?? "") + ": \(detail)"
                )
            }
        }
    }

    /// Marks every test ONU the runs of port `portID` added as removed from the OLT.
    static func markTestONUsRemoved(_ db: Database, portID: Int64, at: Date) throws {
        try db.execute(
            sql:
                "UPDATE test_runs SET onu_removed_at = ? WHERE port_id = ? AND onu_id IS NOT NULL AND onu_removed_at IS NULL",
            arguments: [at, portID])
    }

    public func ports(withSerial serial: ONUSerial, olt: ManagementAddress) async throws -> [ActivationListRow] {
        try await read("looking for the ports of test ONT \(serial) on OLT \(olt)") { db in
            try Row.fetchAll(
                db,
                sql: Self.portSelect + " WHERE sp.onu_serial = ? AND o.address = ? ORDER BY p.code, s.id, sp.number",
                arguments: [serial.text, olt.text]
            ).map(Self.activationRow)
        }
    }

    public func notePort(_ key: PortKey, event: String, detail: String, at: Date) async throws {
        try await write("noting \(event) on \(key)") { db in
            let port = try Self.loadPort(db, key)
            try Self.event(db, portID: port.id, at: at, event, detail)
        }
    }
}
