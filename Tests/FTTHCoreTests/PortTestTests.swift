import FTTHCore
import Foundation
import Testing

/// The port test's state machine: each move returns what the store carries out with it.
@Suite("Port test")
struct PortTestTests {
    func run(_ step: TestRunStep, onuID: Int? = nil) -> TestRun {
        let row = ActivationListRow(
            key: PortKey(projectCode: "P1", splitter: "SP-A", port: 3), olt: ManagementAddress("10.20.0.1")!,
            oltName: "HW-1", dialect: .huaweiMA5600T, pon: PONAddress("0/1/0")!, onuName: "FT-1", svlan: VLANID(1001)!,
            cvlan: VLANID(3000), onuSerial: nil, onuPassword: nil, workflow: PortWorkflow())
        return TestRun(
            id: 7, port: row, step: step, profile: "build", cvlan: VLANID(3000)!, onuID: onuID, attempt: 0,
            startedAt: Date(), updatedAt: Date(), outcome: nil)
    }

    @Test func theOLTAcceptingTheONUActivatesThePortOnce() throws {
        var test = PortTest(run: run(.provisioning), activation: .notActivated)
        #expect(try test.advance(to: .awaitingOnline, onuID: 4, describing: "run 7") == [.recordActivation(onuID: 4)])
        #expect(try test.advance(to: .reading, onuID: 4, describing: "run 7") == [])
        #expect(test.onuID == 4)
        #expect(test.portActivated)
    }

    @Test func endingBeforeAnyONUFailsTheActivationAndGivesTheCVLANBack() throws {
        var failed = PortTest(run: run(.provisioning), activation: .notActivated)
        #expect(
            try failed.advance(to: .failed, onuID: nil, describing: "run 7") == [
                .recordActivationFailure, .releaseCVLAN, .recordEnd,
            ])
        var cancelled = PortTest(run: run(.provisioning), activation: .notActivated)
        #expect(try cancelled.advance(to: .cancelled, onuID: nil, describing: "run 7") == [.releaseCVLAN, .recordEnd])
        // A port activated by an earlier test keeps its ONU and its CVLAN.
        var retest = PortTest(run: run(.provisioning), activation: .activated)
        #expect(try retest.advance(to: .failed, onuID: nil, describing: "run 7") == [.recordEnd])
    }

    @Test func anEndedTestDoesNotMoveAndNoneFinishesWithoutItsResult() throws {
        var ended = PortTest(run: run(.failed), activation: .notActivated)
        #expect(throws: StoreError.self) { try ended.advance(to: .reading, onuID: 1, describing: "run 7") }
        var reading = PortTest(run: run(.reading, onuID: 2), activation: .activated)
        #expect(throws: StoreError.self) { try reading.advance(to: .finished, onuID: 2, describing: "run 7") }
        #expect(reading.step == .reading)
    }
}
