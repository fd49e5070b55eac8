/// One port test as a state machine: each event moves it and returns what the store must carry
/// out with it, in the same transaction (record the activation, give the CVLAN back). The store
/// loads the facts and persists the decisions; the rules live here, once.
public struct PortTest: Sendable, Hashable {
    /// What a move of the test asks the store to do besides writing its new step.
    public enum Action: Sendable, Hashable {
        /// The OLT accepted the test ONU `onuID`: the port is activated.
        case recordActivation(onuID: Int)
        /// The test ended before any test ONU was added: the activation failed.
        case recordActivationFailure
        /// Nothing holds the reserved CVLAN on the OLT: it goes back to the pool.
        case releaseCVLAN
        /// The test ended: its end goes into the port's history.
        case recordEnd
    }

    public private(set) var step: TestRunStep
    public private(set) var onuID: Int?
    /// Whether the port holds an activated test ONU (from this test or an earlier one).
    public private(set) var portActivated: Bool

    /// The machine of `run`, whose port's activation is `activation`.
    public init(run: TestRun, activation: ActivationStatus) {
        step = run.step
        onuID = run.onuID
        portActivated = activation == .activated
    }

    /// Moves the test to `next`, with the ONU id the OLT gave when provisioning succeeded.
    /// Throws ``StoreError/conflict(location:message:)`` when the test has already ended, or when
    /// it would finish without a reading (a result is recorded with the end, by the store's
    /// `finishTestRun`).
    public mutating func advance(to next: TestRunStep, onuID newID: Int?, describing run: String) throws -> [Action] {
        guard step.isActive else {
            throw StoreError.conflict(location: nil, message: "\(run) has ended (\(step.rawValue))")
        }
        guard next != .finished else {
            throw StoreError.conflict(
                location: nil, message: "\(run) finishes with its result, recorded together with its end")
        }
        var actions: [Action] = []
        let ending = next == .failed || next == .cancelled
        if onuID == nil, let newID, !ending {
            // The OLT accepted the test ONU.
            actions.append(.recordActivation(onuID: newID))
            portActivated = true
        }
        if onuID == nil, newID == nil, ending, !portActivated {
            // Nothing was added on the OLT: a failure is a failed activation, and the CVLAN
            // reserved for the attempt is free again either way.
            if next == .failed { actions.append(.recordActivationFailure) }
            actions.append(.releaseCVLAN)
        }
        if !next.isActive { actions.append(.recordEnd) }
        onuID = onuID ?? newID
        step = next
        return actions
    }
}
