import FTTHCore
import Foundation
import GRDB

/// The default ``AcceptanceStore``: one SQLite file in WAL mode through GRDB. Every method is one
/// transaction, so a process killed at any point leaves the file as it was before the call or
/// as it is after it, never in between.
public final class SQLiteStore: AcceptanceStore {
    let pool: DatabasePool
    /// The file the store lives in, for messages.
    public let path: String
    /// Encrypts the test accounts' passwords at rest.
    let key: StoreKey

    /// Opens (creating if needed) the store at `path` and migrates it to the current schema;
    /// `key` encrypts the test accounts' passwords (nil: the key file beside the store, see
    /// ``StoreKey``). Throws ``StoreError/database(operation:message:)`` naming the file when it cannot.
    public init(path: String, key: StoreKey? = nil) throws {
        self.path = path
        try Self.prepareFile(at: path)
        self.key = try key ?? StoreKey.besideStore(path)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Another process (the daemon, a second ftthctl) may hold the write lock briefly.
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator(key: self.key).migrate(pool)
        } catch {
            throw StoreError.database(
                operation: "opening \(path)",
                message:
                    "\(Self.describe(error)); check that the directory exists and is writable, and that the file is an ftth-acceptd store"
            )
        }
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? e.description }
        return String(describing: error)
    }

    /// Runs `updates` in one write transaction, passing store errors through and wrapping
    /// database errors with what was being done.
    func write<T: Sendable>(_ operation: String, _ updates: @escaping @Sendable (Database) throws -> T) async throws
        -> T
    {
        do {
            return try await pool.write(updates)
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw StoreError.database(operation: operation, message: error.message ?? error.description)
        }
    }

    func read<T: Sendable>(_ operation: String, _ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(value)
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw StoreError.database(operation: operation, message: error.message ?? error.description)
        }
    }

    // MARK: Import

    public func importProjects(
        _ plan: ProjectImportPlan, namingRule: ONUNamingRule, source: String, at: Date,
        progress: (@Sendable (Int, Int) -> Void)?
    ) async throws -> ImportSummary {
        try await write("importing \(source)") { db in
            var summary = ImportSummary()
            var oltIDs: [ManagementAddress: (id: Int64, olt: OLT)] = [:]
            for entry in plan.olts {
                let olt = entry.value
                if let row = try Row.fetchOne(
                    db, sql: "SELECT id, name, dialect FROM olts WHERE address = ?", arguments: [olt.address.text])
                {
                    let storedName: String = row["name"]
                    let storedDialect: String = row["dialect"]
                    guard storedName == olt.name, storedDialect == olt.dialect.rawValue else {
                        throw StoreError.conflict(
                            location: entry.location,
                            message:
                                "OLT \(olt.address) is stored as '\(storedName)' (\(storedDialect)) but the file says '\(olt.name)' (\(olt.dialect.rawValue)); correct the file to match, or fix the OLT record first"
                        )
                    }
                    oltIDs[olt.address] = (row["id"], olt)
                } else {
                    try db.execute(
                        sql: "INSERT INTO olts (address, name, dialect) VALUES (?, ?, ?)",
                        arguments: [olt.address.text, olt.name, olt.dialect.rawValue])
                    oltIDs[olt.address] = (db.lastInsertedRowID, olt)
                    summary.olts += 1
                }
            }
            var ponIDs: [String: Int64] = [:]
            let ponKey = StoredRefusals.ponKey
            for entry in plan.ponPorts {
                let pon = entry.value
                let oltID = oltIDs[pon.olt]!.id
                if let row = try Row.fetchOne(
                    db, sql: "SELECT id, svlan FROM pon_ports WHERE olt_id = ? AND frame = ? AND slot = ? AND port = ?",
                    arguments: [oltID, pon.address.frame, pon.address.slot, pon.address.port])
                {
                    let storedSVLAN: Int = row["svlan"]
                    guard storedSVLAN == pon.svlan.value else {
                        throw StoreError.conflict(
                            location: entry.location,
                            message:
                                "PON port \(pon.address) of OLT \(pon.olt) is stored with SVLAN \(storedSVLAN) but the file says \(pon.svlan); the SVLAN comes from the PON port, so correct the file"
                        )
                    }
                    ponIDs[ponKey(pon.olt, pon.address)] = row["id"]
                } else {
                    try db.execute(
                        sql: "INSERT INTO pon_ports (olt_id, frame, slot, port, svlan) VALUES (?, ?, ?, ?, ?)",
                        arguments: [oltID, pon.address.frame, pon.address.slot, pon.address.port, pon.svlan.value])
                    ponIDs[ponKey(pon.olt, pon.address)] = db.lastInsertedRowID
                    summary.ponPorts += 1
                }
            }
            // What each PON port will carry, stored and imported together, within the plan's limits.
            let added = StoredRefusals.addedLoads(plan)
            for entry in plan.ponPorts {
                let pon = entry.value
                guard let load = added[ponKey(pon.olt, pon.address)], let ponID = ponIDs[ponKey(pon.olt, pon.address)]
                else { continue }
                let stored = try Row.fetchOne(
                    db, sql: "SELECT COUNT(*), COALESCE(SUM(port_count), 0) FROM splitters WHERE pon_port_id = ?",
                    arguments: [ponID])
                let storedSplitters: Int = stored?[0] ?? 0
                let storedPorts: Int = stored?[1] ?? 0
                try StoredRefusals.checkPONLimits(
                    plan, olt: pon.olt, pon: pon.address, load: load, storedSplitters: storedSplitters,
                    storedPorts: storedPorts)
            }
            var projectIDs: [String: Int64] = [:]
            for entry in plan.projects {
                let project = entry.value
                if let created = try Date.fetchOne(
                    db, sql: "SELECT created_at FROM projects WHERE code = ?", arguments: [project.code])
                {
                    throw StoredRefusals.projectAlreadyImported(project.code, on: created, at: entry.location)
                }
                try db.execute(
                    sql:
                        "INSERT INTO projects (code, name, acceptance_required, state, created_at, service_test) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [
                        project.code, project.name, project.acceptanceRequired, project.state.rawValue, at,
                        project.serviceTest,
                    ])
                projectIDs[project.code] = db.lastInsertedRowID
                try db.execute(
                    sql: """
                        INSERT INTO project_events (project_id, at, event, from_state, to_state, actor, detail)
                        VALUES (?, ?, 'imported', '', ?, 'import', ?)
                        """,
                    arguments: [db.lastInsertedRowID, at, project.state.rawValue, source])
                summary.projects += 1
            }
            let total = plan.portCount
            var written = 0
            let insertPort = try db.makeStatement(
                sql: "INSERT INTO splitter_ports (splitter_id, number, onu_name) VALUES (?, ?, ?)")
            let nameTaken = try db.makeStatement(
                sql: """
                    SELECT p.code, s.name, sp.number FROM splitter_ports sp
                    JOIN splitters s ON s.id = sp.splitter_id JOIN projects p ON p.id = s.project_id
                    WHERE sp.onu_name = ?
                    """)
            for entry in plan.splitters {
                let splitter = entry.value
                let ponID = ponIDs[ponKey(splitter.olt, splitter.pon)]!
                let index =
                    try Int.fetchOne(
                        db, sql: "SELECT COALESCE(MAX(pon_index), 0) + 1 FROM splitters WHERE pon_port_id = ?",
                        arguments: [ponID]) ?? 1
                try db.execute(
                    sql: """
                        INSERT INTO splitters (project_id, pon_port_id, name, ratio, port_count, pon_index, plan_mbps,
                            design_json)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        projectIDs[splitter.projectCode]!, ponID, splitter.name, splitter.ratio.outputs,
                        splitter.portCount,
                        index, splitter.planMbps, StoredForm.design(splitter.design),
                    ])
                let splitterID = db.lastInsertedRowID
                summary.splitters += 1
                let olt = oltIDs[splitter.olt]!.olt
                for number in 1...splitter.portCount {
                    let context = ONUNameContext(
                        projectCode: splitter.projectCode, oltName: olt.name, oltAddress: olt.address,
                        pon: splitter.pon, splitterName: splitter.name, splitterIndex: index, port: number)
                    let name: String
                    do {
                        name = try namingRule.name(for: context, dialect: olt.dialect)
                    } catch let e as ONUNamingError {
                        throw StoreError.naming(entry.location, e)
                    }
                    if let clash = try Row.fetchOne(nameTaken, arguments: [name]) {
                        let code: String = clash[0]
                        let other: String = clash[1]
                        let otherPort: Int = clash[2]
                        throw StoreError.conflict(
                            location: entry.location,
                            message:
                                "test ONU name '\(name)' for port \(number) is already given to \(code) / \(other) / port \(otherPort); make the naming template tell them apart"
                        )
                    }
                    try insertPort.execute(arguments: [splitterID, number, name])
                    written += 1
                    if written % 1000 == 0 { progress?(written, total) }
                }
            }
            summary.ports = written
            try Self.recordImport(db, kind: "projects", source: source, at: at, summary: "\(summary)")
            return summary
        }
    }

    static func recordImport(_ db: Database, kind: String, source: String, at: Date, summary: String) throws {
        try db.execute(
            sql: "INSERT INTO imports (at, kind, source, summary) VALUES (?, ?, ?, ?)",
            arguments: [at, kind, source, summary])
    }

    public func importCVLANRanges(_ input: CVLANRangeImport, source: String, at: Date) async throws -> Int {
        try await write("importing CVLAN ranges from \(source)") { db in
            let stored = try Self.storedRanges(db)
            for entry in input.ranges {
                let range = entry.value
                if stored.contains(where: { $0.name == range.name }) {
                    throw StoreError.conflict(
                        location: entry.location, message: "a CVLAN range named '\(range.name)' is already stored")
                }
                if let overlap = stored.first(where: {
                    $0.olt == range.olt && $0.first <= range.last && range.first <= $0.last
                }) {
                    throw StoreError.conflict(
                        location: entry.location, message: "range \(range) overlaps stored range \(overlap)")
                }
                try db.execute(
                    sql: "INSERT INTO cvlan_ranges (name, olt_address, first, last) VALUES (?, ?, ?, ?)",
                    arguments: [range.name, range.olt?.text, range.first.value, range.last.value])
            }
            try Self.recordImport(
                db, kind: "cvlan_ranges", source: source, at: at, summary: "\(input.ranges.count) ranges")
            return input.ranges.count
        }
    }

    public func importTestAccounts(_ input: TestAccountImport, source: String, at: Date) async throws -> Int {
        try await write("importing test accounts from \(source)") { db in
            for entry in input.accounts {
                if try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM test_accounts WHERE username = ?", arguments: [entry.value.username])
                    == true
                {
                    throw StoreError.conflict(
                        location: entry.location,
                        message: "test account '\(entry.value.username)' is already in the pool")
                }
                try db.execute(
                    sql: "INSERT INTO test_accounts (username, password, created_at) VALUES (?, ?, ?)",
                    arguments: [
                        entry.value.username, try self.key.seal(entry.value.password, context: entry.value.username),
                        at,
                    ])
            }
            try Self.recordImport(
                db, kind: "test_accounts", source: source, at: at, summary: "\(input.accounts.count) accounts")
            return input.accounts.count
        }
    }

    // MARK: Queries

    public func projects() async throws -> [ProjectSummary] {
        try await read("listing projects") { db in
            try Self.projectSummaries(db, from: "projects", arguments: [])
        }
    }

    public func projects(after: String?, limit: Int) async throws -> [ProjectSummary] {
        precondition(limit > 0, "a page holds at least one project")
        return try await read("listing projects") { db in
            // The page is chosen on the code index first, so only its projects' ports are counted.
            try Self.projectSummaries(
                db, from: "(SELECT * FROM projects WHERE code > ? ORDER BY code LIMIT ?)",
                arguments: [after ?? "", limit])
        }
    }

    public func project(_ code: String) async throws -> ProjectSummary? {
        try await read("reading project \(code)") { db in
            try Self.projectSummaries(db, from: "(SELECT * FROM projects WHERE code = ?)", arguments: [code]).first
        }
    }

    public func storedProjectCodes(among codes: [String]) async throws -> Set<String> {
        try await read("looking up project codes") { db in
            var found: Set<String> = []
            // In slices, as SQLite bounds the number of parameters of a statement.
            var start = 0
            while start < codes.count {
                let slice = Array(codes[start..<min(start + 500, codes.count)])
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ",")
                found.formUnion(
                    try String.fetchAll(
                        db, sql: "SELECT code FROM projects WHERE code IN (\(marks))",
                        arguments: StatementArguments(slice)))
                start += 500
            }
            return found
        }
    }

    /// The projects of `source` (a table or subquery of `projects` rows) with their counts.
    static func projectSummaries(_ db: Database, from source: String, arguments: StatementArguments) throws
        -> [ProjectSummary]
    {
        try Row.fetchAll(
            db,
            sql: """
                SELECT p.code, p.name, p.acceptance_required, p.state, p.service_test,
                    (SELECT COUNT(*) FROM splitters s WHERE s.project_id = p.id) AS splitters,
                    COUNT(sp.id) AS ports,
                    SUM(sp.line_verdict IS NOT NULL AND sp.awaiting_retest = 0) AS tested,
                    SUM(\(Self.overallSQL) = 'pass' AND sp.awaiting_retest = 0) AS passed,
                    SUM(\(Self.overallSQL) = 'fail' AND sp.awaiting_retest = 0) AS failed
                FROM \(source) p
                LEFT JOIN splitters s ON s.project_id = p.id
                LEFT JOIN splitter_ports sp ON sp.splitter_id = s.id
                GROUP BY p.id ORDER BY p.code
                """, arguments: arguments
        ).map { row in
            ProjectSummary(
                project: Project(
                    code: row["code"], name: row["name"], acceptanceRequired: row["acceptance_required"],
                    state: ProjectState(rawValue: row["state"]) ?? .entered, serviceTest: row["service_test"]),
                splitters: row["splitters"], ports: row["ports"], tested: row["tested"] ?? 0,
                passed: row["passed"] ?? 0, failed: row["failed"] ?? 0)
        }
    }

    /// A port's overall verdict in SQL, as ``PortVerdict/overall`` decides it: the line verdict
    /// alone, or line ∧ service when the project needs a service test (`sp`, `p` in scope).
    static let overallSQL = """
        (CASE WHEN p.service_test = 0 THEN sp.line_verdict
            WHEN sp.line_verdict = 'fail' OR sp.service_verdict = 'fail' THEN 'fail'
            WHEN sp.line_verdict = 'pass' AND sp.service_verdict = 'pass' THEN 'pass' END)
        """

    static let portSelect = """
        SELECT sp.id, p.code, s.name AS splitter, sp.number, o.address, o.name AS olt_name, o.dialect,
            pp.frame, pp.slot, pp.port, pp.svlan, pp.olt_id, sp.onu_name, sp.cvlan, sp.onu_serial, sp.onu_password,
            sp.activation, sp.line_verdict, sp.service_verdict, sp.awaiting_retest, p.service_test, s.plan_mbps
        FROM splitter_ports sp
        JOIN splitters s ON s.id = sp.splitter_id
        JOIN projects p ON p.id = s.project_id
        JOIN pon_ports pp ON pp.id = s.pon_port_id
        JOIN olts o ON o.id = pp.olt_id
        """

    /// One activation-list row from a ``portSelect`` row. A stored value that no longer parses
    /// (an address, a VLAN out of range) is an error naming the port's row, never a crash.
    static func activationRow(_ row: Row) throws -> ActivationListRow {
        let id: Int64 = row["id"]
        func corrupt(_ problem: String) -> StoreError {
            StoreError.corruptRow(table: "splitter_ports", id: id, problem: problem)
        }
        let workflow = PortWorkflow(
            activation: ActivationStatus(rawValue: row["activation"]) ?? .notActivated,
            verdict: PortVerdict(
                line: (row["line_verdict"] as String?).flatMap(Verdict.init(rawValue:)),
                service: (row["service_verdict"] as String?).flatMap(Verdict.init(rawValue:)),
                serviceRequired: row["service_test"]),
            awaitingRetest: row["awaiting_retest"])
        let address: String = row["address"]
        guard let olt = ManagementAddress(address) else {
            throw corrupt("its OLT address '\(address)' is not an IP address")
        }
        guard let dialect = VendorDialect(rawValue: row["dialect"]) else {
            throw corrupt("its OLT's dialect '\(row["dialect"] as String)' is unknown")
        }
        guard let svlan = VLANID(row["svlan"] as Int) else {
            throw corrupt("its PON port's SVLAN \(row["svlan"] as Int) is outside 1–4094")
        }
        return ActivationListRow(
            key: PortKey(projectCode: row["code"], splitter: row["splitter"], port: row["number"]),
            olt: olt,
            oltName: row["olt_name"],
            dialect: dialect,
            pon: PONAddress(frame: row["frame"], slot: row["slot"], port: row["port"]),
            onuName: row["onu_name"],
            svlan: svlan,
            cvlan: (row["cvlan"] as Int?).flatMap(VLANID.init),
            onuSerial: (row["onu_serial"] as String?).flatMap(ONUSerial.init),
            onuPassword: row["onu_password"],
            workflow: workflow)
    }

    public func activationList(projectCode: String) async throws -> [ActivationListRow] {
        try await read("listing the ports of \(projectCode)") { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM projects WHERE code = ?", arguments: [projectCode]) == true
            else {
                throw StoreError.notFound("project \(projectCode)")
            }
            return try Row.fetchAll(
                db, sql: Self.portSelect + " WHERE p.code = ? ORDER BY s.id, sp.number", arguments: [projectCode]
            ).map(Self.activationRow)
        }
    }

    static func storedRanges(_ db: Database) throws -> [CVLANRange] {
        try Row.fetchAll(db, sql: "SELECT id, name, olt_address, first, last FROM cvlan_ranges ORDER BY first").map {
            row in
            guard let first = VLANID(row["first"] as Int), let last = VLANID(row["last"] as Int) else {
                throw StoreError.corruptRow(
                    table: "cvlan_ranges", id: row["id"], problem: "its VLANs are outside 1–4094")
            }
            return CVLANRange(
                name: row["name"], olt: (row["olt_address"] as String?).flatMap(ManagementAddress.init), first: first,
                last: last)
        }
    }

    public func cvlanRanges() async throws -> [CVLANRange] {
        try await read("listing CVLAN ranges") { db in try Self.storedRanges(db) }
    }

    public func testAccountUsernames() async throws -> [String] {
        try await read("listing test accounts") { db in
            try String.fetchAll(db, sql: "SELECT username FROM test_accounts ORDER BY username")
        }
    }

    // MARK: Port workflow

    struct LoadedPort {
        var id: Int64
        var row: ActivationListRow
        var oltID: Int64
    }

    static func loadPort(_ db: Database, _ key: PortKey) throws -> LoadedPort {
        guard
            let row = try Row.fetchOne(
                db, sql: portSelect + " WHERE p.code = ? AND s.name = ? AND sp.number = ?",
                arguments: [key.projectCode, key.splitter, key.port])
        else {
            throw StoreError.notFound("port \(key)")
        }
        return LoadedPort(id: row["id"], row: try activationRow(row), oltID: row["olt_id"])
    }

    /// The port's CVLAN: the one it holds, else the lowest free one on its OLT and SVLAN,
    /// written to the port so no other port can take it.
    static func reserveCVLAN(_ db: Database, _ port: LoadedPort, key: PortKey, configuredRanges: [CVLANRange]) throws
        -> VLANID
    {
        if let held = port.row.cvlan { return held }
        let inUse = try Int.fetchAll(
            db,
            sql: "SELECT cvlan FROM splitter_ports WHERE cvlan_olt_id = ? AND cvlan_svlan = ? AND cvlan IS NOT NULL",
            arguments: [port.oltID, port.row.svlan.value])
        let allocator = CVLANAllocator(ranges: configuredRanges + (try Self.storedRanges(db)))
        let cvlan: VLANID
        do {
            cvlan = try allocator.allocate(
                olt: port.row.olt, svlan: port.row.svlan, inUse: Set(inUse.compactMap(VLANID.init)))
        } catch let e as CVLANAllocationError {
            throw StoreError.cvlan(key, e)
        }
        try db.execute(
            sql: "UPDATE splitter_ports SET cvlan = ?, cvlan_olt_id = ?, cvlan_svlan = ? WHERE id = ?",
            arguments: [cvlan.value, port.oltID, port.row.svlan.value, port.id])
        return cvlan
    }

    static func apply(_ event: PortEvent, to port: LoadedPort, key: PortKey) throws -> PortWorkflow {
        var workflow = port.row.workflow
        do {
            try workflow.apply(event)
        } catch let t as IllegalTransition {
            throw StoreError.illegalTransition(key, t)
        }
        return workflow
    }

    static func save(_ db: Database, _ workflow: PortWorkflow, portID: Int64) throws {
        try db.execute(
            sql: """
                UPDATE splitter_ports SET activation = ?, line_verdict = ?, service_verdict = ?, awaiting_retest = ?
                WHERE id = ?
                """,
            arguments: [
                workflow.activation.rawValue, workflow.verdict.line?.rawValue, workflow.verdict.service?.rawValue,
                workflow.awaitingRetest, portID,
            ])
    }

    static func event(
        _ db: Database, portID: Int64, at: Date, _ event: String, _ detail: String, actor: String? = nil
    ) throws {
        try db.execute(
            sql: "INSERT INTO port_events (port_id, at, event, detail, actor) VALUES (?, ?, ?, ?, ?)",
            arguments: [portID, at, event, detail, actor])
    }

    public func recordActivation(_ key: PortKey, serial: ONUSerial?, configuredRanges: [CVLANRange], at: Date)
        async throws -> ActivationListRow
    {
        try await write("recording the activation of \(key)") { db in
            let port = try Self.loadPort(db, key)
            let workflow = try Self.apply(.activationSucceeded, to: port, key: key)
            let cvlan = try Self.reserveCVLAN(db, port, key: key, configuredRanges: configuredRanges)
            try Self.save(db, workflow, portID: port.id)
            try Self.followTests(db, projectCode: key.projectCode, started: true, at: at)
            try db.execute(
                sql: "UPDATE splitter_ports SET onu_serial = ? WHERE id = ?",
                arguments: [serial?.text ?? port.row.onuSerial?.text, port.id])
            try Self.event(
                db, portID: port.id, at: at, "activated",
                "test ONU \(port.row.onuName) on OLT \(port.row.olt) PON \(port.row.pon), SVLAN \(port.row.svlan) CVLAN \(cvlan)"
                    + (serial.map { ", serial \($0)" } ?? ""))
            return try Self.loadPort(db, key).row
        }
    }

    public func assignONUPasswords(
        projectCode: String, olts: Set<ManagementAddress>, generate: @escaping @Sendable () -> String, at: Date
    ) async throws -> Int {
        guard !olts.isEmpty else { return 0 }
        return try await write("giving the test ONUs of \(projectCode) their passwords") { db in
            let rows = try Row.fetchAll(
                db,
                sql: Self.portSelect
                    + " WHERE p.code = ? AND sp.onu_password IS NULL AND o.address IN (\(olts.map { _ in "?" }.joined(separator: ", ")))",
                arguments: StatementArguments([projectCode] + olts.map(\.text)))
            for row in rows {
                let id: Int64 = row["id"]
                try db.execute(
                    sql: "UPDATE splitter_ports SET onu_password = ? WHERE id = ?", arguments: [generate(), id])
                try Self.event(
                    db, portID: id, at: at, "password_set",
                    "test ONU password set for password authentication; the activation list shows it to the crew")
            }
            return rows.count
        }
    }

    public func recordActivationFailure(_ key: PortKey, reason: String, at: Date) async throws {
        try await write("recording the failed activation of \(key)") { db in
            let port = try Self.loadPort(db, key)
            let workflow = try Self.apply(.activationFailed, to: port, key: key)
            try Self.save(db, workflow, portID: port.id)
            // A CVLAN reserved for the attempt goes back to the pool: nothing holds it on the OLT.
            try db.execute(
                sql: "UPDATE splitter_ports SET cvlan = NULL, cvlan_olt_id = NULL, cvlan_svlan = NULL WHERE id = ?",
                arguments: [port.id])
            try Self.event(db, portID: port.id, at: at, "activation_failed", reason)
        }
    }

    public func recordDeactivation(_ key: PortKey, at: Date) async throws {
        try await write("recording the deactivation of \(key)") { db in
            let port = try Self.loadPort(db, key)
            let workflow = try Self.apply(.deactivated, to: port, key: key)
            try Self.save(db, workflow, portID: port.id)
            try db.execute(
                sql: "UPDATE splitter_ports SET cvlan = NULL, cvlan_olt_id = NULL, cvlan_svlan = NULL WHERE id = ?",
                arguments: [port.id])
            try Self.markTestONUsRemoved(db, portID: port.id, at: at)
            try Self.event(
                db, portID: port.id, at: at, "deactivated",
                "test ONU \(port.row.onuName) removed" + (port.row.cvlan.map { "; CVLAN \($0) released" } ?? ""))
        }
    }

    public func recordLineResult(_ key: PortKey, readings: OpticalReadings, verdict: LineVerdict, at: Date) async throws
    {
        let json = try StoredForm.result(readings, verdict)
        try await write("recording a line result for \(key)") { db in
            try Self.insertLineResult(db, key, runID: nil, readings: readings, verdict: verdict, json: json, at: at)
        }
    }

    /// Appends a line result (of run `runID`, when it has one), moves the port's workflow and
    /// lets the project follow, inside the caller's transaction.
    static func insertLineResult(
        _ db: Database, _ key: PortKey, runID: Int64?, readings: OpticalReadings, verdict: LineVerdict,
        json: (readings: String, verdict: String), at: Date
    ) throws {
        let port = try Self.loadPort(db, key)
        let workflow = try Self.apply(.lineResult(verdict.verdict), to: port, key: key)
        try Self.save(db, workflow, portID: port.id)
        try db.execute(
            sql: """
                INSERT INTO line_results (port_id, run_id, at, profile, olt_tx_centi, olt_rx_centi, onu_tx_centi,
                    onu_rx_centi, downstream_centi, upstream_centi, verdict, readings_json, verdict_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                port.id, runID, at, verdict.profile, readings.oltTx.value?.centi, readings.oltRx.value?.centi,
                readings.onuTx.value?.centi, readings.onuRx.value?.centi, verdict.downstreamAttenuation?.centi,
                verdict.upstreamAttenuation?.centi, verdict.verdict.rawValue, json.readings, json.verdict,
            ])
        try Self.event(
            db, portID: port.id, at: at, "line_result", (runID.map { "run \($0): " } ?? "") + verdict.summary)
        try Self.followTests(db, projectCode: key.projectCode, started: false, result: (key, verdict), at: at)
    }

    public func reportRework(_ key: PortKey, note: String, at: Date) async throws {
        try await write("recording rework of \(key)") { db in
            let port = try Self.loadPort(db, key)
            let workflow = try Self.apply(.reworkReported, to: port, key: key)
            try Self.save(db, workflow, portID: port.id)
            try Self.event(db, portID: port.id, at: at, "rework_reported", note)
        }
    }

    public func lineResults(_ key: PortKey) async throws -> [LineResultRecord] {
        try await read("reading the results of \(key)") { db in
            let port = try Self.loadPort(db, key)
            return try Self.loadResults(db, where: "WHERE l.port_id = ?", [port.id])
        }
    }

    /// Line results matching `clause` (on `line_results l`), oldest first. A row that does not decode is an error
    /// naming the table and the row, never a crash.
    static func loadResults(_ db: Database, where clause: String, _ arguments: StatementArguments) throws
        -> [LineResultRecord]
    {
        let decoder = JSONDecoder()
        return try Row.fetchAll(
            db,
            sql: """
                SELECT l.id, l.run_id, l.at, l.readings_json, l.verdict_json, r.started_by
                FROM line_results l LEFT JOIN test_runs r ON r.id = l.run_id \(clause) ORDER BY l.id
                """,
            arguments: arguments
        ).map { row in
            let id: Int64 = row["id"]
            do {
                return LineResultRecord(
                    at: row["at"],
                    readings: try decoder.decode(
                        OpticalReadings.self, from: Data((row["readings_json"] as String).utf8)),
                    verdict: try decoder.decode(LineVerdict.self, from: Data((row["verdict_json"] as String).utf8)),
                    runID: row["run_id"], testedBy: row["started_by"])
            } catch {
                throw StoreError.corruptRow(table: "line_results", id: id, problem: "\(error)")
            }
        }
    }

    public func portHistory(_ key: PortKey) async throws -> [HistoryEntry] {
        try await read("reading the history of \(key)") { db in
            let port = try Self.loadPort(db, key)
            return try Row.fetchAll(
                db, sql: "SELECT at, event, detail, actor FROM port_events WHERE port_id = ? ORDER BY id",
                arguments: [port.id]
            ).map { HistoryEntry(at: $0["at"], event: $0["event"], detail: $0["detail"], actor: $0["actor"]) }
        }
    }

    public func updateProject(_ code: String, name: String?, acceptanceRequired: Bool?, actor: String, at: Date)
        async throws -> ProjectSummary
    {
        try await write("updating project \(code)") { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT id, name, acceptance_required, state FROM projects WHERE code = ?",
                    arguments: [code])
            else { throw StoreError.notFound("project \(code)") }
            let id: Int64 = row["id"]
            let state = ProjectState(rawValue: row["state"]) ?? .entered
            var changes: [String] = []
            if let name {
                let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !trimmed.isEmpty else {
                    throw StoreError.conflict(location: nil, message: "a project name cannot be empty")
                }
                let old: String = row["name"]
                if trimmed != old {
                    try db.execute(sql: "UPDATE projects SET name = ? WHERE id = ?", arguments: [trimmed, id])
                    changes.append("name '\(old)' → '\(trimmed)'")
                }
            }
            if let acceptanceRequired {
                let old: Bool = row["acceptance_required"]
                if acceptanceRequired != old {
                    try ProjectWorkflow.checkAcceptanceRequiredChange(try Self.projectFacts(db, code).facts)
                    try db.execute(
                        sql: "UPDATE projects SET acceptance_required = ? WHERE id = ?",
                        arguments: [acceptanceRequired, id])
                    changes.append("acceptance_required \(old) → \(acceptanceRequired)")
                }
            }
            if !changes.isEmpty {
                try db.execute(
                    sql: """
                        INSERT INTO project_events (project_id, at, event, from_state, to_state, actor, detail)
                        VALUES (?, ?, 'updated', ?, ?, ?, ?)
                        """,
                    arguments: [id, at, state.rawValue, state.rawValue, actor, changes.joined(separator: "; ")])
            }
        }
        guard let summary = try await project(code) else {
            throw StoreError.notFound("project \(code)")
        }
        return summary
    }

    public func withdrawProject(_ code: String, actor: String, at: Date) async throws {
        _ = try await write("withdrawing project \(code)") { db in
            try Self.applyProjectEvent(db, code, .withdraw, actor: actor, at: at)
        }
    }

    public func applyProjectEvent(_ code: String, _ event: ProjectEvent, actor: String, at: Date) async throws
        -> ProjectState
    {
        try await write("updating project \(code)") { db in
            try Self.applyProjectEvent(db, code, event, actor: actor, at: at)
        }
    }

    /// The facts the workflow rules of project `code` are judged on, read inside the caller's
    /// transaction. Throws `notFound` for an unknown project.
    static func projectFacts(_ db: Database, _ code: String) throws -> (id: Int64, facts: ProjectFacts) {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT p.id, p.state, p.acceptance_required,
                        SUM(\(Self.overallSQL) = 'pass' AND sp.awaiting_retest = 0) AS passed,
                        SUM(\(Self.overallSQL) = 'fail' AND sp.awaiting_retest = 0) AS failed,
                        SUM(\(Self.overallSQL) IS NULL OR sp.awaiting_retest = 1) AS untested,
                        SUM(sp.activation != 'not_activated') AS activated,
                        (SELECT COUNT(*) FROM test_runs r JOIN splitter_ports rp ON rp.id = r.port_id
                            JOIN splitters rs ON rs.id = rp.splitter_id WHERE rs.project_id = p.id) AS runs
                    FROM projects p LEFT JOIN splitters s ON s.project_id = p.id
                    LEFT JOIN splitter_ports sp ON sp.splitter_id = s.id
                    WHERE p.code = ? GROUP BY p.id
                    """, arguments: [code])
        else { throw StoreError.notFound("project \(code)") }
        let id: Int64 = row["id"]
        guard let state = ProjectState(rawValue: row["state"]) else {
            throw StoreError.corruptRow(table: "projects", id: id, problem: "unknown state '\(row["state"] as String)'")
        }
        var running: ProjectFacts.RunningTest?
        if let active = try Row.fetchOne(
            db,
            sql: """
                SELECT r.id, r.step, s.name AS splitter, sp.number FROM test_runs r
                JOIN splitter_ports sp ON sp.id = r.port_id JOIN splitters s ON s.id = sp.splitter_id
                WHERE s.project_id = ? AND r.step IN (\(Self.activeStepsSQL))
                ORDER BY r.id LIMIT 1
                """, arguments: [id])
        {
            running = ProjectFacts.RunningTest(
                splitter: active["splitter"], port: active["number"], runID: active["id"],
                step: TestRunStep(rawValue: active["step"]) ?? .provisioning)
        }
        return (
            id,
            ProjectFacts(
                code: code, workflow: ProjectWorkflow(state: state, acceptanceRequired: row["acceptance_required"]),
                passed: row["passed"] ?? 0, failed: row["failed"] ?? 0, untested: row["untested"] ?? 0,
                testRuns: row["runs"] ?? 0, activatedPorts: row["activated"] ?? 0, running: running)
        )
    }

    /// Applies `event` to project `code` inside the caller's transaction and records it: the
    /// rules are ``ProjectWorkflow``'s, judged on the stored facts.
    @discardableResult
    static func applyProjectEvent(_ db: Database, _ code: String, _ event: ProjectEvent, actor: String, at: Date) throws
        -> ProjectState
    {
        let (id, facts) = try projectFacts(db, code)
        let from = facts.workflow.state
        var workflow = facts.workflow
        try ProjectWorkflow.check(event, facts)
        do {
            try workflow.apply(event)
        } catch let t as IllegalTransition {
            throw StoreError.illegalTransition(nil, t)
        }
        try db.execute(sql: "UPDATE projects SET state = ? WHERE id = ?", arguments: [workflow.state.rawValue, id])
        try db.execute(
            sql: """
                INSERT INTO project_events (project_id, at, event, from_state, to_state, actor, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [id, at, event.label, from.rawValue, workflow.state.rawValue, actor, event.historyDetail])
        return workflow.state
    }

    /// The project follows its port tests, by ``ProjectWorkflow/testStarting(_:)`` and
    /// ``ProjectWorkflow/resultRecorded(_:port:verdict:)``, inside the caller's transaction.
    static func followTests(
        _ db: Database, projectCode code: String, started: Bool, result: (PortKey, LineVerdict)? = nil, at: Date
    ) throws {
        try followTests(
            db, projectCode: code, started: started,
            result: result.map { ($0.0, $0.1.verdict, $0.1.reasons) }, at: at)
    }

    /// As above, for a result of any part of a port's test (the service's too).
    static func followTests(
        _ db: Database, projectCode code: String, started: Bool, result: (PortKey, Verdict, [String])?, at: Date
    ) throws {
        let facts = try projectFacts(db, code).facts
        let event: ProjectEvent?
        if started {
            event = try ProjectWorkflow.testStarting(facts)
        } else if let (port, verdict, reasons) = result {
            event = ProjectWorkflow.resultRecorded(facts, port: port, verdict: verdict, reasons: reasons)
        } else {
            event = nil
        }
        if let event { try applyProjectEvent(db, code, event, actor: "ftth-acceptd", at: at) }
    }
}
