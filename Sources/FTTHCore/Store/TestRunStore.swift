import Foundation

/// Where a port test stands. Each step is persisted before the work it names starts, so a
/// daemon that stops anywhere finds, on restart, what it was doing and resumes or cleans up.
public enum TestRunStep: String, Sendable, Hashable, Codable, CaseIterable {
    /// The CVLAN is allocated; the test ONU is being provisioned on the OLT.
    case provisioning
    /// The test ONU is provisioned (its ONU id known); waiting for it to come online.
    case awaitingOnline = "awaiting_online"
    /// Reading the four powers and judging them.
    case reading
    /// The line result is recorded; the port's service test (PPPoE dial and throughput through
    /// the test ONT) holds a test account and waits for a probe's result.
    case awaitingService = "awaiting_service"
    /// Its results were recorded (line, and service when the project needs one).
    case finished
    /// The test could not be run (the OLT refused, the ONU could not be provisioned).
    case failed
    /// Someone cancelled it.
    case cancelled

    /// Whether work remains: a run in one of these steps is resumed after a restart.
    public var isActive: Bool {
        self == .provisioning || self == .awaitingOnline || self == .reading || self == .awaitingService
    }
}

/// One port test, from CVLAN allocation to its recorded result.
public struct TestRun: Sendable, Hashable, Codable {
    public var id: Int64
    /// The port and its activation-list row (OLT, PON, ONU name, serial, SVLAN) as when it started.
    public var port: ActivationListRow
    public var step: TestRunStep
    /// The threshold profile the result is judged with.
    public var profile: String
    public var cvlan: VLANID
    /// Known once the OLT accepted the test ONU.
    public var onuID: Int?
    /// Attempts of the current step that failed for a transient reason.
    public var attempt: Int
    public var startedAt: Date
    public var updatedAt: Date
    /// Why it failed or was cancelled; the verdict's summary when finished.
    public var outcome: String?
    /// The test ONT's serial this run provisions with (the port's may change at its next test).
    public var serial: ONUSerial?
    /// When the test ONU this run added left the OLT; nil while it is there (or never added).
    public var onuRemovedAt: Date?
    /// The limits in force when the run began, which its result is judged by; nil for runs
    /// begun before limits were kept with them (judged by the profile in force when read).
    public var limits: ThresholdProfile?
    /// Who started it: the crew member's or token's name, `scheduler` for a re-test; nil for runs
    /// recorded before the store kept it.
    public var startedBy: String?

    public init(
        id: Int64, port: ActivationListRow, step: TestRunStep, profile: String, cvlan: VLANID, onuID: Int?,
        attempt: Int, startedAt: Date, updatedAt: Date, outcome: String?, serial: ONUSerial? = nil,
        onuRemovedAt: Date? = nil, limits: ThresholdProfile? = nil, startedBy: String? = nil
    ) {
        self.startedBy = startedBy
        self.id = id
        self.port = port
        self.step = step
        self.profile = profile
        self.cvlan = cvlan
        self.onuID = onuID
        self.attempt = attempt
        self.startedAt = startedAt
        self.updatedAt = updatedAt
        self.outcome = outcome
        self.serial = serial
        self.onuRemovedAt = onuRemovedAt
        self.limits = limits
    }

    /// Whether the test ONU this run added is, as far as the store knows, still on the OLT.
    public var holdsTestONU: Bool { onuID != nil && onuRemovedAt == nil }

    /// What to provision on the OLT for this run.
    public func onuSpec(lineProfile: String, serviceProfile: String) -> TestONUSpec {
        TestONUSpec(
            pon: port.pon, name: port.onuName, serial: port.onuSerial, password: port.onuPassword, svlan: port.svlan,
            cvlan: cvlan, lineProfile: lineProfile, serviceProfile: serviceProfile)
    }
}

/// The persisted steps of port tests: the acceptance engine writes each step before doing it.
public protocol TestRunStore: Sendable {
    /// Starts a test of `port` judged by `profile` (the limits in force now, kept with the run):
    /// records the test ONT's `serial` when given (a crew's scan),
    /// reserves the port's CVLAN (the one it holds while activated, else the lowest free one of
    /// `configuredRanges` and the stored ranges) and records a run at ``TestRunStep/provisioning``. Throws ``StoreError/conflict(location:message:)`` when the
    /// port already has an active run, ``StoreError/cvlan(_:_:)`` when the ranges are exhausted.
    /// `by`: who started it, kept with the run and on the port's history.
    func beginTestRun(
        _ port: PortKey, serial: ONUSerial?, profile: ThresholdProfile, configuredRanges: [CVLANRange], by: String?,
        at: Date
    ) async throws -> TestRun

    /// Moves a run to `step`. Moving to ``TestRunStep/awaitingOnline`` with an ONU id records
    /// the activation; to ``TestRunStep/failed`` before that records the failed activation and
    /// releases the reserved CVLAN. Throws when the run is no longer active.
    func advanceTestRun(_ id: Int64, to step: TestRunStep, onuID: Int?, attempt: Int, outcome: String?, at: Date)
        async throws -> TestRun

    /// Records the line result of run `id` and ends the run (``TestRunStep/finished`` with
    /// `outcome`) in one transaction: a run has one result at most, and a result never exists
    /// without its run having ended. When the port's project needs a service test and the line
    /// passed, the run goes to ``TestRunStep/awaitingService`` instead, holding the first free test account (none
    /// when the pool has none free; the engine then fails the service at once). Throws ``StoreError/conflict(location:message:)`` when the
    /// run is not at ``TestRunStep/reading`` (its result is already recorded, or it ended).
    func finishTestRun(_ id: Int64, readings: OpticalReadings, verdict: LineVerdict, outcome: String, at: Date)
        async throws -> TestRun

    /// The line result run `runID` recorded, nil when it recorded none.
    func lineResult(runID: Int64) async throws -> LineResultRecord?

    /// Records that the test ONUs the runs `runIDs` added were removed from their OLT (`detail`
    /// says why), so the store's account of what is on the OLTs stays whole.
    func recordTestONUsRemoved(runIDs: [Int64], detail: String, at: Date) async throws

    /// Runs still in an active step, oldest first: what a restarted engine resumes.
    func activeTestRuns() async throws -> [TestRun]

    /// Every run of a port, oldest first.
    func testRuns(_ port: PortKey) async throws -> [TestRun]

    /// One run by its id, nil when there is none.
    func testRun(id: Int64) async throws -> TestRun?

    /// Appends an event to a port's history (what reconciliation found, a crew's note).
    func notePort(_ port: PortKey, event: String, detail: String, at: Date) async throws

    /// The ports of every project on OLT `olt` whose test ONT is `serial`: where a crew's one
    /// test ONT was plugged before.
    func ports(withSerial serial: ONUSerial, olt: ManagementAddress) async throws -> [ActivationListRow]
}

extension TestRunStore {
    /// Starts a test without saying who started it (tests and tools that have no person).
    public func beginTestRun(
        _ port: PortKey, serial: ONUSerial?, profile: ThresholdProfile, configuredRanges: [CVLANRange], at: Date
    ) async throws -> TestRun {
        try await beginTestRun(
            port, serial: serial, profile: profile, configuredRanges: configuredRanges, by: nil, at: at)
    }
}
