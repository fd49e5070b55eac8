import Foundation

// The daemon's JSON answers as ftthctl reads them (snake_case on the wire, see
// Sources/FTTHAPI/Router/APIResponses.swift and EngineRoutes.swift). Kept here so that ftthctl
// does not depend on the server's modules; unknown keys are ignored, so a newer daemon that adds
// fields still works.

/// A test run: `POST …/tests`, `GET /v1/tests/{id}`, `DELETE /v1/tests/{id}`.
struct TestRunBody: Decodable {
    var id: Int64
    var project: String
    var splitter: String
    var port: Int
    /// provisioning, awaiting_online, reading, finished, failed or cancelled.
    var step: String
    var active: Bool
    var profile: String
    var oltIp: String
    var pon: String
    var onuName: String
    var svlan: Int
    var cvlan: Int
    var onuId: Int?
    var attempt: Int
    var startedAt: Date
    var updatedAt: Date
    var outcome: String?
    var serial: String?
    /// This run's own result, once recorded.
    var verdict: String?
    var reasons: [String]?
    var warnings: [String]?

    var portLabel: String { "\(project) \(splitter) port \(port)" }
}

/// One line of the activation list.
struct ActivationRowBody: Decodable {
    var splitter: String
    var splitterPort: Int
    var oltIp: String
    var oltName: String
    var ponPort: String
    var onuName: String
    var svlan: Int
    var cvlan: Int?
    var onuSerial: String?
    var activationStatus: String
    var testStatus: String
    var lineVerdict: String?
    var serviceVerdict: String?
    var overallVerdict: String?
}

/// `GET /v1/projects/{code}/activation-list`.
struct ActivationListBody: Decodable {
    var projectCode: String
    var ports: [ActivationRowBody]
}

/// One line-quality result; a nil power is "no reading".
struct LineResultBody: Decodable {
    var at: Date
    var profile: String
    var verdict: String
    var reasons: [String]
    /// Advisory checks that failed: shown apart, never a failure (absent from older daemons).
    var warnings: [String]?
    /// The run that measured it; nil for a result recorded outside a run.
    var runId: Int64?
    var oltTxDbm: Double?
    var oltRxDbm: Double?
    var onuTxDbm: Double?
    var onuRxDbm: Double?
    var downstreamAttenuationDb: Double?
    var upstreamAttenuationDb: Double?
}

struct HistoryEntryBody: Decodable {
    var at: Date
    var event: String
    var detail: String?
    var actor: String?
}

/// `GET /v1/projects/{code}/ports/{splitter}/{port}/results`: results oldest first.
struct PortResultsBody: Decodable {
    var port: ActivationRowBody
    var results: [LineResultBody]
    var history: [HistoryEntryBody]
}

/// `POST …/approve` and `POST …/send-back`.
struct ProjectStateBody: Decodable {
    var code: String
    var state: String
}
