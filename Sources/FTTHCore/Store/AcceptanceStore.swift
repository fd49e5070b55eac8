import Foundation

/// A splitter port, named the way a crew and the resource system name it.
public struct PortKey: Sendable, Hashable, Codable, CustomStringConvertible {
    public var projectCode: String
    public var splitter: String
    public var port: Int

    public init(projectCode: String, splitter: String, port: Int) {
        self.projectCode = projectCode
        self.splitter = splitter
        self.port = port
    }

    /// `P2026-001 / FTTH-A-01 / port 3`
    public var description: String { "\(projectCode) / \(splitter) / port \(port)" }
}

/// What an import wrote.
public struct ImportSummary: Sendable, Hashable, Codable {
    public var projects = 0
    public var olts = 0
    public var ponPorts = 0
    public var splitters = 0
    public var ports = 0
    /// Ports that got a test ONU password (``AcceptanceStore/importProjectsByProject(_:namingRule:source:at:policy:afterEach:)``).
    public var onuPasswords = 0

    public init() {}
}

/// A project with its counts, for listings.
public struct ProjectSummary: Sendable, Hashable, Codable {
    public var project: Project
    public var splitters: Int
    public var ports: Int
    public var tested: Int
    public var passed: Int
    public var failed: Int

    public init(project: Project, splitters: Int, ports: Int, tested: Int, passed: Int, failed: Int) {
        self.project = project
        self.splitters = splitters
        self.ports = ports
        self.tested = tested
        self.passed = passed
        self.failed = failed
    }
}

/// One line of the activation list (DESIGN §2 step 2), plus the port's verdicts.
public struct ActivationListRow: Sendable, Hashable, Codable {
    public var key: PortKey
    public var olt: ManagementAddress
    public var oltName: String
    public var dialect: VendorDialect
    public var pon: PONAddress
    public var onuName: String
    public var svlan: VLANID
    /// Allocated while a test ONU is activated; nil otherwise.
    public var cvlan: VLANID?
    public var onuSerial: ONUSerial?
    public var onuPassword: String?
    public var workflow: PortWorkflow

    public init(
        key: PortKey, olt: ManagementAddress, oltName: String, dialect: VendorDialect, pon: PONAddress, onuName: String,
        svlan: VLANID, cvlan: VLANID?, onuSerial: ONUSerial?, onuPassword: String?, workflow: PortWorkflow
    ) {
        self.key = key
        self.olt = olt
        self.oltName = oltName
        self.dialect = dialect
        self.pon = pon
        self.onuName = onuName
        self.svlan = svlan
        self.cvlan = cvlan
        self.onuSerial = onuSerial
        self.onuPassword = onuPassword
        self.workflow = workflow
    }
}

/// One recorded line-quality test.
public struct LineResultRecord: Sendable, Hashable, Codable {
    public var at: Date
    public var readings: OpticalReadings
    public var verdict: LineVerdict
    /// The test run that measured it; nil for a result recorded outside a run.
    public var runID: Int64?
    /// Who started the run that measured it (``TestRun/startedBy``); nil when unknown.
    public var testedBy: String?

    public init(
        at: Date, readings: OpticalReadings, verdict: LineVerdict, runID: Int64? = nil, testedBy: String? = nil
    ) {
        self.testedBy = testedBy
        self.at = at
        self.readings = readings
        self.verdict = verdict
        self.runID = runID
    }
}

/// One entry of a port's or project's history.
public struct HistoryEntry: Sendable, Hashable, Codable {
    public var at: Date
    public var event: String
    public var detail: String
    public var actor: String?

    public init(at: Date, event: String, detail: String, actor: String?) {
        self.at = at
        self.event = event
        self.detail = detail
        self.actor = actor
    }
}

/// Errors of a store, each with a code a caller can match and a sentence a person can act on.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// The named thing does not exist.
    case notFound(String)
    /// The input conflicts with what is stored; `location` names the line that caused it.
    case conflict(location: CSVLocation?, message: String)
    case illegalTransition(PortKey?, IllegalTransition)
    case cvlan(PortKey, CVLANAllocationError)
    case naming(CSVLocation?, ONUNamingError)
    /// The database itself failed (disk full, file locked, corrupt).
    case database(operation: String, message: String)
    /// One stored row no longer makes sense (edited by hand, written by a broken version): the
    /// rest of the store still serves.
    case corruptRow(table: String, id: Int64, problem: String)

    public var code: String {
        switch self {
        case .notFound: "store.not_found"
        case .conflict: "store.conflict"
        case .illegalTransition(_, let t): t.code
        case .cvlan(_, let e): e.code
        case .naming(_, let e): e.code
        case .database: "store.database"
        case .corruptRow: "store.corrupt_row"
        }
    }

    public var description: String {
        switch self {
        case .notFound(let what): "\(what) not found: `ftthctl projects` lists the projects in the store"
        case .conflict(let location, let message): location.map { "\($0): \(message)" } ?? message
        case .illegalTransition(let key, let t): key.map { "\($0): \(t)" } ?? t.description
        case .cvlan(let key, let e): "\(key): \(e)"
        case .naming(let location, let e): location.map { "\($0): \(e)" } ?? e.description
        case .database(let operation, let message): "the store failed while \(operation): \(message)"
        case .corruptRow(let table, let id, let problem):
            "stored row \(id) of table \(table) is corrupt: \(problem); correct or remove that row with the database's own tool (sqlite3 for a SQLite file, psql for PostgreSQL); the rest of the store still serves"
        }
    }
}

/// Where projects, activations, results and their history are kept. Every write is one
/// transaction: it happens whole or not at all. Results and events are append-only.
public protocol AcceptanceStore: Sendable {
    /// Writes a validated project export, naming every port's test ONU with `namingRule`.
    /// `progress` is called with (ports written, ports in total) while the transaction is open.
    func importProjects(
        _ plan: ProjectImportPlan, namingRule: ONUNamingRule, source: String, at: Date,
        progress: (@Sendable (Int, Int) -> Void)?
    ) async throws -> ImportSummary

    /// Adds test CVLAN ranges; a name already stored is a conflict.
    func importCVLANRanges(_ input: CVLANRangeImport, source: String, at: Date) async throws -> Int

    /// Adds PPPoE test accounts to the pool; a username already stored is a conflict.
    func importTestAccounts(_ input: TestAccountImport, source: String, at: Date) async throws -> Int

    /// Every project with its counts, in code order. For a listing that can grow, page with
    /// ``projects(after:limit:)``.
    func projects() async throws -> [ProjectSummary]
    /// One page of projects with their counts, in code order: at most `limit` projects whose
    /// code sorts after `after` (from the first one when nil).
    func projects(after: String?, limit: Int) async throws -> [ProjectSummary]
    /// One project with its counts, or nil when no project has that code.
    func project(_ code: String) async throws -> ProjectSummary?
    /// Which of `codes` are codes of stored projects.
    func storedProjectCodes(among codes: [String]) async throws -> Set<String>
    func activationList(projectCode: String) async throws -> [ActivationListRow]
    func cvlanRanges() async throws -> [CVLANRange]
    func testAccountUsernames() async throws -> [String]

    /// Records a provisioned test ONU and allocates its CVLAN from `configuredRanges` and the
    /// stored ranges. Throws ``StoreError/cvlan(_:_:)`` when the ranges are exhausted.
    func recordActivation(_ port: PortKey, serial: ONUSerial?, configuredRanges: [CVLANRange], at: Date)
        async throws -> ActivationListRow

    /// Gives every port of project `projectCode` on an OLT in `olts` that has no test ONU
    /// password one, made by `generate`, in one transaction; returns how many ports got one.
    /// The password is kept with the port (the activation list shows it to the crew); the
    /// port's history says that one was set, never what it is.
    func assignONUPasswords(
        projectCode: String, olts: Set<ManagementAddress>, generate: @escaping @Sendable () -> String, at: Date
    ) async throws -> Int

    /// Records a failed provisioning with the OLT's reason.
    func recordActivationFailure(_ port: PortKey, reason: String, at: Date) async throws

    /// Records the test ONU's removal and releases its CVLAN.
    func recordDeactivation(_ port: PortKey, at: Date) async throws

    /// Appends a line-quality result measured outside a test run (a result a run measures is
    /// recorded with its run, by ``TestRunStore/finishTestRun(_:readings:verdict:outcome:at:)``)
    /// and updates the port's verdict.
    func recordLineResult(_ port: PortKey, readings: OpticalReadings, verdict: LineVerdict, at: Date) async throws

    /// Records the builder's report that a failed port was reworked.
    func reportRework(_ port: PortKey, note: String, at: Date) async throws

    /// Every line result of a port, oldest first.
    func lineResults(_ port: PortKey) async throws -> [LineResultRecord]

    /// Every event of a port, oldest first.
    func portHistory(_ port: PortKey) async throws -> [HistoryEntry]

    /// Renames a project and, before its first test, changes whether it needs the acceptance
    /// test; the change goes into the project's history with `actor`. Throws `notFound`, or
    /// `conflict` for an empty name or a flag changed once testing began.
    func updateProject(_ code: String, name: String?, acceptanceRequired: Bool?, actor: String, at: Date)
        async throws -> ProjectSummary

    /// Withdraws a project entered by mistake (state `withdrawn`, with its history, since
    /// history is append-only) as long as nothing was tested on it: no test run, no activation.
    /// Its ports can no longer be tested. Throws `notFound`, or `conflict` naming what was done.
    func withdrawProject(_ code: String, actor: String, at: Date) async throws

    /// Applies a workflow event to a project; returns the new state.
    func applyProjectEvent(_ projectCode: String, _ event: ProjectEvent, actor: String, at: Date) async throws
        -> ProjectState
}
