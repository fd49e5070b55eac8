/// The outcome of one optical check.
public struct CheckResult: Sendable, Hashable, Codable {
    /// Which limit was checked.
    public enum Check: String, Sendable, Hashable, Codable, CaseIterable {
        case minONURx = "min_onu_rx"
        case maxONURx = "max_onu_rx"
        case minOLTRx = "min_olt_rx"
        case maxDownstreamAttenuation = "max_downstream_attenuation"
        case maxUpstreamAttenuation = "max_upstream_attenuation"
    }

    /// Passed, failed on a value, or could not be judged because a value is missing.
    public enum Outcome: String, Sendable, Hashable, Codable {
        case pass, fail, unjudgeable
    }

    public var check: Check
    public var outcome: Outcome
    /// A sentence with the value and the limit; for a failure, what to try first.
    public var reason: String
    /// Whether the check fails the port (true) or only warns (advisory, false).
    public var binding: Bool

    public init(check: Check, outcome: Outcome, reason: String, binding: Bool = true) {
        self.check = check
        self.outcome = outcome
        self.reason = reason
        self.binding = binding
    }

    enum CodingKeys: String, CodingKey { case check, outcome, reason, binding }

    /// Decodes a check; one recorded before checks could be advisory was binding.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        check = try c.decode(Check.self, forKey: .check)
        outcome = try c.decode(Outcome.self, forKey: .outcome)
        reason = try c.decode(String.self, forKey: .reason)
        binding = try c.decodeIfPresent(Bool.self, forKey: .binding) ?? true
    }
}

/// pass or fail.
public enum Verdict: String, Sendable, Hashable, Codable {
    case pass, fail
}

/// The line-quality verdict of one port test under one profile.
public struct LineVerdict: Sendable, Hashable, Codable {
    /// The profile the readings were judged against.
    public var profile: String
    public var verdict: Verdict
    /// One result per configured check, in a fixed order, binding and advisory alike.
    public var checks: [CheckResult]
    /// Downstream attenuation, when computable.
    public var downstreamAttenuation: Decibels?
    /// Upstream attenuation, when computable.
    public var upstreamAttenuation: Decibels?
    /// The limits and bindings the readings were judged by, so a result read a year later shows
    /// which applied; nil for results recorded before limits were kept with them.
    public var limits: ThresholdProfile?
    /// When the readings could not be judged at all (the test ONU never came online), the one
    /// sentence a crew needs instead of one "no reading" per check.
    public var headline: String?

    public init(
        profile: String, verdict: Verdict, checks: [CheckResult], downstreamAttenuation: Decibels?,
        upstreamAttenuation: Decibels?, limits: ThresholdProfile? = nil, headline: String? = nil
    ) {
        self.profile = profile
        self.verdict = verdict
        self.checks = checks
        self.downstreamAttenuation = downstreamAttenuation
        self.upstreamAttenuation = upstreamAttenuation
        self.limits = limits
        self.headline = headline
    }

    /// Why the port failed, for a crew: the headline when there is one, else one sentence per
    /// binding check that failed or could not be judged; empty when the port passes.
    public var reasons: [String] {
        if let headline, verdict == .fail { return [headline] }
        return checks.filter { $0.binding && $0.outcome != .pass }.map(\.reason)
    }

    /// Advisory checks that failed or could not be judged: shown apart, never a failure.
    public var warnings: [String] {
        if headline != nil { return [] }
        return checks.filter { !$0.binding && $0.outcome != .pass }.map(\.reason)
    }

    /// One line for logs, the run's outcome and ftthctl: `line pass (build)`, with the
    /// failures and then the warnings.
    public var summary: String {
        var text = "line \(verdict.rawValue) (\(profile))"
        if !reasons.isEmpty { text += ": " + reasons.joined(separator: "; ") }
        if !warnings.isEmpty { text += "; warning: " + warnings.joined(separator: "; ") }
        return text
    }
}

/// Where a port test's readings come from, for the sentences a crew reads.
public struct JudgedPort: Sendable, Hashable {
    public var port: PortKey
    /// The test ONT's serial, when the crew gave one.
    public var serial: ONUSerial?

    public init(port: PortKey, serial: ONUSerial?) {
        self.port = port
        self.serial = serial
    }
}

extension ThresholdProfile {
    /// What a crew should try first when light is missing: dirty connectors are the usual cause.
    static let lowLightHint = "clean and re-inspect the connectors, then check splices and bends"

    /// Judges `readings` against this profile. A missing value fails every binding check that
    /// needs it (and warns for an advisory one), with a reason that says which value is missing
    /// and why. When the ONU was offline, so that nothing can be judged, the verdict carries one
    /// headline for the crew, naming `port`'s test ONT and what to try first.
    public func evaluate(_ readings: OpticalReadings, for port: JudgedPort? = nil) -> LineVerdict {
        var checks: [CheckResult] = []
        let down = readings.downstreamAttenuation
        let up = readings.upstreamAttenuation

        func judge(
            _ check: CheckResult.Check, _ value: (some Any)?,
            missing: (what: String, reading: PowerReading), within: Bool, pass: String, fail: String,
            limit: String
        ) {
            let binding = binds(check)
            guard value != nil else {
                let why: String
                if case .noReading(let n) = missing.reading { why = n.description } else { why = "no reading" }
                checks.append(
                    CheckResult(
                        check: check, outcome: .unjudgeable,
                        reason: "\(missing.what): \(why); cannot judge against \(limit)", binding: binding))
                return
            }
            checks.append(
                CheckResult(
                    check: check, outcome: within ? .pass : .fail, reason: within ? pass : fail, binding: binding))
        }

        if let limit = minONURx {
            let rx = readings.onuRx.value
            judge(
                .minONURx, rx, missing: ("ONU rx", readings.onuRx), within: rx.map { $0 >= limit } ?? false,
                pass: "ONU rx \(rx.map(\.description) ?? "") at or above \(name) limit \(limit)",
                fail: rx.map { "ONU rx \($0) below \(name) limit \(limit) by \(limit - $0); \(Self.lowLightHint)" }
                    ?? "",
                limit: "\(name) limit \(limit)")
        }
        if let limit = maxONURx {
            let rx = readings.onuRx.value
            judge(
                .maxONURx, rx, missing: ("ONU rx", readings.onuRx), within: rx.map { $0 <= limit } ?? false,
                pass: "ONU rx \(rx.map(\.description) ?? "") at or below overload limit \(limit)",
                fail: rx.map {
                    "ONU rx \($0) above overload limit \(limit) by \($0 - limit); the receiver is overloaded: check for a missing splitter stage or add an attenuator"
                } ?? "",
                limit: "overload limit \(limit)")
        }
        if let limit = minOLTRx {
            let rx = readings.oltRx.value
            judge(
                .minOLTRx, rx, missing: ("OLT rx", readings.oltRx), within: rx.map { $0 >= limit } ?? false,
                pass: "OLT rx \(rx.map(\.description) ?? "") at or above \(name) limit \(limit)",
                fail: rx.map { "OLT rx \($0) below \(name) limit \(limit) by \(limit - $0); \(Self.lowLightHint)" }
                    ?? "",
                limit: "\(name) limit \(limit)")
        }
        if let limit = maxDownstreamAttenuation {
            let which = readings.oltTx.value == nil ? ("OLT tx", readings.oltTx) : ("ONU rx", readings.onuRx)
            judge(
                .maxDownstreamAttenuation, down,
                missing: ("downstream attenuation not computable, \(which.0)", which.1),
                within: down.map { $0 <= limit } ?? false,
                pass: "downstream attenuation \(down.map(\.description) ?? "") within \(name) budget \(limit)",
                fail: down.map {
                    "downstream attenuation \($0) exceeds \(name) budget \(limit) by \($0 - limit); \(Self.lowLightHint)"
                } ?? "",
                limit: "\(name) budget \(limit)")
        }
        if let limit = maxUpstreamAttenuation {
            let which = readings.onuTx.value == nil ? ("ONU tx", readings.onuTx) : ("OLT rx", readings.oltRx)
            judge(
                .maxUpstreamAttenuation, up,
                missing: ("upstream attenuation not computable, \(which.0)", which.1),
                within: up.map { $0 <= limit } ?? false,
                pass: "upstream attenuation \(up.map(\.description) ?? "") within \(name) budget \(limit)",
                fail: up.map {
                    "upstream attenuation \($0) exceeds \(name) budget \(limit) by \($0 - limit); \(Self.lowLightHint)"
                } ?? "",
                limit: "\(name) budget \(limit)")
        }
        let verdict: Verdict = checks.allSatisfy { !$0.binding || $0.outcome == .pass } ? .pass : .fail
        var headline: String?
        if verdict == .fail, readings.onuOffline {
            headline = Self.offlineHeadline(port)
        }
        return LineVerdict(
            profile: name, verdict: verdict, checks: checks, downstreamAttenuation: down, upstreamAttenuation: up,
            limits: self, headline: headline)
    }

    /// The one reason of a port whose test ONU never came online: nothing was measured, so
    /// the crew is told what to check first rather than five "no reading" lines.
    static func offlineHeadline(_ port: JudgedPort?) -> String {
        let ont = port?.serial.map { "test ONT \($0)" } ?? "the test ONT"
        let place = port.map { "splitter \($0.port.splitter) port \($0.port.port)" } ?? "the splitter port"
        return
            "no readings: the test ONU never came online; check that \(ont) is powered and plugged into \(place), that its serial matches the one given, then clean the connectors"
    }
}

extension OpticalReadings {
    /// Whether the ONU was offline when read: its own powers are missing for that reason.
    public var onuOffline: Bool {
        for reading in [onuRx, onuTx] {
            if case .noReading(let n) = reading, n.cause == .onuOffline { return true }
        }
        return false
    }
}
