/// Activation status of a port's test ONU, as the activation list shows it.
public enum ActivationStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case notActivated = "not_activated"
    case activated
    case activationFailed = "activation_failed"
    case deactivated
}

/// Whether the port has a current test result.
public enum TestStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case done
    case notDone = "not_done"
}

/// A port's verdicts: line quality, service (PPPoE and throughput), and overall.
public struct PortVerdict: Sendable, Hashable, Codable {
    public var line: Verdict?
    public var service: Verdict?
    /// Whether the port's project needs a service test (imported `service_test`).
    public var serviceRequired: Bool

    /// `serviceRequired` false: the line verdict alone is the port's verdict.
    public init(line: Verdict? = nil, service: Verdict? = nil, serviceRequired: Bool = true) {
        self.line = line
        self.service = service
        self.serviceRequired = serviceRequired
    }

    /// The operator's report: overall = line ∧ service when the project needs a service test
    /// (fail as soon as either part fails, pass only when both passed, nil while incomplete);
    /// overall = line when it does not. Decided here, once.
    public var overall: Verdict? {
        guard serviceRequired else { return line }
        if line == .fail || service == .fail { return .fail }
        if line == .pass && service == .pass { return .pass }
        return nil
    }

    enum CodingKeys: String, CodingKey { case line, service, serviceRequired }

    /// Reads a verdict; one written before service tests existed needs both parts.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        line = try c.decodeIfPresent(Verdict.self, forKey: .line)
        service = try c.decodeIfPresent(Verdict.self, forKey: .service)
        serviceRequired = try c.decodeIfPresent(Bool.self, forKey: .serviceRequired) ?? true
    }
}

/// An event in a splitter port's life (DESIGN §2, steps 2–5).
public enum PortEvent: Sendable, Hashable, Codable {
    /// The test ONU was provisioned on the OLT.
    case activationSucceeded
    /// Provisioning failed; the port may be activated again.
    case activationFailed
    /// A line-quality result was recorded.
    case lineResult(Verdict)
    /// A service-test result was recorded.
    case serviceResult(Verdict)
    /// The builder reports the port reworked; the current result no longer stands.
    case reworkReported
    /// The test ONU was removed from the OLT.
    case deactivated

    public var label: String {
        switch self {
        case .activationSucceeded: "activation succeeded"
        case .activationFailed: "activation failed"
        case .lineResult(let v): "line result \(v.rawValue)"
        case .serviceResult(let v): "service result \(v.rawValue)"
        case .reworkReported: "rework reported"
        case .deactivated: "deactivated"
        }
    }
}

/// A transition that the workflow does not allow, with the reason in words.
public struct IllegalTransition: Error, Sendable, Hashable, CustomStringConvertible {
    public var from: String
    public var event: String
    public var reason: String

    public var code: String { "workflow.illegal_transition" }
    public var description: String { "cannot apply '\(event)' in state '\(from)': \(reason)" }
}

/// The workflow of one splitter port: activation, test, rework loop, deactivation.
/// A value type; `apply` either moves it or throws ``IllegalTransition`` and leaves it unchanged.
public struct PortWorkflow: Sendable, Hashable, Codable {
    public private(set) var activation: ActivationStatus
    public private(set) var verdict: PortVerdict
    /// Set by a rework report until the port is tested again.
    public private(set) var awaitingRetest: Bool

    public init(
        activation: ActivationStatus = .notActivated, verdict: PortVerdict = PortVerdict(),
        awaitingRetest: Bool = false
    ) {
        self.activation = activation
        self.verdict = verdict
        self.awaitingRetest = awaitingRetest
    }

    /// Done once there is a line result that no rework report has voided.
    public var testStatus: TestStatus { verdict.line != nil && !awaitingRetest ? .done : .notDone }

    private mutating func startNewRound() {
        verdict = PortVerdict(serviceRequired: verdict.serviceRequired)
        awaitingRetest = false
    }

    /// Applies `event`, or throws ``IllegalTransition`` with the reason.
    public mutating func apply(_ event: PortEvent) throws {
        func refuse(_ reason: String) -> IllegalTransition {
            IllegalTransition(from: activation.rawValue, event: event.label, reason: reason)
        }
        switch event {
        case .activationSucceeded:
            // Re-provisioning an activated port is idempotent; after deactivation it starts a new round.
            if activation == .deactivated { startNewRound() }
            activation = .activated
        case .activationFailed:
            guard activation != .activated else {
                throw refuse("the test ONU is already provisioned; deactivate it first")
            }
            // A failed attempt after deactivation also begins a new round: the old result is history.
            if activation == .deactivated { startNewRound() }
            activation = .activationFailed
        case .lineResult(let v):
            guard activation == .activated else {
                throw refuse("no test ONU is provisioned for this port: activate it first")
            }
            verdict.line = v
            awaitingRetest = false
        case .serviceResult(let v):
            guard activation == .activated else {
                throw refuse("no test ONU is provisioned for this port: activate it first")
            }
            verdict.service = v
        case .reworkReported:
            guard !(verdict.line == .pass && verdict.service != .fail) else {
                throw refuse("the port passed; there is nothing to rework")
            }
            guard activation != .notActivated else {
                throw refuse("the port was never activated or tested")
            }
            awaitingRetest = true
            verdict = PortVerdict(serviceRequired: verdict.serviceRequired)
        case .deactivated:
            guard activation != .notActivated else {
                throw refuse("no test ONU was ever provisioned for this port")
            }
            activation = .deactivated
        }
    }
}
