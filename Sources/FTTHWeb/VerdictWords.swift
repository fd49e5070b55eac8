import FTTHCore
import Foundation

/// A line verdict in the words of the person reading it, in their language: the failures, the
/// warnings apart, and the one headline when nothing could be measured. Built from what the
/// verdict recorded (which check, its outcome, the limit that applied) and the readings, not by
/// judging again: FTTHCore decided, this only says it. FTTHCore's English sentences stay for
/// logs, the API and ftthctl; a result recorded before limits were kept with it falls back to
/// them.
struct VerdictWords {
    var headline: String?
    var reasons: [String]
    var warnings: [String]

    init(
        _ verdict: LineVerdict, readings: OpticalReadings, port: PortKey, serial: ONUSerial?, strings: WebStrings,
        language: WebLanguage
    ) {
        func s(_ key: String) -> String { strings.string(key, language) }
        func fill(_ key: String, _ values: [String: String]) -> String {
            values.reduce(s(key)) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
        }
        if verdict.verdict == .fail, verdict.headline != nil {
            let ont = serial.map { fill("why_offline_ont", ["serial": $0.description]) } ?? s("why_offline_any_ont")
            headline = fill("why_offline", ["ont": ont, "splitter": port.splitter, "port": "\(port.port)"])
            reasons = [headline!]
            warnings = []
            return
        }
        headline = nil
        let profile = strings.table[language]?["why_profile_\(verdict.profile)"] ?? verdict.profile
        var reasons: [String] = []
        var warnings: [String] = []
        for check in verdict.checks where check.outcome != .pass {
            let sentence =
                verdict.limits.flatMap {
                    Self.sentence(
                        check, limits: $0, verdict: verdict, readings: readings, profile: profile, s: s, fill: fill)
                } ?? check.reason
            if check.binding { reasons.append(sentence) } else { warnings.append(sentence) }
        }
        self.reasons = reasons
        self.warnings = warnings
    }

    /// One check that did not pass, with its value, the limit and what to try first.
    static func sentence(
        _ check: CheckResult, limits: ThresholdProfile, verdict: LineVerdict, readings: OpticalReadings,
        profile: String,
        s: (String) -> String, fill: (String, [String: String]) -> String
    ) -> String? {
        /// The value checked, the reading it came from (for "no reading"), and the limit.
        let value: String?
        let missing: (name: String, reading: PowerReading)
        let limit: String?
        let by: String?
        switch check.check {
        case .minONURx:
            let rx = readings.onuRx.value
            (value, missing, limit) = (rx?.description, ("onu_rx", readings.onuRx), limits.minONURx?.description)
            by = difference(limits.minONURx, rx)
        case .maxONURx:
            let rx = readings.onuRx.value
            (value, missing, limit) = (rx?.description, ("onu_rx", readings.onuRx), limits.maxONURx?.description)
            by = difference(rx, limits.maxONURx)
        case .minOLTRx:
            let rx = readings.oltRx.value
            (value, missing, limit) = (rx?.description, ("olt_rx", readings.oltRx), limits.minOLTRx?.description)
            by = difference(limits.minOLTRx, rx)
        case .maxDownstreamAttenuation:
            let down = verdict.downstreamAttenuation
            value = down?.description
            missing = readings.oltTx.value == nil ? ("olt_tx", readings.oltTx) : ("onu_rx", readings.onuRx)
            limit = limits.maxDownstreamAttenuation?.description
            by = difference(down, limits.maxDownstreamAttenuation)
        case .maxUpstreamAttenuation:
            let up = verdict.upstreamAttenuation
            value = up?.description
            missing = readings.onuTx.value == nil ? ("onu_tx", readings.onuTx) : ("olt_rx", readings.oltRx)
            limit = limits.maxUpstreamAttenuation?.description
            by = difference(up, limits.maxUpstreamAttenuation)
        }
        guard let limit else { return nil }
        switch check.outcome {
        case .pass:
            return nil
        case .unjudgeable:
            var why = s("why_cause_absent")
            if case .noReading(let n) = missing.reading { why = s("why_cause_\(n.cause.rawValue)") }
            let what = s("why_check_\(check.check.rawValue)")
            return fill("why_unjudgeable", ["what": what, "reading": s(missing.name), "why": why])
        case .fail:
            guard let value, let by else { return nil }
            var sentence = fill(
                "why_fail_\(check.check.rawValue)", ["value": value, "limit": limit, "by": by, "profile": profile])
            if check.check != .maxONURx { sentence += " " + s("why_low_light_hint") }
            return sentence
        }
    }
}

/// How far `a` is above `b`, when both are known.
private func difference(_ a: DBm?, _ b: DBm?) -> String? {
    guard let a, let b else { return nil }
    return (a - b).description
}

private func difference(_ a: Decibels?, _ b: Decibels?) -> String? {
    guard let a, let b else { return nil }
    return (a - b).description
}
