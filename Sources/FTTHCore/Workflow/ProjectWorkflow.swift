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

    /// What the project's history records beside the event's label: the reason given, or the
    /// counts the completion was judged on.
    public var historyDetail: String {
        switch self {
        case .sendBack(let reason), .retestFailed(let reason): reason
        case .testsCompleted(let p, let f, let u): "\(p) passed, \(f) failed, \(u) untested"
        default: ""
        }
    }

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

/// What a store knows of a project when a rule about it is applied: loaded by the store, judged
/// here, so that every store applies the same rules.
public struct ProjectFacts: Sendable, Hashable {
    public var code: String
    public var workflow: ProjectWorkflow
    /// Ports with a current passing result, a current failing one, and none.
    public var passed: Int
    public var failed: Int
    public var untested: Int
    /// Test runs the project ever had, and ports ever activated.
    public var testRuns: Int
    public var activatedPorts: Int
    /// A test running now, if any.
    public var running: RunningTest?

    /// A test under way: the splitter, the port, the run and its step.
    public struct RunningTest: Sendable, Hashable {
        public var splitter: String
        public var port: Int
        public var runID: Int64
        public var step: TestRunStep

        public init(splitter: String, port: Int, runID: Int64, step: TestRunStep) {
            self.splitter = splitter
            self.port = port
            self.runID = runID
            self.step = step
        }
    }

    public init(
        code: String, workflow: ProjectWorkflow, passed: Int = 0, failed: Int = 0, untested: Int = 0,
        testRuns: Int = 0, activatedPorts: Int = 0, running: RunningTest? = nil
    ) {
        self.code = code
        self.workflow = workflow
        self.passed = passed
        self.failed = failed
        self.untested = untested
        self.testRuns = testRuns
        self.activatedPorts = activatedPorts
        self.running = running
    }
}

extension ProjectWorkflow {
    /// The project event a port test starting brings, if any: the first test of an entered
    /// project (or of one in rework) starts testing. Throws ``StoreError/conflict(location:message:)``
    /// for a project whose ports are not tested: withdrawn, or accepted into inventory.
    public static func testStarting(_ facts: ProjectFacts) throws -> ProjectEvent? {
        switch facts.workflow.state {
        case .withdrawn:
            throw StoreError.conflict(
                location: nil, message: "project \(facts.code) was withdrawn: its ports are not tested")
        case .accepted, .pushed:
            throw StoreError.conflict(
                location: nil,
                message:
                    "project \(facts.code) is \(facts.workflow.state.rawValue): its ports are accepted into inventory and its test ONUs removed; a port that needs checking again is a fault for operations, not an acceptance test"
            )
        case .entered, .rework: return .startTesting
        case .testing, .awaitingReview: return nil
        }
    }

    /// The project event a recorded result of `port` brings, if any. Once every port has a
    /// current result a project under test goes to review (all passed) or rework. A project in
    /// review may have a port tested again (a crew re-checking before the administrator
    /// decides): the review stays open, but a failed result sends the project back to rework.
    public static func resultRecorded(_ facts: ProjectFacts, port: PortKey, verdict: LineVerdict) -> ProjectEvent? {
        resultRecorded(facts, port: port, verdict: verdict.verdict, reasons: verdict.reasons)
    }

    /// The project event a recorded result brings, for any part of a port's test: `verdict` is
    /// that part's (line, or service), `reasons` why it failed.
    public static func resultRecorded(_ facts: ProjectFacts, port: PortKey, verdict: Verdict, reasons: [String])
        -> ProjectEvent?
    {
        switch facts.workflow.state {
        case .awaitingReview where verdict == .fail:
            return .retestFailed(
                detail: "\(port) failed its re-test" + (reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")))
        case .testing where facts.untested == 0:
            return .testsCompleted(passed: facts.passed, failed: facts.failed, untested: 0)
        default:
            return nil
        }
    }

    /// Refuses `event` when the facts forbid it beyond the state machine: approval removes every
    /// test ONU, so it waits for a test under way.
    public static func check(_ event: ProjectEvent, _ facts: ProjectFacts) throws {
        if event == .approve, let running = facts.running {
            throw StoreError.conflict(
                location: nil,
                message:
                    "project \(facts.code): port \(running.port) of splitter \(running.splitter) is being tested (run \(running.runID), \(running.step.rawValue)); wait for its result, or cancel it, then approve"
            )
        }
        if event == .withdraw, facts.testRuns > 0 || facts.activatedPorts > 0 {
            throw StoreError.conflict(
                location: nil,
                message:
                    "project \(facts.code) has been tested (\(facts.testRuns) test run(s), \(facts.activatedPorts) port(s) activated) and is kept as it is; send it back for rework instead"
            )
        }
    }

    /// Refuses a change of whether the project needs the acceptance test once testing began.
    public static func checkAcceptanceRequiredChange(_ facts: ProjectFacts) throws {
        guard facts.workflow.state == .entered else {
            throw StoreError.conflict(
                location: nil,
                message:
                    "project \(facts.code) is \(facts.workflow.state.rawValue): whether it needs the acceptance test can change only before its first test"
            )
        }
    }
}
