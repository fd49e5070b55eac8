import FTTHCore
import Foundation

/// `GET /v1/projects/{code}/activation-list`.
public struct ActivationListResponse: Codable, Sendable, Hashable {
    public var projectCode: String
    public var ports: [ActivationRowResponse]
    /// The diagnosis of each splitter of the project as a whole, in the list's order (nil from a
    /// daemon before the diagnosis). Advisory: it never changes a verdict.
    public var splitters: [SplitterDiagnosisWire]?

    enum CodingKeys: String, CodingKey {
        case ports, splitters
        case projectCode = "project_code"
    }

    /// The rows of project `projectCode`, and its splitters' diagnoses.
    public init(projectCode: String, ports: [ActivationRowResponse], splitters: [SplitterDiagnosisWire]? = nil) {
        self.projectCode = projectCode
        self.ports = ports
        self.splitters = splitters
    }
}

/// One line of the activation list: the columns of DESIGN §2 step 2 and the verdicts. Every
/// column is written, as null when it has no value yet.
public struct ActivationRowResponse: Codable, Sendable, Hashable {
    public var splitter: String
    public var splitterPort: Int
    public var oltIP: String
    public var oltName: String
    public var dialect: String
    public var ponPort: String
    public var onuName: String
    public var svlan: Int
    @ExplicitNull public var cvlan: Int?
    @ExplicitNull public var onuSerial: String?
    @ExplicitNull public var onuPassword: String?
    public var activationStatus: String
    public var testStatus: String
    @ExplicitNull public var lineVerdict: String?
    @ExplicitNull public var serviceVerdict: String?
    @ExplicitNull public var overallVerdict: String?

    enum CodingKeys: String, CodingKey {
        case splitter, dialect, svlan, cvlan
        case splitterPort = "splitter_port", oltIP = "olt_ip", oltName = "olt_name", ponPort = "pon_port"
        case onuName = "onu_name", onuSerial = "onu_serial", onuPassword = "onu_password"
        case activationStatus = "activation_status", testStatus = "test_status"
        case lineVerdict = "line_verdict", serviceVerdict = "service_verdict", overallVerdict = "overall_verdict"
    }

    /// The row as the store lists it.
    public init(_ row: ActivationListRow) {
        splitter = row.key.splitter
        splitterPort = row.key.port
        oltIP = row.olt.text
        oltName = row.oltName
        dialect = row.dialect.rawValue
        ponPort = row.pon.description
        onuName = row.onuName
        svlan = row.svlan.value
        cvlan = row.cvlan?.value
        onuSerial = row.onuSerial?.text
        onuPassword = row.onuPassword
        activationStatus = row.workflow.activation.rawValue
        testStatus = row.workflow.testStatus.rawValue
        lineVerdict = row.workflow.verdict.line?.rawValue
        serviceVerdict = row.workflow.verdict.service?.rawValue
        overallVerdict = row.workflow.verdict.overall?.rawValue
    }
}

/// One line-quality result: the four powers (null: no reading), both attenuations, the verdict
/// with its reasons and warnings, every check as judged, and the limits it was judged by.
public struct LineResultResponse: Codable, Sendable, Hashable {
    public var at: Date
    public var profile: String
    /// `pass` or `fail`.
    public var verdict: String
    public var reasons: [String]
    /// Advisory checks that failed: shown apart, never a failure (nil from a daemon before them).
    @ExplicitNull public var warnings: [String]?
    /// The run that measured it; nil for a result recorded outside a run.
    @ExplicitNull public var runID: Int64?
    /// Every check, binding or advisory (nil from a daemon before them).
    @ExplicitNull public var checks: [CheckResponse]?
    /// The limits the result was judged by; nil for a result recorded before they were kept.
    @ExplicitNull public var limits: ThresholdProfileResponse?
    @ExplicitNull public var oltTxDBm: Double?
    @ExplicitNull public var oltRxDBm: Double?
    @ExplicitNull public var onuTxDBm: Double?
    @ExplicitNull public var onuRxDBm: Double?
    @ExplicitNull public var downstreamAttenuationDB: Double?
    @ExplicitNull public var upstreamAttenuationDB: Double?

    enum CodingKeys: String, CodingKey {
        case at, profile, verdict, reasons, warnings, checks, limits
        case runID = "run_id"
        case oltTxDBm = "olt_tx_dbm", oltRxDBm = "olt_rx_dbm", onuTxDBm = "onu_tx_dbm", onuRxDBm = "onu_rx_dbm"
        case downstreamAttenuationDB = "downstream_attenuation_db", upstreamAttenuationDB = "upstream_attenuation_db"
    }

    /// The result as the store recorded it.
    public init(_ record: LineResultRecord) {
        let r = record.readings
        at = record.at
        profile = record.verdict.profile
        verdict = record.verdict.verdict.rawValue
        reasons = record.verdict.reasons
        warnings = record.verdict.warnings
        runID = record.runID
        checks = record.verdict.checks.map(CheckResponse.init)
        limits = record.verdict.limits.map(ThresholdProfileResponse.init)
        oltTxDBm = r.oltTx.value.map { Double(centi: $0.centi) }
        oltRxDBm = r.oltRx.value.map { Double(centi: $0.centi) }
        onuTxDBm = r.onuTx.value.map { Double(centi: $0.centi) }
        onuRxDBm = r.onuRx.value.map { Double(centi: $0.centi) }
        downstreamAttenuationDB = record.verdict.downstreamAttenuation.map { Double(centi: $0.centi) }
        upstreamAttenuationDB = record.verdict.upstreamAttenuation.map { Double(centi: $0.centi) }
    }
}

/// One check of a line result.
public struct CheckResponse: Codable, Sendable, Hashable {
    /// The limit's key, such as `min_onu_rx_dbm`.
    public var check: String
    public var outcome: String
    /// True: the check fails the port; false: it only warns.
    public var binding: Bool
    public var reason: String

    /// The check as judged.
    public init(_ result: CheckResult) {
        check = result.check.rawValue
        outcome = result.outcome.rawValue
        binding = result.binding
        reason = result.reason
    }
}

/// One entry of a port's history.
public struct HistoryEntryResponse: Codable, Sendable, Hashable {
    public var at: Date
    public var event: String
    public var detail: String
    @ExplicitNull public var actor: String?

    /// The entry as the store keeps it.
    public init(_ entry: HistoryEntry) {
        at = entry.at
        event = entry.event
        detail = entry.detail
        actor = entry.actor
    }
}

/// `GET /v1/projects/{code}/ports/{splitter}/{port}/results`.
public struct PortResultsResponse: Codable, Sendable, Hashable {
    public var port: ActivationRowResponse
    /// Oldest first.
    public var results: [LineResultResponse]
    public var history: [HistoryEntryResponse]
    /// The port's service tests, oldest first; only for a project that needs a service test.
    public var serviceResults: [ServiceResultResponse]?
    /// Where the light of the latest result is most likely lost; null when the port has no
    /// result (or from a daemon before the diagnosis). Advisory: it never changes a verdict.
    @ExplicitNull public var diagnosis: DiagnosisWire?
    /// The diagnosis of the port's splitter as a whole; null when the port has no result.
    @ExplicitNull public var splitterDiagnosis: SplitterDiagnosisWire?

    enum CodingKeys: String, CodingKey {
        case port, results, history, diagnosis
        case serviceResults = "service_results", splitterDiagnosis = "splitter_diagnosis"
    }

    /// A port's row, results and history.
    public init(port: ActivationRowResponse, results: [LineResultResponse], history: [HistoryEntryResponse]) {
        self.port = port
        self.results = results
        self.history = history
    }
}

extension Double {
    /// A value kept in hundredths as a JSON number with at most two decimals: hundredths over 100
    /// round-trip to the same shortest decimal, -2140 → -21.4, never -21.399….
    init(centi: Int) { self = Double(centi) / 100 }
}
