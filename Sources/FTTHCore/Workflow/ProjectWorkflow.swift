/// Where a project stands in the acceptance process (DESIGN §2).
public enum ProjectState: String, Sendable, Hashable, Codable, CaseIterable {
    /// 工程资料录入: entered by the resource system, nothing tested yet.
    case entered
    /// Activation and tests under way.
    case testing
    /// Every port passed; a resource administrator reviews.
    case awaitingReview = "awaiting_review"
    /// Sent back to the builder; ports are reworked and re-tested.
    case rework
    /// Approved: test ONUs are being removed and ports pushed to account opening.
    case accepted
    /// Every accepted port was acknowledged by the account-opening system.
    case pushed
    /// Entered by mistake and withdrawn before any test; kept with its history.
    case withdrawn
}

/// An event in a project's life.
public enum ProjectEvent: Sendable, Hashable, Codable {
    /// Start (or, after rework, restart) activation and tests.
    case startTesting
    /// All ports have a result: with any failure the project goes to rework, else to review.
    case testsCompleted(passed: Int, failed: Int, untested: Int)
    /// A project that needs no acceptance test goes straight to review.
    case submitWithoutTest
    /// An administrator approves.
    case approve
    /// An administrator sends it back for rework, with a reason.
    case sendBack(reason: String)
    /// The account-opening system acknowledged every pushed port.
    case pushAcknowledged
    /// Withdraw a project entered by mistake, before any test.
    case withdraw
    /// A port of a project in review was tested again and failed: the project cannot be
    /// approved as it stands and goes back to rework. `detail` names the port and the reasons.
    case retestFailed(detail: String)

    public var label: String {
        switch self {
        case .startTesting: "start testing"
        case .testsCompleted: "tests completed"
        case .submitWithoutTest: "submit without test"
        case .approve: "approve"
        case .sendBack: "send back"
        case .pushAcknowledged: "push acknowledged"
        case .withdraw: "withdraw"
        case .retestFailed: "re-test failed"
        }
    }
}

/// The workflow of a project, with the rework loop.
public struct ProjectWorkflow: Sendable, Hashable, Codable {
    public private(set) var state: ProjectState
    public let acceptanceRequired: Bool

    public init(state: ProjectState = .entered, acceptanceRequired: Bool) {
        self.state = state
        self.acceptanceRequired = acceptanceRequired
    }

    /// Applies `event`, or throws ``IllegalTransition`` with the reason and leaves the state as it was.
    public mutating func apply(_ event: ProjectEvent) throws {
        func refuse(_ reason: String) -> IllegalTransition {
            IllegalTransition(from: state.rawValue, event: event.label, reason: reason)
        }
        switch (state, event) {
        case (.entered, .startTesting), (.rework, .startTesting):
            state = .testing
        case (.entered, .submitWithoutTest):
            guard !acceptanceRequired else {
                throw refuse("this project requires an acceptance test of every splitter port")
            }
            state = .awaitingReview
        case (.testing, .testsCompleted(let passed, let failed, let untested)):
            precondition(passed >= 0 && failed >= 0 && untested >= 0, "port counts cannot be negative")
            guard untested == 0 else { throw refuse("\(untested) port(s) have no result yet") }
            guard passed + failed > 0 else { throw refuse("the project has no ports to judge") }
            state = failed > 0 ? .rework : .awaitingReview
        case (.awaitingReview, .approve):
            state = .accepted
        case (.awaitingReview, .sendBack(let reason)), (.testing, .sendBack(let reason)):
            guard !reason.trimmingWhitespace().isEmpty else {
                throw refuse("a send-back needs a reason the builder can act on")
            }
            state = .rework
        case (.awaitingReview, .retestFailed):
            state = .rework
        case (.accepted, .pushAcknowledged):
            state = .pushed
        case (.entered, .withdraw):
            state = .withdrawn
        case (.pushed, _):
            throw refuse("the project is finished and its ports are in inventory")
        case (.withdrawn, _):
            throw refuse("the project was withdrawn; import it under a new code to enter it again")
        case (_, .withdraw):
            throw refuse("only a project nothing was tested on can be withdrawn; send it back for rework instead")
        case (_, .approve):
            throw refuse("only a project whose ports all passed can be approved")
        case (_, .pushAcknowledged):
            throw refuse("only an accepted project is pushed")
        case (_, .startTesting):
            throw refuse("tests start from 'entered' or 'rework'")
        case (_, .testsCompleted):
            throw refuse("the project is not being tested")
        case (_, .submitWithoutTest):
            throw refuse("only a newly entered project can skip the test")
        case (_, .sendBack):
            throw refuse("only a project under test or in review can be sent back")
        case (_, .retestFailed):
            throw refuse("only a project in review goes back to rework on a failed re-test")
        }
    }
}
