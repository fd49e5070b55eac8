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
    /// One result per configured check, in a fixed order.
    public var checks: [CheckResult]
    /// Downstream attenuation, when computable.
    public var downstreamAttenuation: Decibels?
    /// Upstream attenuation, when computable.
    public var upstreamAttenuation: Decibels?

    /// One sentence per failed or unjudgeable check; empty when the port passes.
    public var reasons: [String] { checks.filter { $0.outcome != .pass }.map(\.reason) }
}

extension ThresholdProfile {
    /// What a crew should try first when light is missing: dirty connectors are the usual cause.
    static let lowLightHint = "clean and re-inspect the connectors, then check splices and bends"

    /// Judges `readings` against this profile. A missing value fails every check that needs it,
    /// with a reason that says which value is missing and why.
    public func evaluate(_ readings: OpticalReadings) -> LineVerdict {
        var checks: [CheckResult] = []
        let down = readings.downstreamAttenuation
        let up = readings.upstreamAttenuation

        func missing(_ check: CheckResult.Check, _ what: String, _ reading: PowerReading, against limit: String)
            -> CheckResult
        {
            let why: String
            if case .noReading(let n) = reading { why = n.description } else { why = "no reading" }
            return CheckResult(
                check: check, outcome: .unjudgeable, reason: "\(what): \(why); cannot judge against \(limit)")
        }

        if let limit = minONURx {
            if let rx = readings.onuRx.value {
                checks.append(
                    rx >= limit
                        ? CheckResult(
                            check: .minONURx, outcome: .pass,
                            reason: "ONU rx \(rx) at or above \(name) limit \(limit)")
                        : CheckResult(
                            check: .minONURx, outcome: .fail,
                            reason: "ONU rx \(rx) below \(name) limit \(limit) by \(limit - rx); \(Self.lowLightHint)"
                        ))
            } else {
                checks.append(missing(.minONURx, "ONU rx", readings.onuRx, against: "\(name) limit \(limit)"))
            }
        }
        if let limit = maxONURx {
            if let rx = readings.onuRx.value {
                checks.append(
                    rx <= limit
                        ? CheckResult(
                            check: .maxONURx, outcome: .pass,
                            reason: "ONU rx \(rx) at or below overload limit \(limit)")
                        : CheckResult(
                            check: .maxONURx, outcome: .fail,
                            reason:
                                "ONU rx \(rx) above overload limit \(limit) by \(rx - limit); the receiver is overloaded: check for a missing splitter stage or add an attenuator"
                        ))
            } else {
                checks.append(missing(.maxONURx, "ONU rx", readings.onuRx, against: "overload limit \(limit)"))
            }
        }
        if let limit = minOLTRx {
            if let rx = readings.oltRx.value {
                checks.append(
                    rx >= limit
                        ? CheckResult(
                            check: .minOLTRx, outcome: .pass,
                            reason: "OLT rx \(rx) at or above \(name) limit \(limit)")
                        : CheckResult(
                            check: .minOLTRx, outcome: .fail,
                            reason: "OLT rx \(rx) below \(name) limit \(limit) by \(limit - rx); \(Self.lowLightHint)"))
            } else {
                checks.append(missing(.minOLTRx, "OLT rx", readings.oltRx, against: "\(name) limit \(limit)"))
            }
        }
        if let limit = maxDownstreamAttenuation {
            if let d = down {
                checks.append(
                    d <= limit
                        ? CheckResult(
                            check: .maxDownstreamAttenuation, outcome: .pass,
                            reason: "downstream attenuation \(d) within \(name) budget \(limit)")
                        : CheckResult(
                            check: .maxDownstreamAttenuation, outcome: .fail,
                            reason:
                                "downstream attenuation \(d) exceeds \(name) budget \(limit) by \(d - limit); \(Self.lowLightHint)"
                        ))
            } else {
                let which = readings.oltTx.value == nil ? ("OLT tx", readings.oltTx) : ("ONU rx", readings.onuRx)
                checks.append(
                    missing(
                        .maxDownstreamAttenuation, "downstream attenuation not computable, \(which.0)", which.1,
                        against: "\(name) budget \(limit)"))
            }
        }
        if let limit = maxUpstreamAttenuation {
            if let u = up {
                checks.append(
                    u <= limit
                        ? CheckResult(
                            check: .maxUpstreamAttenuation, outcome: .pass,
                            reason: "upstream attenuation \(u) within \(name) budget \(limit)")
                        : CheckResult(
                            check: .maxUpstreamAttenuation, outcome: .fail,
                            reason:
                                "upstream attenuation \(u) exceeds \(name) budget \(limit) by \(u - limit); \(Self.lowLightHint)"
                        ))
            } else {
                let which = readings.onuTx.value == nil ? ("ONU tx", readings.onuTx) : ("OLT rx", readings.oltRx)
                checks.append(
                    missing(
                        .maxUpstreamAttenuation, "upstream attenuation not computable, \(which.0)", which.1,
                        against: "\(name) budget \(limit)"))
            }
        }
        let verdict: Verdict = checks.allSatisfy { $0.outcome == .pass } ? .pass : .fail
        return LineVerdict(
            profile: name, verdict: verdict, checks: checks, downstreamAttenuation: down,
            upstreamAttenuation: up)
    }
}
