import FTTHCore
import Foundation

/// A test run: `POST …/tests`, `GET /v1/tests/{id}`, `DELETE /v1/tests/{id}`, and each progress
/// event. Absent optionals are left out.
public struct TestRunResponse: Codable, Sendable, Hashable {
    public var id: Int64
    public var project: String
    public var splitter: String
    public var port: Int
    /// provisioning, awaiting_online, reading, awaiting_service, finished, failed or cancelled.
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
    /// Who started it: a person's or token's name, `scheduler` for a re-test.
    public var startedBy: String?
    /// This run's own line result, once recorded: pass or fail, why, and what only warns.
    public var verdict: String?
    public var reasons: [String]?
    public var warnings: [String]?
    /// The run's service test, for a project that needs one: its account, state and verdict.
    public var service: ServiceResultResponse?

    enum CodingKeys: String, CodingKey {
        case id, project, splitter, port, step, active, profile, pon, svlan, cvlan, attempt, outcome, serial
        case verdict, reasons, warnings, service
        case oltIP = "olt_ip", onuName = "onu_name", onuID = "onu_id", startedAt = "started_at"
        case updatedAt = "updated_at", startedBy = "started_by"
    }

    /// The run, with its own recorded result and its service test when there are.
    public init(_ run: TestRun, result: LineResultRecord? = nil, service: ServiceTest? = nil) {
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
        startedBy = run.startedBy
        verdict = result?.verdict.verdict.rawValue
        reasons = result?.verdict.reasons
        warnings = result?.verdict.warnings
        self.service = service.map(ServiceResultResponse.init)
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
    /// Once the service test is judged: its verdict, and why (the figures when it passed).
    public var serviceVerdict: String?
    public var serviceReason: ServiceReasonWire?
    /// On the event of the read: the four powers, both attenuations, when and how they were read.
    public var readings: LiveReadingsWire?
    /// While the service test runs: `waiting` for a probe, `claimed` (a probe is dialling).
    public var serviceState: String?
    /// Once the service test is judged: what the probe measured (phases, speeds), when it did.
    public var serviceMeasurement: ServiceMeasurementWire?
    /// While the probe measures: the session's phases and address, then the download.
    public var serviceProgress: ServiceProgressWire?
    /// On the event of the recorded line result: where its light is most likely lost, and its
    /// splitter's diagnosis as a whole (absent when they could not be computed). Advisory.
    public var diagnosis: DiagnosisWire?
    public var splitterDiagnosis: SplitterDiagnosisWire?

    enum CodingKeys: String, CodingKey {
        case run, message, verdict, reasons, readings, diagnosis
        case splitterDiagnosis = "splitter_diagnosis"
        case serviceVerdict = "service_verdict", serviceReason = "service_reason", serviceState = "service_state"
        case serviceMeasurement = "service_measurement", serviceProgress = "service_progress"
    }

    /// A step of `run`, in the engine's `message`, with the `verdict` once judged and the
    /// `service` verdict once the service test is; the `readings` with their `provenance` on
    /// the event of the read, and the `serviceState` while a service test runs.
    public init(
        run: TestRun, message: String, verdict: LineVerdict?, service: ServiceVerdict? = nil,
        readings: OpticalReadings? = nil, provenance: ReadingProvenance? = nil, serviceState: ServiceTestState? = nil,
        serviceProgress: ServiceProgress? = nil, diagnosis: Diagnosis? = nil,
        splitterDiagnosis: SplitterDiagnosis? = nil
    ) {
        self.run = TestRunResponse(run)
        self.diagnosis = diagnosis.map(DiagnosisWire.init)
        self.splitterDiagnosis = splitterDiagnosis.map(SplitterDiagnosisWire.init)
        self.serviceProgress = serviceProgress.map(ServiceProgressWire.init)
        self.message = message
        self.verdict = verdict?.verdict.rawValue
        reasons = verdict?.reasons
        serviceVerdict = service?.verdict.rawValue
        serviceReason = service.map { ServiceReasonWire(code: $0.failure?.code ?? "pass", message: $0.reason) }
        if let readings, let provenance {
            self.readings = LiveReadingsWire(readings, verdict: verdict, provenance: provenance)
        }
        self.serviceState = serviceState?.rawValue
        serviceMeasurement = service?.measurement.map(ServiceMeasurementWire.init)
    }
}

/// The four powers of a port test as they were read (null: no reading), both attenuations,
/// when, and how: `source` names the driver, `transport` is `snmp` or `cli`. The OLT measures
/// `olt_tx` and `olt_rx`, the ONU `onu_tx` and `onu_rx` (reported through the OLT).
public struct LiveReadingsWire: Codable, Sendable, Hashable {
    public var readAt: Date
    public var source: String
    public var transport: String
    @ExplicitNull public var oltTxDBm: Double?
    @ExplicitNull public var oltRxDBm: Double?
    @ExplicitNull public var onuTxDBm: Double?
    @ExplicitNull public var onuRxDBm: Double?
    @ExplicitNull public var downstreamAttenuationDB: Double?
    @ExplicitNull public var upstreamAttenuationDB: Double?

    enum CodingKeys: String, CodingKey {
        case source, transport
        case readAt = "read_at"
        case oltTxDBm = "olt_tx_dbm", oltRxDBm = "olt_rx_dbm", onuTxDBm = "onu_tx_dbm", onuRxDBm = "onu_rx_dbm"
        case downstreamAttenuationDB = "downstream_attenuation_db", upstreamAttenuationDB = "upstream_attenuation_db"
    }

    /// The readings of a run's read, the attenuations as the verdict computed them.
    public init(_ r: OpticalReadings, verdict: LineVerdict?, provenance: ReadingProvenance) {
        readAt = provenance.readAt
        source = provenance.source
        transport = provenance.transport.rawValue
        oltTxDBm = r.oltTx.value.map { Double(centi: $0.centi) }
        oltRxDBm = r.oltRx.value.map { Double(centi: $0.centi) }
        onuTxDBm = r.onuTx.value.map { Double(centi: $0.centi) }
        onuRxDBm = r.onuRx.value.map { Double(centi: $0.centi) }
        downstreamAttenuationDB = verdict?.downstreamAttenuation.map { Double(centi: $0.centi) }
        upstreamAttenuationDB = verdict?.upstreamAttenuation.map { Double(centi: $0.centi) }
    }
}
