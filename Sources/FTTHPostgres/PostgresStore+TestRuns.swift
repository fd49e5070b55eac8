import FTTHCore
import FTTHStoreKit
import Foundation
import PostgresNIO

extension PostgresStore: TestRunStore {
    /// A run with its port's activation-list row, in one query (the port's columns as in
    /// ``portSelect``, the run's prefixed).
    static let runSelect = """
        SELECT sp.id, p.code, s.name AS splitter, sp.number, o.address, o.name AS olt_name, o.dialect,
            pp.frame, pp.slot, pp.port, pp.svlan, pp.olt_id, sp.onu_name, sp.cvlan, sp.onu_serial, sp.onu_password,
            sp.activation, sp.line_verdict, sp.service_verdict, sp.awaiting_retest, p.service_test, s.plan_mbps,
            r.id AS run_id, r.step, r.profile, r.cvlan AS run_cvlan, r.onu_id, r.attempt, r.started_at, r.updated_at,
            r.outcome, r.onu_serial AS run_serial, r.onu_removed_at, r.limits_json, r.started_by
        FROM test_runs r
        JOIN splitter_ports sp ON sp.id = r.port_id
        JOIN splitters s ON s.id = sp.splitter_id
        JOIN projects p ON p.id = s.project_id
        JOIN pon_ports pp ON pp.id = s.pon_port_id
        JOIN olts o ON o.id = pp.olt_id
        """

    /// The runs `clause` selects (it may order them).
    static func loadRuns(_ db: PostgresConnection, _ clause: PostgresQuery) async throws -> [TestRun] {
        try await db.rows(PostgresQuery(runSelect, clause)).map(testRun)
    }

    static func loadRun(_ db: PostgresConnection, id: Int64) async throws -> TestRun? {
        try await loadRuns(db, "WHERE r.id = \(id)").first
    }

    static func testRun(_ row: Row) throws -> TestRun {
        let id: Int64 = try row["run_id"]
        let stepName: String = try row["step"]
        let cvlanValue: Int = try row["run_cvlan"]
        guard let step = TestRunStep(rawValue: stepName), let cvlan = VLANID(cvlanValue) else {
            throw StoreError.database(operation: "reading test run \(id)", message: "unknown step '\(stepName)'")
        }
        let serialText: String? = try row["run_serial"]
        var limits: ThresholdProfile?
        if let json: String = try row["limits_json"] {
            do {
                limits = try JSONDecoder().decode(ThresholdProfile.self, from: Data(json.utf8))
            } catch {
                throw StoreError.corruptRow(table: "test_runs", id: id, problem: "its limits do not decode: \(error)")
            }
        }
        return TestRun(
            id: id, port: try activationRow(row), step: step, profile: try row["profile"], cvlan: cvlan,
            onuID: try row["onu_id"], attempt: try row["attempt"], startedAt: try row["started_at"],
            updatedAt: try row["updated_at"], outcome: try row["outcome"], serial: serialText.flatMap(ONUSerial.init),
            onuRemovedAt: try row["onu_removed_at"], limits: limits, startedBy: try row["started_by"])
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
            let port = try await Self.loadPort(db, key)
            if let active = try await Self.loadRuns(
                db,
                PostgresQuery(
                    unsafeSQL: "WHERE r.port_id = $1 AND r.step IN (\(StoredForm.activeStepsSQL))",
                    binds: Self.binds(port.id))
            ).first {
                throw StoredRefusals.alreadyBeingTested(key, active)
            }
            let cvlan = try await Self.reserveCVLAN(db, port, key: key, configuredRanges: configuredRanges)
            if let serial {
                try await db.execute("UPDATE splitter_ports SET onu_serial = \(serial.text) WHERE id = \(port.id)")
            }
            let id = try await db.value(
                """
                INSERT INTO test_runs (port_id, step, profile, cvlan, attempt, started_at, updated_at, onu_serial,
                    limits_json, started_by)
                VALUES (\(port.id), 'provisioning', \(profile.name), \(cvlan.value), 0, \(at), \(at),
                    \((serial ?? port.row.onuSerial)?.text), \(limitsJSON), \(by))
                RETURNING id
                """, as: Int64.self)!
            if let lease {
                try await db.execute(
                    "INSERT INTO run_leases (run_id, holder, until) VALUES (\(id), \(lease.holder), \(lease.until))")
            }
            try await Self.followTests(db, projectCode: key.projectCode, started: true, at: at)
            try await Self.event(
                db, portID: port.id, at: at, "test_started",
                "run \(id), profile \(profile.name), CVLAN \(cvlan) on OLT \(port.row.olt) SVLAN \(port.row.svlan)",
                actor: by)
            return try await Self.loadRun(db, id: id)!
        }
    }

    public func advanceTestRun(
        _ id: Int64, to step: TestRunStep, onuID: Int?, attempt: Int, outcome: String?, at: Date
    ) async throws -> TestRun {
        try await write("moving test run \(id) to \(step.rawValue)") { db in
            guard let run = try await Self.loadRun(db, id: id) else {
                throw StoreError.notFound("test run \(id)")
            }
            let key = run.port.key
            let port = try await Self.loadPort(db, key)
            var test = PortTest(run: run, activation: port.row.workflow.activation)
            for action in try test.advance(to: step, onuID: onuID, describing: "test run \(id) of \(key)") {
                switch action {
                case .recordActivation(let onuID):
                    let workflow = try Self.apply(.activationSucceeded, to: port, key: key)
                    try await Self.save(db, workflow, portID: port.id)
                    try await Self.event(
                        db, portID: port.id, at: at, "activated",
                        "test ONU \(run.port.onuName) (ONU id \(onuID)) on OLT \(run.port.olt) PON \(run.port.pon), SVLAN \(run.port.svlan) CVLAN \(run.cvlan)"
                    )
                case .recordActivationFailure:
                    let workflow = try Self.apply(.activationFailed, to: port, key: key)
                    try await Self.save(db, workflow, portID: port.id)
                    try await Self.event(db, portID: port.id, at: at, "activation_failed", outcome ?? "")
                case .releaseCVLAN:
                    try await Self.releaseCVLAN(db, portID: port.id)
                case .recordEnd:
                    try await Self.event(
                        db, portID: port.id, at: at, "test_\(step.rawValue)",
                        "run \(id)" + (outcome.map { ": \($0)" } ?? ""))
                }
            }
            try await db.execute(
                """
                UPDATE test_runs SET step = \(step.rawValue), onu_id = \(test.onuID), attempt = \(attempt),
                    outcome = \(outcome), updated_at = \(at)
                WHERE id = \(id)
                """)
            if !step.isActive {
                try await Self.endServiceTest(db, runID: id)
                try await Self.endLease(db, runID: id)
            }
            return try await Self.loadRun(db, id: id)!
        }
    }

    public func activeTestRuns() async throws -> [TestRun] {
        try await read("listing active test runs") { db in
            try await Self.loadRuns(
                db, PostgresQuery(unsafeSQL: "WHERE r.step IN (\(StoredForm.activeStepsSQL)) ORDER BY r.id"))
        }
    }

    public func testRuns(_ key: PortKey) async throws -> [TestRun] {
        try await read("listing the test runs of \(key)") { db in
            let port = try await Self.loadPort(db, key)
            return try await Self.loadRuns(db, "WHERE r.port_id = \(port.id) ORDER BY r.id")
        }
    }

    public func testRun(id: Int64) async throws -> TestRun? {
        try await read("reading test run \(id)") { db in try await Self.loadRun(db, id: id) }
    }

    public func finishTestRun(
        _ id: Int64, readings: OpticalReadings, verdict: LineVerdict, outcome: String, at: Date
    ) async throws -> TestRun {
        let json = try StoredForm.result(readings, verdict)
        return try await write("recording the result of test run \(id)") { db in
            guard let run = try await Self.loadRun(db, id: id) else {
                throw StoreError.notFound("test run \(id)")
            }
            guard run.step == .reading else {
                throw StoreError.conflict(
                    location: nil,
                    message:
                        "test run \(id) of \(run.port.key) is \(run.step.rawValue), not reading: its result is recorded once, when its optics are read"
                )
            }
            try await Self.insertLineResult(
                db, run.port.key, runID: id, readings: readings, verdict: verdict, json: json, at: at)
            let port = try await Self.loadPort(db, run.port.key)
            if try await Self.beginServiceTest(db, run: run, line: verdict.verdict, at: at) {
                try await db.execute(
                    """
                    UPDATE test_runs SET step = 'awaiting_service', attempt = 0, outcome = \(outcome), updated_at = \(at)
                    WHERE id = \(id)
                    """)
                return try await Self.loadRun(db, id: id)!
            }
            try await db.execute(
                "UPDATE test_runs SET step = 'finished', attempt = 0, outcome = \(outcome), updated_at = \(at) WHERE id = \(id)"
            )
            try await Self.endLease(db, runID: id)
            try await Self.event(db, portID: port.id, at: at, "test_finished", "run \(id): \(outcome)")
            return try await Self.loadRun(db, id: id)!
        }
    }

    public func lineResult(runID: Int64) async throws -> LineResultRecord? {
        try await read("reading the result of test run \(runID)") { db in
            try await Self.loadResults(db, "WHERE l.run_id = \(runID)").first
        }
    }

    public func recordTestONUsRemoved(runIDs: [Int64], detail: String, at: Date) async throws {
        guard !runIDs.isEmpty else { return }
        try await write("recording the removal of the test ONUs of runs \(runIDs)") { db in
            for id in runIDs {
                guard let run = try await Self.loadRun(db, id: id) else {
                    throw StoreError.notFound("test run \(id)")
                }
                guard run.holdsTestONU else { continue }
                try await db.execute("UPDATE test_runs SET onu_removed_at = \(at) WHERE id = \(id)")
                let port = try await Self.loadPort(db, run.port.key)
                try await Self.event(
                    db, portID: port.id, at: at, "test_onu_removed",
                    "ONU \(run.onuID ?? -1) of run \(id)" + (run.serial.map { " (serial \($0))" } ?? "") + ": \(detail)"
                )
            }
        }
    }

    /// Marks every test ONU the runs of port `portID` added as removed from the OLT.
    static func markTestONUsRemoved(_ db: PostgresConnection, portID: Int64, at: Date) async throws {
        try await db.execute(
            """
            UPDATE test_runs SET onu_removed_at = \(at)
            WHERE port_id = \(portID) AND onu_id IS NOT NULL AND onu_removed_at IS NULL
            """)
    }

    public func ports(withSerial serial: ONUSerial, olt: ManagementAddress) async throws -> [ActivationListRow] {
        try await read("looking for the ports of test ONT \(serial) on OLT \(olt)") { db in
            try await db.rows(
                PostgresQuery(
                    Self.portSelect,
                    "WHERE sp.onu_serial = \(serial.text) AND o.address = \(olt.text) ORDER BY p.code, s.id, sp.number")
            ).map(Self.activationRow)
        }
    }

    public func notePort(_ key: PortKey, event: String, detail: String, at: Date) async throws {
        try await write("noting \(event) on \(key)") { db in
            let port = try await Self.loadPort(db, key)
            try await Self.event(db, portID: port.id, at: at, event, detail)
        }
    }
}
