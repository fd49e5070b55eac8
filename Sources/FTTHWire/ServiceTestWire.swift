import FTTHCore
import Foundation

// The service test on the wire: what a probe takes (`POST /v1/service-tests/claim`), what it
// posts back (`POST /v1/service-tests/{id}/result`) and what the daemon answers. ftth-probe,
// the daemon, ftthctl and the tests use these types, so the keys are written once.

/// `POST /v1/service-tests/claim` → 200: the service test a probe takes, with all it needs to
/// dial and measure. URLs are paths relative to the daemon's URL the probe was given.
public struct ServiceTestAssignment: Codable, Sendable, Hashable {
    /// The service test's id, for the result URL.
    public var id: Int64
    /// The port test it belongs to (`GET /v1/tests/{run_id}`).
    public var runID: Int64
    public var project: String
    public var splitter: String
    public var port: Int
    /// The PPPoE test account held for this test.
    public var username: String
    public var password: String
    /// PPPoE Service-Name to ask for; empty: any.
    public var serviceName: String
    /// Access concentrator to choose; empty: the first that answers.
    public var acName: String
    /// 802.1Q VLAN id of the session; null: untagged.
    @ExplicitNull public var vlan: Int?
    /// The port's plan rate, Mbit/s.
    public var planMbps: Double
    /// Seconds to measure each direction.
    public var durationS: Int
    /// Each direction passes at this fraction of the plan rate.
    public var minFraction: Double
    /// `host` or `host:port` of an iperf3 server; empty: none.
    public var iperf3Server: String
    /// The daemon's speed-test endpoints: `{speedtest_url}/download?bytes=N`, `/upload`, `/ping`.
    public var speedtestURL: String
    /// Where the result goes (`POST`, with an `Idempotency-Key` header).
    public var resultURL: String

    enum CodingKeys: String, CodingKey {
        case id, project, splitter, port, username, password, vlan
        case runID = "run_id", serviceName = "service_name", acName = "ac_name", planMbps = "plan_mbps"
        case durationS = "duration_s", minFraction = "min_fraction", iperf3Server = "iperf3_server"
        case speedtestURL = "speedtest_url", resultURL = "result_url"
    }

    /// An assignment with every field given.
    public init(
        id: Int64, runID: Int64, project: String, splitter: String, port: Int, username: String, password: String,
        serviceName: String, acName: String, vlan: Int?, planMbps: Double, durationS: Int, minFraction: Double,
        iperf3Server: String, speedtestURL: String, resultURL: String
    ) {
        self.id = id
        self.runID = runID
        self.project = project
        self.splitter = splitter
        self.port = port
        self.username = username
        self.password = password
        self.serviceName = serviceName
        self.acName = acName
        self.vlan = vlan
        self.planMbps = planMbps
        self.durationS = durationS
        self.minFraction = minFraction
        self.iperf3Server = iperf3Server
        self.speedtestURL = speedtestURL
        self.resultURL = resultURL
    }

    /// The claim as the store made it, with the daemon's service settings.
    public init(_ claim: ServiceTestClaim, policy: ServiceTestPolicy) {
        self.init(
            id: claim.test.id, runID: claim.test.runID, project: claim.test.port.projectCode,
            splitter: claim.test.port.splitter, port: claim.test.port.port, username: claim.account.username,
            password: claim.account.password, serviceName: policy.serviceName, acName: policy.acName, vlan: policy.vlan,
            planMbps: claim.test.planMbps, durationS: policy.durationSeconds, minFraction: policy.minFraction,
            iperf3Server: policy.iperf3Server, speedtestURL: "/v1/speedtest",
            resultURL: "/v1/service-tests/\(claim.test.id)/result")
    }
}

/// A failure's code and sentence.
public struct ServiceReasonWire: Codable, Sendable, Hashable {
    /// `auth_rejected`, `no_access_concentrator`, `below_plan_down`, `not_tested`…
    public var code: String
    public var message: String

    /// A reason.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// Milliseconds of each phase of the dial; null for a phase never reached.
public struct ServicePhasesWire: Codable, Sendable, Hashable {
    @ExplicitNull public var padiPadoMs: Int?
    @ExplicitNull public var padrPadsMs: Int?
    @ExplicitNull public var lcpMs: Int?
    @ExplicitNull public var authMs: Int?
    @ExplicitNull public var ipcpMs: Int?
    @ExplicitNull public var totalMs: Int?

    enum CodingKeys: String, CodingKey {
        case padiPadoMs = "padi_pado_ms", padrPadsMs = "padr_pads_ms", lcpMs = "lcp_ms", authMs = "auth_ms"
        case ipcpMs = "ipcp_ms", totalMs = "total_ms"
    }

    /// Phases with their times.
    public init(
        padiPadoMs: Int? = nil, padrPadsMs: Int? = nil, lcpMs: Int? = nil, authMs: Int? = nil, ipcpMs: Int? = nil,
        totalMs: Int? = nil
    ) {
        self.padiPadoMs = padiPadoMs
        self.padrPadsMs = padrPadsMs
        self.lcpMs = lcpMs
        self.authMs = authMs
        self.ipcpMs = ipcpMs
        self.totalMs = totalMs
    }

    /// The phases of a measurement.
    public init(_ phases: ServicePhases) {
        self.init(
            padiPadoMs: phases.padiToPADO, padrPadsMs: phases.padrToPADS, lcpMs: phases.lcp,
            authMs: phases.authentication, ipcpMs: phases.ipcp, totalMs: phases.total)
    }

    /// The phases as the core keeps them.
    public var phases: ServicePhases {
        ServicePhases(
            padiToPADO: padiPadoMs, padrToPADS: padrPadsMs, lcp: lcpMs, authentication: authMs, ipcp: ipcpMs,
            total: totalMs)
    }
}

/// `POST /v1/service-tests/{id}/result` body, and `ftth-probe dial --json`'s output: the dial's
/// result, why it failed, each phase's time, what was negotiated and the throughput each way.
public struct ServiceMeasurementWire: Codable, Sendable, Hashable {
    /// Whether the dial (and the measurement) succeeded: `pass` or `fail`.
    public enum Result: String, Codable, Sendable, Hashable {
        case pass, fail
    }

    public var result: Result
    /// Set when `result` is `fail`.
    @ExplicitNull public var reason: ServiceReasonWire?
    public var phases: ServicePhasesWire
    @ExplicitNull public var ip: String?
    public var dns: [String]
    @ExplicitNull public var mru: Int?
    @ExplicitNull public var mss: Int?
    @ExplicitNull public var downMbps: Double?
    @ExplicitNull public var upMbps: Double?
    @ExplicitNull public var rttMs: Double?
    /// What the throughput was measured against.
    @ExplicitNull public var server: String?
    public var measuredAt: Date

    enum CodingKeys: String, CodingKey {
        case result, reason, phases, ip, dns, mru, mss, server
        case downMbps = "down_mbps", upMbps = "up_mbps", rttMs = "rtt_ms", measuredAt = "measured_at"
    }

    /// A measurement with every field given.
    public init(
        result: Result, reason: ServiceReasonWire? = nil, phases: ServicePhasesWire = ServicePhasesWire(),
        ip: String? = nil, dns: [String] = [], mru: Int? = nil, mss: Int? = nil, downMbps: Double? = nil,
        upMbps: Double? = nil, rttMs: Double? = nil, server: String? = nil, measuredAt: Date
    ) {
        self.result = result
        self.reason = reason
        self.phases = phases
        self.ip = ip
        self.dns = dns
        self.mru = mru
        self.mss = mss
        self.downMbps = downMbps
        self.upMbps = upMbps
        self.rttMs = rttMs
        self.server = server
        self.measuredAt = measuredAt
    }

    /// A core measurement on the wire.
    public init(_ m: ServiceMeasurement) {
        self.init(
            result: m.dialSucceeded ? .pass : .fail,
            reason: m.failureCode.map { ServiceReasonWire(code: $0, message: m.failureMessage ?? "") },
            phases: ServicePhasesWire(m.phases), ip: m.ip, dns: m.dns, mru: m.mru, mss: m.mss, downMbps: m.downMbps,
            upMbps: m.upMbps, rttMs: m.rttMs, server: m.server, measuredAt: m.measuredAt)
    }

    /// The measurement as the core judges it.
    public var measurement: ServiceMeasurement {
        ServiceMeasurement(
            dialSucceeded: result == .pass, failureCode: reason?.code, failureMessage: reason?.message,
            phases: phases.phases, ip: ip, dns: dns, mru: mru, mss: mss, downMbps: downMbps, upMbps: upMbps,
            rttMs: rttMs, server: server, measuredAt: measuredAt)
    }
}

/// A port test's service result: `POST /v1/service-tests/{id}/result`'s answer, and the
/// `service` of a test, its progress events and a port's results.
public struct ServiceResultResponse: Codable, Sendable, Hashable {
    /// The service test's id.
    public var id: Int64
    public var runID: Int64
    /// waiting, claimed or done.
    public var state: String
    /// The PPPoE test account held; null when none was free.
    @ExplicitNull public var username: String?
    /// The probe (its token's name) that took the test.
    @ExplicitNull public var claimedBy: String?
    /// `pass` or `fail` once judged.
    @ExplicitNull public var verdict: String?
    /// Why it failed, or the figures against the plan when it passed.
    @ExplicitNull public var reason: ServiceReasonWire?
    public var planMbps: Double
    @ExplicitNull public var minFraction: Double?
    /// What the probe measured; null when nothing arrived.
    @ExplicitNull public var measurement: ServiceMeasurementWire?

    enum CodingKeys: String, CodingKey {
        case id, state, username, verdict, reason, measurement
        case runID = "run_id", claimedBy = "claimed_by", planMbps = "plan_mbps", minFraction = "min_fraction"
    }

    /// The stored service test.
    public init(_ test: ServiceTest) {
        id = test.id
        runID = test.runID
        state = test.state.rawValue
        username = test.username
        claimedBy = test.claimedBy
        verdict = test.verdict?.verdict.rawValue
        reason = test.verdict.map { ServiceReasonWire(code: $0.failure?.code ?? "pass", message: $0.reason) }
        planMbps = test.planMbps
        minFraction = test.verdict?.minFraction
        measurement = test.verdict?.measurement.map(ServiceMeasurementWire.init)
    }
}

/// `POST /v1/speedtest/upload`: what the server received and how long it took, by its own clock.
public struct SpeedTestUploadResponse: Codable, Sendable, Hashable {
    public var bytes: Int
    public var seconds: Double

    /// An upload's figures.
    public init(bytes: Int, seconds: Double) {
        self.bytes = bytes
        self.seconds = seconds
    }

    /// Megabits per second as the server counted them; nil for an instant upload.
    public var mbps: Double? { seconds > 0 ? Double(bytes) * 8 / seconds / 1_000_000 : nil }
}

/// `POST /v1/service-tests/{id}/progress`: what the probe dialling a service test says before its
/// result, for the crew watching the port (``FTTHCore/ServiceProgress``); also the
/// `service_progress` of a progress event.
///
///     {"stage": "up", "phases": {"padi_pado_ms": 12, "total_ms": 640}, "ip": "100.64.0.7"}
///     {"stage": "down_measured", "phases": {…}, "ip": "100.64.0.7", "down_mbps": 291.4}
public struct ServiceProgressWire: Codable, Sendable, Hashable {
    /// `up` (measuring the download) or `down_measured` (measuring the upload).
    public var stage: String
    public var phases: ServicePhasesWire
    @ExplicitNull public var ip: String?
    @ExplicitNull public var downMbps: Double?

    enum CodingKeys: String, CodingKey {
        case stage, phases, ip
        case downMbps = "down_mbps"
    }

    public init(stage: String, phases: ServicePhasesWire, ip: String? = nil, downMbps: Double? = nil) {
        self.stage = stage
        self.phases = phases
        self.ip = ip
        self.downMbps = downMbps
    }

    public init(_ progress: ServiceProgress) {
        self.init(
            stage: progress.stage.rawValue, phases: ServicePhasesWire(progress.phases), ip: progress.ip,
            downMbps: progress.downMbps)
    }
}
