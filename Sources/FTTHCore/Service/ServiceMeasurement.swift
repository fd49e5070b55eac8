import Foundation

/// The milliseconds each phase of a PPPoE dial took; nil for a phase the dial never reached.
public struct ServicePhases: Sendable, Hashable, Codable {
    public var padiToPADO: Int?
    public var padrToPADS: Int?
    public var lcp: Int?
    public var authentication: Int?
    public var ipcp: Int?
    public var total: Int?

    /// Phases with the times the probe measured.
    public init(
        padiToPADO: Int? = nil, padrToPADS: Int? = nil, lcp: Int? = nil, authentication: Int? = nil, ipcp: Int? = nil,
        total: Int? = nil
    ) {
        self.padiToPADO = padiToPADO
        self.padrToPADS = padrToPADS
        self.lcp = lcp
        self.authentication = authentication
        self.ipcp = ipcp
        self.total = total
    }
}

/// What a probe measured on one port: the dial (did it succeed, and if not, why, in the probe's
/// own code and words), each phase's time, what the session negotiated, and the throughput.
public struct ServiceMeasurement: Sendable, Hashable, Codable {
    /// Whether the PPPoE dial reached an IP address (and the throughput run completed).
    public var dialSucceeded: Bool
    /// The probe's failure code (`no_access_concentrator`, `auth_rejected`…) when the dial failed.
    public var failureCode: String?
    /// The probe's sentence for the failure, with the server's own words when it gave any.
    public var failureMessage: String?
    public var phases: ServicePhases
    public var ip: String?
    public var dns: [String]
    public var mru: Int?
    public var mss: Int?
    /// Megabits per second received on the downloading side.
    public var downMbps: Double?
    /// Megabits per second received on the uploading side (the server's count).
    public var upMbps: Double?
    public var rttMs: Double?
    /// What the throughput was measured against (`iperf3 10.0.0.1`, the daemon's URL).
    public var server: String?
    public var measuredAt: Date

    /// A measurement as a probe reports it.
    public init(
        dialSucceeded: Bool, failureCode: String? = nil, failureMessage: String? = nil,
        phases: ServicePhases = ServicePhases(), ip: String? = nil, dns: [String] = [], mru: Int? = nil,
        mss: Int? = nil, downMbps: Double? = nil, upMbps: Double? = nil, rttMs: Double? = nil, server: String? = nil,
        measuredAt: Date
    ) {
        self.dialSucceeded = dialSucceeded
        self.failureCode = failureCode
        self.failureMessage = failureMessage
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
}

/// What a probe says while its service test runs, before its result: the session came up (the
/// phases it took, the address it got), then the download was measured. Shown live to the crew
/// watching the port; never stored or judged: the result the probe posts at the end is.
public struct ServiceProgress: Sendable, Hashable, Codable {
    public enum Stage: String, Sendable, Hashable, Codable, CaseIterable {
        /// The session is up (discovery, LCP, authentication, IPCP done); measuring the download.
        case up
        /// The download is measured; measuring the upload.
        case downMeasured = "down_measured"
    }

    public var stage: Stage
    public var phases: ServicePhases
    /// The address the session got.
    public var ip: String?
    /// Once measured, Mbit/s.
    public var downMbps: Double?

    public init(stage: Stage, phases: ServicePhases, ip: String? = nil, downMbps: Double? = nil) {
        self.stage = stage
        self.phases = phases
        self.ip = ip
        self.downMbps = downMbps
    }
}
