import FTTHCore
import FTTHStoreKit
import Foundation
import PostgresNIO

extension PostgresStore: AcceptanceStore {
    // MARK: Queries

    public func projects() async throws -> [ProjectSummary] {
        try await read("listing projects") { db in
            try await Self.projectSummaries(db, from: "projects")
        }
    }

    public func projects(after: String?, limit: Int) async throws -> [ProjectSummary] {
        precondition(limit > 0, "a page holds at least one project")
        return try await read("listing projects") { db in
            // The page is chosen on the code index first, so only its projects' ports are counted.
            try await Self.projectSummaries(
                db, from: "(SELECT * FROM projects WHERE code > \(after ?? "") ORDER BY code LIMIT \(limit))")
        }
    }

    public func project(_ code: String) async throws -> ProjectSummary? {
        try await read("reading project \(code)") { db in
            try await Self.projectSummaries(db, from: "(SELECT * FROM projects WHERE code = \(code))").first
        }
    }

    public func storedProjectCodes(among codes: [String]) async throws -> Set<String> {
        try await read("looking up project codes") { db in
            Set(try await db.rows("SELECT code FROM projects WHERE code = ANY(\(codes))").map { try $0["code"] })
        }
    }

    /// The projects of `source` (a table or subquery of `projects` rows, with its parameters)
    /// with their counts.
    static func projectSummaries(_ db: PostgresConnection, from source: PostgresQuery) async throws
        -> [ProjectSummary]
    {
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT p.code, p.name, p.acceptance_required, p.state, p.service_test,
                    (SELECT COUNT(*) FROM splitters s WHERE s.project_id = p.id) AS splitters,
                    COUNT(sp.id) AS ports,
                    COUNT(*) FILTER (WHERE sp.line_verdict IS NOT NULL AND NOT sp.awaiting_retest) AS tested,
                    COUNT(*) FILTER (WHERE \(overallSQL) = 'pass' AND NOT sp.awaiting_retest) AS passed,
                    COUNT(*) FILTER (WHERE \(overallSQL) = 'fail' AND NOT sp.awaiting_retest) AS failed
                FROM \(source.sql) p
                LEFT JOIN splitters s ON s.project_id = p.id
                LEFT JOIN splitter_ports sp ON sp.splitter_id = s.id
                GROUP BY p.id, p.code, p.name, p.acceptance_required, p.state, p.service_test ORDER BY p.code
                """, binds: source.binds)
        return try await db.rows(query).map { row in
            let state: String = try row["state"]
            return ProjectSummary(
                project: Project(
                    code: try row["code"], name: try row["name"], acceptanceRequired: try row["acceptance_required"],
                    state: ProjectState(rawValue: state) ?? .entered, serviceTest: try row["service_test"]),
                splitters: try row["splitters"], ports: try row["ports"], tested: try row["tested"],
                passed: try row["passed"], failed: try row["failed"])
        }
    }

    public func activationList(projectCode: String) async throws -> [ActivationListRow] {
        try await read("listing the ports of \(projectCode)") { db in
            guard try await db.row("SELECT 1 FROM projects WHERE code = \(projectCode)") != nil else {
                throw StoreError.notFound("project \(projectCode)")
            }
            return try await db.rows(
                PostgresQuery(Self.portSelect, "WHERE p.code = \(projectCode) ORDER BY s.id, sp.number")
            ).map(Self.activationRow)
        }
    }

    public func cvlanRanges() async throws -> [CVLANRange] {
        try await read("listing CVLAN ranges") { db in try await Self.storedRanges(db) }
    }

    public func testAccountUsernames() async throws -> [String] {
        try await read("listing test accounts") { db in
            try await db.rows("SELECT username FROM test_accounts ORDER BY username").map { try $0["username"] }
        }
    }

    // MARK: Port workflow

    public func recordActivation(_ key: PortKey, serial: ONUSerial?, configuredRanges: [CVLANRange], at: Date)
        async throws -> ActivationListRow
    {
        try await write("recording the activation of \(key)") { db in
            let port = try await Self.loadPort(db, key)
            let workflow = try Self.apply(.activationSucceeded, to: port, key: key)
            let cvlan = try await Self.reserveCVLAN(db, port, key: key, configuredRanges: configuredRanges)
            try await Self.save(db, workflow, portID: port.id)
            try await Self.followTests(db, projectCode: key.projectCode, started: true, at: at)
            try await db.execute(
                "UPDATE splitter_ports SET onu_serial = \(serial?.text ?? port.row.onuSerial?.text) WHERE id = \(port.id)"
            )
            try await Self.event(
                db, portID: port.id, at: at, "activated",
                "test ONU \(port.row.onuName) on OLT \(port.row.olt) PON \(port.row.pon), SVLAN \(port.row.svlan) CVLAN \(cvlan)"
                    + (serial.map { ", serial \($0)" } ?? ""))
            return try await Self.loadPort(db, key).row
        }
    }

    public func assignONUPasswords(
        projectCode: String, olts: Set<ManagementAddress>, generate: @escaping @Sendable () -> String, at: Date
    ) async throws -> Int {
        guard !olts.isEmpty else { return 0 }
        return try await write("giving the test ONUs of \(projectCode) their passwords") { db in
            let rows = try await db.rows(
                PostgresQuery(
                    Self.portSelect,
                    "WHERE p.code = \(projectCode) AND sp.onu_password IS NULL AND o.address = ANY(\(olts.map(\.text))) FOR UPDATE OF sp"
                ))
            for row in rows {
                let id: Int64 = try row["id"]
                try await db.execute("UPDATE splitter_ports SET onu_password = \(generate()) WHERE id = \(id)")
                try await Self.event(
                    db, portID: id, at: at, "password_set",
                    "test ONU password set for password authentication; the activation list shows it to the crew")
            }
            return rows.count
        }
    }

    public func recordActivationFailure(_ key: PortKey, reason: String, at: Date) async throws {
        try await write("recording the failed activation of \(key)") { db in
            let port = try await Self.loadPort(db, key)
            let workflow = try Self.apply(.activationFailed, to: port, key: key)
            try await Self.save(db, workflow, portID: port.id)
            // A CVLAN reserved for the attempt goes back to the pool: nothing holds it on the OLT.
            try await Self.releaseCVLAN(db, portID: port.id)
            try await Self.event(db, portID: port.id, at: at, "activation_failed", reason)
        }
    }

    public func recordDeactivation(_ key: PortKey, at: Date) async throws {
        try await write("recording the deactivation of \(key)") { db in
            let port = try await Self.loadPort(db, key)
            let workflow = try Self.apply(.deactivated, to: port, key: key)
            try await Self.save(db, workflow, portID: port.id)
            try await Self.releaseCVLAN(db, portID: port.id)
            try await Self.markTestONUsRemoved(db, portID: port.id, at: at)
            try await Self.event(
                db, portID: port.id, at: at, "deactivated",
                "test ONU \(port.row.onuName) removed" + (port.row.cvlan.map { "; CVLAN \($0) released" } ?? ""))
        }
    }

    static func releaseCVLAN(_ db: PostgresConnection, portID: Int64) async throws {
        try await db.execute(
            "UPDATE splitter_ports SET cvlan = NULL, cvlan_olt_id = NULL, cvlan_svlan = NULL WHERE id = \(portID)")
    }

    public func recordLineResult(_ key: PortKey, readings: OpticalReadings, verdict: LineVerdict, at: Date) async throws
    {
        let json = try StoredForm.result(readings, verdict)
        try await write("recording a line result for \(key)") { db in
            try await Self.insertLineResult(
                db, key, runID: nil, readings: readings, verdict: verdict, json: json, at: at)
        }
    }

    /// Appends a line result (of run `runID`, when it has one), moves the port's workflow and
    /// lets the project follow, inside the caller's transaction.
    static func insertLineResult(
        _ db: PostgresConnection, _ key: PortKey, runID: Int64?, readings: OpticalReadings, verdict: LineVerdict,
        json: (readings: String, verdict: String), at: Date
    ) async throws {
        let port = try await loadPort(db, key)
        let workflow = try apply(.lineResult(verdict.verdict), to: port, key: key)
        try await save(db, workflow, portID: port.id)
        try await db.execute(
            """
            INSERT INTO line_results (port_id, run_id, at, profile, olt_tx_centi, olt_rx_centi, onu_tx_centi,
                onu_rx_centi, downstream_centi, upstream_centi, verdict, readings_json, verdict_json)
            VALUES (\(port.id), \(runID), \(at), \(verdict.profile), \(readings.oltTx.value?.centi),
                \(readings.oltRx.value?.centi), \(readings.onuTx.value?.centi), \(readings.onuRx.value?.centi),
                \(verdict.downstreamAttenuation?.centi), \(verdict.upstreamAttenuation?.centi), \(verdict.verdict.rawValue),
                \(json.readings), \(json.verdict))
            """)
        try await event(
            db, portID: port.id, at: at, "line_result", (runID.map { "run \($0): " } ?? "") + verdict.summary)
        try await followTests(db, projectCode: key.projectCode, started: false, result: (key, verdict), at: at)
    }

    public func reportRework(_ key: PortKey, note: String, at: Date) async throws {
        try await write("recording rework of \(key)") { db in
            let port = try await Self.loadPort(db, key)
            let workflow = try Self.apply(.reworkReported, to: port, key: key)
            try await Self.save(db, workflow, portID: port.id)
            try await Self.event(db, portID: port.id, at: at, "rework_reported", note)
        }
    }

    public func lineResults(_ key: PortKey) async throws -> [LineResultRecord] {
        try await read("reading the results of \(key)") { db in
            let port = try await Self.loadPort(db, key)
            return try await Self.loadResults(db, "WHERE l.port_id = \(port.id)")
        }
    }

    /// Line results matching `clause` (on `line_results l`), oldest first. A row that does not
    /// decode is an error naming the table and the row, never a crash.
    static func loadResults(_ db: PostgresConnection, _ clause: PostgresQuery) async throws -> [LineResultRecord] {
        let decoder = JSONDecoder()
        return try await db.rows(
            PostgresQuery(
                "SELECT l.id, l.run_id, l.at, l.readings_json, l.verdict_json, r.started_by FROM line_results l LEFT JOIN test_runs r ON r.id = l.run_id",
                PostgresQuery(unsafeSQL: clause.sql + " ORDER BY l.id", binds: clause.binds))
        ).map { row in
            let id: Int64 = try row["id"]
            do {
                let readings: String = try row["readings_json"]
                let verdict: String = try row["verdict_json"]
                return LineResultRecord(
                    at: try row["at"],
                    readings: try decoder.decode(OpticalReadings.self, from: Data(readings.utf8)),
                    verdict: try decoder.decode(LineVerdict.self, from: Data(verdict.utf8)),
                    runID: try row["run_id"], testedBy: try row["started_by"])
            } catch {
                throw StoreError.corruptRow(table: "line_results", id: id, problem: "\(error)")
            }
        }
    }

    public func portHistory(_ key: PortKey) async throws -> [HistoryEntry] {
        try await read("reading the history of \(key)") { db in
            let port = try await Self.loadPort(db, key)
            return try await db.rows(
                "SELECT at, event, detail, actor FROM port_events WHERE port_id = \(port.id) ORDER BY id"
            ).map {
                HistoryEntry(at: try $0["at"], event: try $0["event"], detail: try $0["detail"], actor: try $0["actor"])
            }
        }
    }

    // MARK: Project workflow

    public func updateProject(_ code: String, name: String?, acceptanceRequired: Bool?, actor: String, at: Date)
        async throws -> ProjectSummary
    {
        try await write("updating project \(code)") { db in
            guard
                let row = try await db.row(
                    "SELECT id, name, acceptance_required, state FROM projects WHERE code = \(code) FOR UPDATE")
            else { throw StoreError.notFound("project \(code)") }
            let id: Int64 = try row["id"]
            let stateName: String = try row["state"]
            let state = ProjectState(rawValue: stateName) ?? .entered
            var changes: [String] = []
            if let name {
                let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !trimmed.isEmpty else {
                    throw StoreError.conflict(location: nil, message: "a project name cannot be empty")
                }
                let old: String = try row["name"]
                if trimmed != old {
                    try await db.execute("UPDATE projects SET name = \(trimmed) WHERE id = \(id)")
                    changes.append("name '\(old)' → '\(trimmed)'")
                }
            }
            if let acceptanceRequired {
                let old: Bool = try row["acceptance_required"]
                if acceptanceRequired != old {
                    try ProjectWorkflow.checkAcceptanceRequiredChange(try await Self.projectFacts(db, code).facts)
                    try await db.execute(
                        "UPDATE projects SET acceptance_required = \(acceptanceRequired) WHERE id = \(id)")
                    changes.append("acceptance_required \(old) → \(acceptanceRequired)")
                }
            }
            if !changes.isEmpty {
                try await db.execute(
                    """
                    INSERT INTO project_events (project_id, at, event, from_state, to_state, actor, detail)
                    VALUES (\(id), \(at), 'updated', \(state.rawValue), \(state.rawValue), \(actor),
                        \(changes.joined(separator: "; ")))
                    """)
            }
        }
        guard let summary = try await project(code) else {
            throw StoreError.notFound("project \(code)")
        }
        return summary
    }

    public func withdrawProject(_ code: String, actor: String, at: Date) async throws {
        _ = try await write("withdrawing project \(code)") { db in
            try await Self.applyProjectEvent(db, code, .withdraw, actor: actor, at: at)
        }
    }

    public func applyProjectEvent(_ code: String, _ event: ProjectEvent, actor: String, at: Date) async throws
        -> ProjectState
    {
        try await write("updating project \(code)") { db in
            try await Self.applyProjectEvent(db, code, event, actor: actor, at: at)
        }
    }

    /// The facts the workflow rules of project `code` are judged on, read inside the caller's
    /// transaction (the project's row locked, so two daemons' results move it one at a time).
    /// Throws `notFound` for an unknown project.
    static func projectFacts(_ db: PostgresConnection, _ code: String) async throws -> (
        id: Int64, facts: ProjectFacts
    ) {
        guard let locked = try await db.row("SELECT id FROM projects WHERE code = \(code) FOR UPDATE") else {
            throw StoreError.notFound("project \(code)")
        }
        let id: Int64 = try locked["id"]
        guard
            let row = try await db.row(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT p.id, p.state, p.acceptance_required,
                            COUNT(*) FILTER (WHERE \(overallSQL) = 'pass' AND NOT sp.awaiting_retest) AS passed,
                            COUNT(*) FILTER (WHERE \(overallSQL) = 'fail' AND NOT sp.awaiting_retest) AS failed,
                            COUNT(*) FILTER (WHERE \(overallSQL) IS NULL OR sp.awaiting_retest) AS untested,
                            COUNT(*) FILTER (WHERE sp.activation != 'not_activated') AS activated,
                            (SELECT COUNT(*) FROM test_runs r JOIN splitter_ports rp ON rp.id = r.port_id
                                JOIN splitters rs ON rs.id = rp.splitter_id WHERE rs.project_id = p.id) AS runs
                        FROM projects p LEFT JOIN splitters s ON s.project_id = p.id
                        LEFT JOIN splitter_ports sp ON sp.splitter_id = s.id
                        WHERE p.id = $1 GROUP BY p.id, p.state, p.acceptance_required
                        """, binds: binds(id)))
        else { throw StoreError.notFound("project \(code)") }
        let stateName: String = try row["state"]
        guard let state = ProjectState(rawValue: stateName) else {
            throw StoreError.corruptRow(table: "projects", id: id, problem: "unknown state '\(stateName)'")
        }
        var running: ProjectFacts.RunningTest?
        if let active = try await db.row(
            PostgresQuery(
                unsafeSQL: """
                    SELECT r.id, r.step, s.name AS splitter, sp.number FROM test_runs r
                    JOIN splitter_ports sp ON sp.id = r.port_id JOIN splitters s ON s.id = sp.splitter_id
                    WHERE s.project_id = $1 AND r.step IN (\(StoredForm.activeStepsSQL))
                    ORDER BY r.id LIMIT 1
                    """, binds: binds(id)))
        {
            let step: String = try active["step"]
            running = ProjectFacts.RunningTest(
                splitter: try active["splitter"], port: try active["number"], runID: try active["id"],
                step: TestRunStep(rawValue: step) ?? .provisioning)
        }
        return (
            id,
            ProjectFacts(
                code: code,
                workflow: ProjectWorkflow(state: state, acceptanceRequired: try row["acceptance_required"]),
                passed: try row["passed"], failed: try row["failed"], untested: try row["untested"],
                testRuns: try row["runs"], activatedPorts: try row["activated"], running: running)
        )
    }

    /// Parameters for a query written with `$1`…, where the SQL itself is built from constants.
    static func binds(_ values: Int64...) -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values { bindings.append(value) }
        return bindings
    }

    /// Applies `event` to project `code` inside the caller's transaction and records it: the
    /// rules are ``ProjectWorkflow``'s, judged on the stored facts.
    @discardableResult
    static func applyProjectEvent(
        _ db: PostgresConnection, _ code: String, _ event: ProjectEvent, actor: String, at: Date
    ) async throws -> ProjectState {
        let (id, facts) = try await projectFacts(db, code)
        let from = facts.workflow.state
        var workflow = facts.workflow
        try ProjectWorkflow.check(event, facts)
        do {
            try workflow.apply(event)
        } catch let t as IllegalTransition {
            throw StoreError.illegalTransition(nil, t)
        }
        try await db.execute("UPDATE projects SET state = \(workflow.state.rawValue) WHERE id = \(id)")
        try await db.execute(
            """
            INSERT INTO project_events (project_id, at, event, from_state, to_state, actor, detail)
            VALUES (\(id), \(at), \(event.label), \(from.rawValue), \(workflow.state.rawValue), \(actor),
                \(event.historyDetail))
            """)
        return workflow.state
    }

    /// The project follows its port tests, by ``ProjectWorkflow/testStarting(_:)`` and
    /// ``ProjectWorkflow/resultRecorded(_:port:verdict:)``, inside the caller's transaction.
    static func followTests(
        _ db: PostgresConnection, projectCode code: String, started: Bool, result: (PortKey, LineVerdict)? = nil,
        at: Date
    ) async throws {
        try await followTests(
            db, projectCode: code, started: started, result: result.map { ($0.0, $0.1.verdict, $0.1.reasons) }, at: at)
    }

    /// As above, for a result of any part of a port's test (the service's too).
    static func followTests(
        _ db: PostgresConnection, projectCode code: String, started: Bool, result: (PortKey, Verdict, [String])?,
        at: Date
    ) async throws {
        let facts = try await projectFacts(db, code).facts
        let event: ProjectEvent?
        if started {
            event = try ProjectWorkflow.testStarting(facts)
        } else if let (port, verdict, reasons) = result {
            event = ProjectWorkflow.resultRecorded(facts, port: port, verdict: verdict, reasons: reasons)
        } else {
            event = nil
        }
        if let event { try await applyProjectEvent(db, code, event, actor: "ftth-acceptd", at: at) }
    }
}
