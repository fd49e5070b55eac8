import FTTHCore
import PropertyBased
import Testing

/// The splitter port workflow: activation, tests, the rework loop, deactivation.
@Suite("Port workflow")
struct PortWorkflowTests {
    static let passed = PortVerdict(line: .pass, service: .pass)

    /// A port in `activation` with `verdict`.
    static func port(
        _ activation: ActivationStatus, _ verdict: PortVerdict = PortVerdict(), awaitingRetest: Bool = false
    )
        -> PortWorkflow
    {
        PortWorkflow(activation: activation, verdict: verdict, awaitingRetest: awaitingRetest)
    }

    struct Legal: Sendable, CustomTestStringConvertible {
        var from: PortWorkflow
        var event: PortEvent
        var to: PortWorkflow
        var testDescription: String { "\(from.activation.rawValue) + \(event.label)" }
    }

    static let legal: [Legal] = [
        Legal(from: port(.notActivated), event: .activationSucceeded, to: port(.activated)),
        Legal(from: port(.notActivated), event: .activationFailed, to: port(.activationFailed)),
        Legal(from: port(.activationFailed), event: .activationSucceeded, to: port(.activated)),
        Legal(from: port(.activationFailed), event: .activationFailed, to: port(.activationFailed)),
        Legal(from: port(.activationFailed), event: .deactivated, to: port(.deactivated)),
        // Re-provisioning an activated port is idempotent and keeps its results.
        Legal(from: port(.activated, passed), event: .activationSucceeded, to: port(.activated, passed)),
        Legal(from: port(.activated), event: .lineResult(.pass), to: port(.activated, PortVerdict(line: .pass))),
        Legal(from: port(.activated), event: .lineResult(.fail), to: port(.activated, PortVerdict(line: .fail))),
        Legal(
            from: port(.activated, PortVerdict(line: .fail)), event: .lineResult(.pass),
            to: port(.activated, PortVerdict(line: .pass))),
        Legal(from: port(.activated), event: .serviceResult(.pass), to: port(.activated, PortVerdict(service: .pass))),
        Legal(
            from: port(.activated, PortVerdict(line: .pass)), event: .serviceResult(.fail),
            to: port(.activated, PortVerdict(line: .pass, service: .fail))),
        // Deactivation keeps the results for the report.
        Legal(from: port(.activated, passed), event: .deactivated, to: port(.deactivated, passed)),
        Legal(from: port(.deactivated, passed), event: .deactivated, to: port(.deactivated, passed)),
        // After deactivation, a new activation starts a new round.
        Legal(from: port(.deactivated, passed), event: .activationSucceeded, to: port(.activated)),
        Legal(from: port(.deactivated), event: .activationFailed, to: port(.activationFailed)),
        // Rework voids the results and waits for a re-test.
        Legal(
            from: port(.activated, PortVerdict(line: .fail)), event: .reworkReported,
            to: port(.activated, awaitingRetest: true)),
        Legal(
            from: port(.activated, PortVerdict(line: .pass, service: .fail)), event: .reworkReported,
            to: port(.activated, awaitingRetest: true)),
        Legal(from: port(.activated), event: .reworkReported, to: port(.activated, awaitingRetest: true)),
        Legal(
            from: port(.activationFailed), event: .reworkReported, to: port(.activationFailed, awaitingRetest: true)),
        Legal(
            from: port(.deactivated, PortVerdict(line: .fail)), event: .reworkReported,
            to: port(.deactivated, awaitingRetest: true)),
        // A line result after rework is the re-test.
        Legal(
            from: port(.activated, awaitingRetest: true), event: .lineResult(.pass),
            to: port(.activated, PortVerdict(line: .pass))),
    ]

    @Test("legal transitions", arguments: legal)
    func legalTransition(_ t: Legal) throws {
        var w = t.from
        try w.apply(t.event)
        #expect(w == t.to)
    }

    struct Illegal: Sendable, CustomTestStringConvertible {
        var from: PortWorkflow
        var event: PortEvent
        var reason: String
        var testDescription: String { "\(from.activation.rawValue) + \(event.label)" }
    }

    static let illegal: [Illegal] = [
        Illegal(from: port(.activated, passed), event: .activationFailed, reason: "deactivate it first"),
        Illegal(from: port(.notActivated), event: .lineResult(.pass), reason: "activate it first"),
        Illegal(from: port(.activationFailed), event: .lineResult(.fail), reason: "activate it first"),
        Illegal(from: port(.deactivated, passed), event: .lineResult(.pass), reason: "activate it first"),
        Illegal(from: port(.notActivated), event: .serviceResult(.pass), reason: "activate it first"),
        Illegal(from: port(.deactivated), event: .serviceResult(.fail), reason: "activate it first"),
        Illegal(from: port(.notActivated), event: .deactivated, reason: "was ever provisioned"),
        Illegal(from: port(.notActivated), event: .reworkReported, reason: "never activated or tested"),
        Illegal(from: port(.activated, passed), event: .reworkReported, reason: "nothing to rework"),
        Illegal(from: port(.deactivated, passed), event: .reworkReported, reason: "nothing to rework"),
        // A passed line with the service test still to come is not reworked either.
        Illegal(from: port(.activated, PortVerdict(line: .pass)), event: .reworkReported, reason: "nothing to rework"),
    ]

    @Test("illegal transitions throw with a reason and leave the port unchanged", arguments: illegal)
    func illegalTransition(_ t: Illegal) {
        var w = t.from
        let error = #expect(throws: IllegalTransition.self) { try w.apply(t.event) }
        #expect(w == t.from)
        #expect(error?.from == t.from.activation.rawValue)
        #expect(error?.event == t.event.label)
        #expect(error?.reason.contains(t.reason) == true, "\(error?.reason ?? "")")
        #expect(error?.code == "workflow.illegal_transition")
        #expect(
            error?.description.hasPrefix("cannot apply '\(t.event.label)' in state '\(t.from.activation.rawValue)': ")
                == true)
    }

    @Test("the rework loop: fail, rework, re-test, pass")
    func reworkLoop() throws {
        var w = PortWorkflow()
        #expect(w.testStatus == .notDone)
        try w.apply(.activationSucceeded)
        try w.apply(.lineResult(.fail))
        #expect(w.testStatus == .done)
        try w.apply(.serviceResult(.pass))
        #expect(w.verdict.overall == .fail)

        try w.apply(.reworkReported)
        #expect(w.awaitingRetest)
        #expect(w.testStatus == .notDone)
        #expect(w.verdict == PortVerdict())
        #expect(w.verdict.overall == nil)
        #expect(w.activation == .activated)

        try w.apply(.lineResult(.pass))
        #expect(!w.awaitingRetest)
        #expect(w.testStatus == .done)
        #expect(w.verdict.overall == nil)  // service not re-tested yet
        try w.apply(.serviceResult(.pass))
        #expect(w.verdict.overall == .pass)

        #expect(throws: IllegalTransition.self) { try w.apply(.reworkReported) }
        try w.apply(.deactivated)
        #expect(w.activation == .deactivated)
        #expect(w.verdict.overall == .pass)
        #expect(w.testStatus == .done)
    }

    @Test("test status: done once a line result stands, not done while awaiting a re-test")
    func testStatus() {
        #expect(Self.port(.notActivated).testStatus == .notDone)
        #expect(Self.port(.activated).testStatus == .notDone)
        #expect(Self.port(.activated, PortVerdict(service: .pass)).testStatus == .notDone)
        #expect(Self.port(.activated, PortVerdict(line: .fail)).testStatus == .done)
        #expect(Self.port(.deactivated, Self.passed).testStatus == .done)
        #expect(Self.port(.activated, PortVerdict(line: .pass), awaitingRetest: true).testStatus == .notDone)
    }

    @Test(
        "overall verdict: fail as soon as either part fails, pass only when both pass",
        arguments: [Verdict?.none, .pass, .fail], [Verdict?.none, .pass, .fail])
    func overall(line: Verdict?, service: Verdict?) {
        let expected: Verdict? =
            if line == .fail || service == .fail { .fail } else if line == .pass && service == .pass { .pass } else {
                nil
            }
        #expect(PortVerdict(line: line, service: service).overall == expected)
    }

    @Test("a new round after deactivation starts without the old results, even after a failed activation")
    func newRoundAfterFailedReactivation() throws {
        var w = Self.port(.deactivated, Self.passed)
        try w.apply(.activationFailed)
        try w.apply(.activationSucceeded)
        // A failed re-activation after deactivation also starts a new round: the old result is history.
        #expect(w.verdict == PortVerdict())
        #expect(w.testStatus == .notDone)

    }

    static let events: [PortEvent] = [
        .activationSucceeded, .activationFailed, .lineResult(.pass), .lineResult(.fail), .serviceResult(.pass),
        .serviceResult(.fail), .reworkReported, .deactivated,
    ]

    @Test("any event sequence: a refused event changes nothing, and results only arrive while activated")
    func randomSequences() async {
        await propertyCheck(count: 300, input: oneOf(Self.events).array(of: 0...30)) { events in
            var w = PortWorkflow()
            for event in events {
                let before = w
                do {
                    try w.apply(event)
                    switch event {
                    case .lineResult(let v):
                        #expect(before.activation == .activated)
                        #expect(w.verdict.line == v && w.testStatus == .done)
                    case .serviceResult(let v):
                        #expect(before.activation == .activated)
                        #expect(w.verdict.service == v)
                    case .reworkReported:
                        #expect(w.testStatus == .notDone && w.verdict == PortVerdict())
                    case .activationSucceeded:
                        #expect(w.activation == .activated)
                    case .activationFailed:
                        #expect(before.activation != .activated && w.activation == .activationFailed)
                    case .deactivated:
                        #expect(before.activation != .notActivated && w.activation == .deactivated)
                    }
                } catch let error as IllegalTransition {
                    #expect(w == before)
                    #expect(!error.reason.isEmpty)
                }
                #expect(w.testStatus == .notDone || w.verdict.line != nil)
            }
        }
    }
}
