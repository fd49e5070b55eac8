import Foundation

/// A daemon's hold on a run it executes, when several daemons share one store: until `until`
/// no other daemon may take the run; the holder renews it while it works.
public struct RunLease: Sendable, Hashable {
    /// The daemon's process (`name/pid/…`), unique while it runs.
    public var holder: String
    public var until: Date

    public init(holder: String, until: Date) {
        self.holder = holder
        self.until = until
    }
}

/// A run a daemon took to execute, and whether another daemon held it before (its lease ran
/// out: that daemon died, hung or lost the database).
public struct LeasedRun: Sendable, Hashable {
    public var run: TestRun
    public var takenOver: Bool

    public init(run: TestRun, takenOver: Bool) {
        self.run = run
        self.takenOver = takenOver
    }
}

/// Which daemon executes which run, when several share one store (PostgreSQL). A run in an
/// active step is executed by the daemon holding its lease, or by none: a run whose lease ran
/// out is taken by the next daemon that asks and resumed at its persisted step. A lease ends
/// with its run (the store deletes it when the run leaves the active steps).
///
/// Times are the daemons' clocks (`at`), as everywhere in the store; they are assumed to agree
/// within a small part of a lease (NTP).
public protocol RunLeaseStore: Sendable {
    /// Starts a test as ``TestRunStore/beginTestRun(_:serial:profile:configuredRanges:by:at:)``
    /// does, with `lease` taken in the same transaction: no other daemon can take the new run
    /// before its beginner executes it.
    func beginTestRun(
        _ port: PortKey, serial: ONUSerial?, profile: ThresholdProfile, configuredRanges: [CVLANRange], by: String?,
        lease: RunLease, at: Date
    ) async throws -> TestRun

    /// Gives `lease.holder` at most `limit` runs in an active step that no daemon holds at `at`
    /// (never leased, given up, or whose lease ran out), oldest first. Daemons asking at once
    /// get different runs.
    func takeRuns(lease: RunLease, limit: Int, at: Date) async throws -> [LeasedRun]

    /// Gives `lease.holder` every run in an active step still leased to an earlier process of
    /// the same daemon (a holder that starts with `predecessor`, other than `lease.holder`),
    /// however long its lease has left: a daemon restarted after a crash resumes its own runs at
    /// once instead of waiting for their leases to run out. Only one process at a time may use a
    /// daemon's name (`[cluster] name`).
    func reclaimRuns(of predecessor: String, lease: RunLease, at: Date) async throws -> [LeasedRun]

    /// Extends `lease.holder`'s leases on `runIDs` to `lease.until`; returns the runs it still
    /// holds (a run missing from the answer was taken over, or has ended).
    func renewLeases(_ runIDs: [Int64], lease: RunLease, at: Date) async throws -> Set<Int64>

    /// Gives up `holder`'s leases on `runIDs` (the daemon stops): another daemon may take them at once.
    func releaseLeases(_ runIDs: [Int64], holder: String) async throws

    /// The runs with a lease that has not run out at `at`, by holder: for metrics and `ftthctl`.
    func leaseHolders(at: Date) async throws -> [String: Int]
}
