import FTTHCore
import PropertyBased
import Testing

/// The project workflow with its rework loop (DESIGN §2 step 5).
@Suite("Project workflow")
struct ProjectWorkflowTests {
    static let events: [ProjectEvent] = [
        .startTesting, .testsCompleted(passed: 3, failed: 0, untested: 0),
        .testsCompleted(passed: 2, failed: 1, untested: 0),
        .submitWithoutTest, .approve, .sendBack(reason: "connector dirty on FTTH-A-01"), .pushAcknowledged, .withdraw,
        .retestFailed(detail: "P1 / SP-A / port 3 failed its re-test: ONU rx -21.40 dBm below build limit"),
    ]

    /// The transitions DESIGN §2 allows, written independently of the implementation.
    static func expectedTarget(_ state: ProjectState, _ event: ProjectEvent, acceptanceRequired: Bool) -> ProjectState?
    {
        switch (state, event) {
        case (.entered, .startTesting), (.rework, .startTesting): .testing
        case (.entered, .submitWithoutTest): acceptanceRequired ? nil : .awaitingReview
        case (.testing, .testsCompleted(_, let failed, _)): failed > 0 ? .rework : .awaitingReview
        case (.awaitingReview, .approve): .accepted
        case (.awaitingReview, .sendBack), (.testing, .sendBack): .rework
        case (.accepted, .pushAcknowledged): .pushed
        case (.entered, .withdraw): .withdrawn
        case (.awaitingReview, .retestFailed): .rework
        default: nil
        }
    }

    @Test(
        "every state and event: legal ones move, the others throw and change nothing", arguments: ProjectState.allCases,
        events)
    func matrix(state: ProjectState, event: ProjectEvent) {
        for required in [true, false] {
            var w = ProjectWorkflow(state: state, acceptanceRequired: required)
            if let target = Self.expectedTarget(state, event, acceptanceRequired: required) {
                #expect(throws: Never.self) { try w.apply(event) }
                #expect(w.state == target)
            } else {
                let error = #expect(throws: IllegalTransition.self) { try w.apply(event) }
                #expect(w.state == state)
                #expect(w.acceptanceRequired == required)
                #expect(error?.from == state.rawValue)
                #expect(error?.event == event.label)
                #expect(error?.reason.isEmpty == false)
            }
        }
    }

    @Test("the whole life of a project, through rework twice")
    func fullLife() throws {
        var w = ProjectWorkflow(acceptanceRequired: true)
        #expect(w.state == .entered)
        try w.apply(.startTesting)
        try w.apply(.testsCompleted(passed: 14, failed: 2, untested: 0))
        #expect(w.state == .rework)
        try w.apply(.startTesting)
        try w.apply(.testsCompleted(passed: 16, failed: 0, untested: 0))
        #expect(w.state == .awaitingReview)
        try w.apply(.sendBack(reason: "photos missing for FTTH-A-02"))
        #expect(w.state == .rework)
        try w.apply(.startTesting)
        try w.apply(.testsCompleted(passed: 16, failed: 0, untested: 0))
        try w.apply(.approve)
        #expect(w.state == .accepted)
        try w.apply(.pushAcknowledged)
        #expect(w.state == .pushed)
        for event in Self.events {
            let error = #expect(throws: IllegalTransition.self) { try w.apply(event) }
            #expect(error?.reason == "the project is finished and its ports are in inventory")
            #expect(w.state == .pushed)
        }
    }

    @Test("a project that needs the test cannot skip it; one that does not goes straight to review")
    func submitWithoutTest() throws {
        var required = ProjectWorkflow(acceptanceRequired: true)
        let error = #expect(throws: IllegalTransition.self) { try required.apply(.submitWithoutTest) }
        #expect(error?.reason.contains("requires an acceptance test") == true)
        #expect(required.state == .entered)

        var optional = ProjectWorkflow(acceptanceRequired: false)
        try optional.apply(.submitWithoutTest)
        #expect(optional.state == .awaitingReview)
    }

    @Test("tests are complete only when every port has a result and there is at least one")
    func incompleteTests() {
        var w = ProjectWorkflow(state: .testing, acceptanceRequired: true)
        var error = #expect(throws: IllegalTransition.self) {
            try w.apply(.testsCompleted(passed: 10, failed: 0, untested: 2))
        }
        #expect(error?.reason == "2 port(s) have no result yet")
        #expect(w.state == .testing)
        error = #expect(throws: IllegalTransition.self) {
            try w.apply(.testsCompleted(passed: 0, failed: 0, untested: 0))
        }
        #expect(error?.reason == "the project has no ports to judge")
        #expect(w.state == .testing)
    }

    @Test("a send-back needs a reason", arguments: ["", "   ", "\t\n"])
    func sendBackNeedsReason(reason: String) {
        for state in [ProjectState.testing, .awaitingReview] {
            var w = ProjectWorkflow(state: state, acceptanceRequired: true)
            let error = #expect(throws: IllegalTransition.self) { try w.apply(.sendBack(reason: reason)) }
            #expect(error?.reason.contains("needs a reason") == true)
            #expect(w.state == state)
        }
    }

    @Test("illegal events explain what would be needed")
    func reasons() {
        func reason(_ state: ProjectState, _ event: ProjectEvent) -> String? {
            var w = ProjectWorkflow(state: state, acceptanceRequired: true)
            do {
                try w.apply(event)
                return nil
            } catch {
                return (error as? IllegalTransition)?.reason
            }
        }
        #expect(reason(.testing, .approve) == "only a project whose ports all passed can be approved")
        #expect(reason(.awaitingReview, .pushAcknowledged) == "only an accepted project is pushed")
        #expect(reason(.testing, .startTesting) == "tests start from 'entered' or 'rework'")
        #expect(
            reason(.entered, .testsCompleted(passed: 1, failed: 0, untested: 0)) == "the project is not being tested")
        #expect(reason(.rework, .submitWithoutTest) == "only a newly entered project can skip the test")
        #expect(reason(.accepted, .sendBack(reason: "x")) == "only a project under test or in review can be sent back")
        #expect(
            reason(.testing, .retestFailed(detail: "x"))
                == "only a project in review goes back to rework on a failed re-test")
    }

    @Test("any event sequence: the state only moves along DESIGN §2's transitions")
    func randomSequences() async {
        await propertyCheck(count: 300, input: oneOf(Self.events).array(of: 0...25), Gen.bool) { events, required in
            var w = ProjectWorkflow(acceptanceRequired: required)
            for event in events {
                let before = w.state
                let target = Self.expectedTarget(before, event, acceptanceRequired: required)
                do {
                    try w.apply(event)
                    #expect(w.state == target)
                } catch is IllegalTransition {
                    #expect(target == nil)
                    #expect(w.state == before)
                }
            }
        }
    }
}
