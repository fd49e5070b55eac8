import FTTHCore
import Testing

/// The project's rules beyond its state machine, judged on facts any store loads.
@Suite("Project rules")
struct ProjectRulesTests {
    func facts(
        _ state: ProjectState, passed: Int = 0, failed: Int = 0, untested: Int = 0, runs: Int = 0, activated: Int = 0,
        running: ProjectFacts.RunningTest? = nil
    ) -> ProjectFacts {
        ProjectFacts(
            code: "P1", workflow: ProjectWorkflow(state: state, acceptanceRequired: true), passed: passed,
            failed: failed, untested: untested, testRuns: runs, activatedPorts: activated, running: running)
    }

    let port = PortKey(projectCode: "P1", splitter: "SP-A", port: 3)
    let pass = LineVerdict(
        profile: "build", verdict: .pass, checks: [], downstreamAttenuation: nil, upstreamAttenuation: nil)
    let fail = LineVerdict(
        profile: "build", verdict: .fail,
        checks: [CheckResult(check: .minONURx, outcome: .fail, reason: "ONU rx -21.40 dBm below build limit")],
        downstreamAttenuation: nil, upstreamAttenuation: nil)

    @Test func aTestStartsTestingFromEnteredOrReworkAndIsRefusedWhereTheProjectIsDone() throws {
        #expect(try ProjectWorkflow.testStarting(facts(.entered)) == .startTesting)
        #expect(try ProjectWorkflow.testStarting(facts(.rework)) == .startTesting)
        #expect(try ProjectWorkflow.testStarting(facts(.testing)) == nil)
        #expect(try ProjectWorkflow.testStarting(facts(.awaitingReview)) == nil)
        for state in [ProjectState.withdrawn, .accepted, .pushed] {
            #expect(throws: StoreError.self) { try ProjectWorkflow.testStarting(facts(state)) }
        }
    }

    @Test func resultsCompleteTheTestsAndAFailedReTestInReviewSendsTheProjectBack() {
        #expect(
            ProjectWorkflow.resultRecorded(facts(.testing, passed: 3, untested: 1), port: port, verdict: pass) == nil)
        #expect(
            ProjectWorkflow.resultRecorded(facts(.testing, passed: 3, failed: 1), port: port, verdict: fail)
                == .testsCompleted(passed: 3, failed: 1, untested: 0))
        #expect(ProjectWorkflow.resultRecorded(facts(.awaitingReview, passed: 4), port: port, verdict: pass) == nil)
        #expect(
            ProjectWorkflow.resultRecorded(facts(.awaitingReview, passed: 3, failed: 1), port: port, verdict: fail)
                == .retestFailed(detail: "P1 / SP-A / port 3 failed its re-test: ONU rx -21.40 dBm below build limit"))
    }

    @Test func approvalWaitsForARunningTestAndWithdrawalOnlyBeforeAnyTest() throws {
        let running = ProjectFacts.RunningTest(splitter: "SP-A", port: 3, runID: 9, step: .awaitingOnline)
        #expect(throws: StoreError.self) {
            try ProjectWorkflow.check(.approve, facts(.awaitingReview, passed: 4, running: running))
        }
        try ProjectWorkflow.check(.approve, facts(.awaitingReview, passed: 4))
        #expect(throws: StoreError.self) { try ProjectWorkflow.check(.withdraw, facts(.entered, runs: 1)) }
        #expect(throws: StoreError.self) { try ProjectWorkflow.check(.withdraw, facts(.entered, activated: 1)) }
        try ProjectWorkflow.check(.withdraw, facts(.entered))
        try ProjectWorkflow.checkAcceptanceRequiredChange(facts(.entered))
        #expect(throws: StoreError.self) { try ProjectWorkflow.checkAcceptanceRequiredChange(facts(.testing)) }
    }
}
