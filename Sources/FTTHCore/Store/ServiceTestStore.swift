import Foundation

/// Where a port test's service test stands.
public enum ServiceTestState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for a probe to take it; holds its test account.
    case waiting
    /// A probe took it and is dialling; holds its test account.
    case claimed
    /// Ended: a result arrived, the wait ran out, or the run ended. The account is free again.
    case done
}

/// The service half of one port-test run (DESIGN §2 step 4).
public struct ServiceTest: Sendable, Hashable, Codable {
    public var id: Int64
    public var runID: Int64
    public var port: PortKey
    /// The PPPoE test account held for it; nil when none was free.
    public var username: String?
    public var state: ServiceTestState
    /// The token name of the probe that took it.
    public var claimedBy: String?
    public var claimedAt: Date?
    public var createdAt: Date
    /// The port's plan rate, Mbit/s, as imported with its project.
    public var planMbps: Double
    /// The probe's result and its verdict, once one arrived (or the verdict of the end without one).
    public var verdict: ServiceVerdict?

    /// A stored service test.
    public init(
        id: Int64, runID: Int64, port: PortKey, username: String?, state: ServiceTestState, claimedBy: String?,
        claimedAt: Date?, createdAt: Date, planMbps: Double, verdict: ServiceVerdict?
    ) {
        self.id = id
        self.runID = runID
        self.port = port
        self.username = username
        self.state = state
        self.claimedBy = claimedBy
        self.claimedAt = claimedAt
        self.createdAt = createdAt
        self.planMbps = planMbps
        self.verdict = verdict
    }
}

/// A service test a probe took, with what it needs to dial.
public struct ServiceTestClaim: Sendable, Hashable {
    public var test: ServiceTest
    public var account: TestAccount
    /// The run's port, for the probe's display.
    public var run: TestRun

    /// Pairs a claimed test with its account and run.
    public init(test: ServiceTest, account: TestAccount, run: TestRun) {
        self.test = test
        self.account = account
        self.run = run
    }
}

/// Service tests: the account a run holds, the probe that took it, and its result, posted once.
public protocol ServiceTestStore: Sendable {
    /// The service test of run `runID`, nil when the run has none.
    func serviceTest(runID: Int64) async throws -> ServiceTest?

    /// Every service test of a port, oldest first.
    func serviceTests(_ port: PortKey) async throws -> [ServiceTest]

    /// One service test by its id, nil when there is none.
    func serviceTest(id: Int64) async throws -> ServiceTest?

    /// Gives probe `probe` the oldest waiting service test that holds an account, marking it
    /// claimed; nil when none waits.
    func claimServiceTest(by probe: String, at: Date) async throws -> ServiceTestClaim?

    /// Records a probe's result `verdict` of test `id`, once. `idempotencyKey` and `bodyDigest`
    /// make a repeat safe: the same key with the same digest answers the recorded test again with
    /// `replayed` true. Throws ``StoreError/conflict(location:message:)`` for the same key with
    /// another body, for a second result under another key, and for a test that has ended;
    /// ``StoreError/notFound(_:)`` for an unknown id.
    func recordServiceResult(
        _ id: Int64, verdict: ServiceVerdict, idempotencyKey: String?, bodyDigest: String, at: Date
    ) async throws -> (test: ServiceTest, replayed: Bool)

    /// Ends run `runID`, which is at ``TestRunStep/awaitingService``, with its service `verdict`:
    /// the port's service verdict is recorded through its workflow, the service test is done (its
    /// account free again) and the run finished with `outcome`, in one transaction. Throws
    /// ``StoreError/conflict(location:message:)`` when the run is not awaiting its service test.
    func finishServiceTest(runID: Int64, verdict: ServiceVerdict, outcome: String, at: Date) async throws -> TestRun
}
