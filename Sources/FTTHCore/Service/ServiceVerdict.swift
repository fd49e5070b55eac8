import Foundation

/// Why a port's service test failed, in a code a crew's tools can match. A dial failure keeps
/// the probe's own code (``dial(_:)``).
public enum ServiceFailure: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The dial failed; the probe's code (`auth_rejected`, `no_access_concentrator`…).
    case dial(String)
    /// Downstream throughput below the required fraction of the plan rate.
    case belowPlanDown
    /// Upstream throughput below the required fraction of the plan rate.
    case belowPlanUp
    /// No probe reported a result within the wait.
    case notTested
    /// Every test account of the pool is held by another test, or the pool is empty.
    case noTestAccount

    /// The code as the API, the report and ftthctl write it.
    public var code: String {
        switch self {
        case .dial(let code): code
        case .belowPlanDown: "below_plan_down"
        case .belowPlanUp: "below_plan_up"
        case .notTested: "not_tested"
        case .noTestAccount: "no_test_account"
        }
    }

    /// The failure of `code`, as read back from the API or the store.
    public init(code: String) {
        switch code {
        case "below_plan_down": self = .belowPlanDown
        case "below_plan_up": self = .belowPlanUp
        case "not_tested": self = .notTested
        case "no_test_account": self = .noTestAccount
        default: self = .dial(code)
        }
    }

    /// What the crew does about it.
    public var advice: String {
        switch self {
        case .dial:
            "check the test ONT's LAN cable to the probe, the test account and the BRAS, then test the port again"
        case .belowPlanDown, .belowPlanUp:
            "check the drop cable and connectors and that nothing else uses the test ONT, then test the port again"
        case .notTested:
            "start `ftth-probe run` on the probe connected to the test ONT before the wait ends, then test the port again"
        case .noTestAccount:
            "import more PPPoE test accounts (`ftthctl import accounts`) or wait for a running test to end, then test the port again"
        }
    }

    public var description: String { code }
}

/// A port's service result: the verdict, the reason when it failed, and what it was judged on.
public struct ServiceVerdict: Sendable, Hashable, Codable {
    public var verdict: Verdict
    /// Nil when the test passed.
    public var failure: ServiceFailure?
    /// A sentence for the crew: the figures against the plan, or what went wrong and what to do.
    public var reason: String
    /// The probe's measurement; nil when none arrived (not tested, no account).
    public var measurement: ServiceMeasurement?
    public var planMbps: Double
    public var minFraction: Double

    /// A verdict as judged by ``ServiceRule``.
    public init(
        verdict: Verdict, failure: ServiceFailure?, reason: String, measurement: ServiceMeasurement?, planMbps: Double,
        minFraction: Double
    ) {
        self.verdict = verdict
        self.failure = failure
        self.reason = reason
        self.measurement = measurement
        self.planMbps = planMbps
        self.minFraction = minFraction
    }
}

/// The service rule (DESIGN §2 step 4): a port passes only when the dial succeeded and both
/// directions reached `minFraction` of the port's plan rate.
public enum ServiceRule {
    /// Judges `measurement` against `planMbps` × `minFraction`, each direction on its own.
    public static func judge(_ measurement: ServiceMeasurement, planMbps: Double, minFraction: Double)
        -> ServiceVerdict
    {
        precondition(planMbps > 0 && minFraction > 0 && minFraction <= 1, "plan and fraction are validated on input")
        func verdict(_ failure: ServiceFailure?, _ reason: String) -> ServiceVerdict {
            ServiceVerdict(
                verdict: failure == nil ? .pass : .fail, failure: failure, reason: reason, measurement: measurement,
                planMbps: planMbps, minFraction: minFraction)
        }
        guard measurement.dialSucceeded else {
            let failure = ServiceFailure.dial(measurement.failureCode ?? "dial_failed")
            let said = measurement.failureMessage.map { ": \($0)" } ?? ""
            // With an address the session came up and failed later (the line dropped, the speed test
            // could not run); without one the dial itself failed.
            let what = measurement.ip == nil ? "PPPoE dial failed" : "the session came up, then the service test failed"
            return verdict(failure, "\(what) (\(failure.code))\(said); \(failure.advice)")
        }
        let required = planMbps * minFraction
        let needed = "\(mbps(required)) Mbit/s (\(percent(minFraction)) of the \(mbps(planMbps)) Mbit/s plan)"
        guard let down = measurement.downMbps, down >= required else {
            let got = measurement.downMbps.map { "\(mbps($0)) Mbit/s" } ?? "nothing measured"
            return verdict(
                .belowPlanDown, "download \(got), below \(needed); \(ServiceFailure.belowPlanDown.advice)")
        }
        guard let up = measurement.upMbps, up >= required else {
            let got = measurement.upMbps.map { "\(mbps($0)) Mbit/s" } ?? "nothing measured"
            return verdict(.belowPlanUp, "upload \(got), below \(needed); \(ServiceFailure.belowPlanUp.advice)")
        }
        return verdict(nil, "download \(mbps(down)) and upload \(mbps(up)) Mbit/s reach \(needed)")
    }

    /// The verdict when no probe reported within `waited`.
    public static func notTested(waited: Duration, planMbps: Double, minFraction: Double) -> ServiceVerdict {
        let minutes = Int(waited.components.seconds / 60)
        return ServiceVerdict(
            verdict: .fail, failure: .notTested,
            reason: "no probe reported a service result within \(minutes) min; \(ServiceFailure.notTested.advice)",
            measurement: nil, planMbps: planMbps, minFraction: minFraction)
    }

    /// The verdict when no test account was free for the test.
    public static func noTestAccount(planMbps: Double, minFraction: Double) -> ServiceVerdict {
        ServiceVerdict(
            verdict: .fail, failure: .noTestAccount,
            reason: "no PPPoE test account is free; \(ServiceFailure.noTestAccount.advice)", measurement: nil,
            planMbps: planMbps, minFraction: minFraction)
    }

    static func mbps(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    static func percent(_ fraction: Double) -> String { "\(Int((fraction * 100).rounded())) %" }
}
