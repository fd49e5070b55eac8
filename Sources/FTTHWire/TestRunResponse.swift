import FTTHCore
import Foundation

/// A test run: `POST …/tests`, `GET /v1/tests/{id}`, `DELETE /v1/tests/{id}`, and each progress
/// event. Absent optionals are left out.
public struct TestRunResponse: Codable, Sendable, Hashable {
    public var id: Int64
    public var project: String
    public var splitter: String
    public var port: Int
    /// provisioning, awaiting_online, reading, finished, failed or cancelled.
    public var step: String
    public var active: Bool
    public var profile: String
    public var oltIP: String
    public var pon: String
    public var onuName: String
    public var svlan: Int
    public var cvlan: Int
    public var onuID: Int?
    public var attempt: Int
    public var startedAt: Date
    public var updatedAt: Date
    /// The verdict's summary, or why it failed or was cancelled.
    public var outcome: String?
    /// The test ONT's serial this run provisioned with.
    public var serial: String?
    /// This run's own line result, once recorded: pass or fail, why, and what only warns.
    public var verdict: String?
    public var reasons: [String]?
    public var warnings: [String]?

    enum CodingKeys: String, CodingKey {
        case id, project, splitter, port, step, active, profile, pon, svlan, cvlan, attempt, outcome, serial
        case verdict, reasons, warnings
        case oltIP = "olt_ip", onuName = "onu_name", onuID = "onu_id", startedAt = "started_at"
        case updatedAt = "updated_at"
    }

    /// The run, with its own recorded result when there is one.
    public init(_ run: TestRun, result: LineResultRecord? = nil) {
        id = run.id
        project = run.port.key.projectCode
        splitter = run.port.key.splitter
        port = run.port.key.port
        step = run.step.rawValue
        active = run.step.isActive
        profile = run.profile
        oltIP = "\(run.port.olt)"
        pon = "\(run.port.pon)"
        onuName = run.port.onuName
        svlan = run.port.svlan.value
        cvlan = run.cvlan.value
        onuID = run.onuID
        attempt = run.attempt
        startedAt = run.startedAt
        updatedAt = run.updatedAt
        outcome = run.outcome
        serial = run.serial?.text
        verdict = result?.verdict.verdict.rawValue
        reasons = result?.verdict.reasons
        warnings = result?.verdict.warnings
    }

    /// `project splitter port n`, for messages.
    public var portLabel: String { "\(project) \(splitter) port \(port)" }
}

/// One event of `GET /v1/events` (`event: progress`, this as its `data:`).
public struct ProgressEventResponse: Codable, Sendable, Hashable {
    public var run: TestRunResponse
    public var message: String
    /// Once judged: the line verdict and its reasons.
    public var verdict: String?
    public var reasons: [String]?

    /// A step of `run`, in the engine's `message`, with the `verdict` once judged.
    public init(run: TestRun, message: String, verdict: LineVerdict?) {
        self.run = TestRunResponse(run)
        self.message = message
        self.verdict = verdict?.verdict.rawValue
        reasons = verdict?.reasons
    }
}
