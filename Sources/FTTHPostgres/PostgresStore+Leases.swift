import FTTHCore
import FTTHStoreKit
import Foundation
import PostgresNIO

/// Leases in the table `run_leases`: one row per run a daemon holds, deleted when the run ends,
/// so the table stays as small as the number of runs in progress and each statement is short
/// (a lease queue slows down when a long transaction holds back vacuum).
extension PostgresStore: RunLeaseStore {
    public func beginTestRun(
        _ key: PortKey, serial: ONUSerial?, profile: ThresholdProfile, configuredRanges: [CVLANRange], by: String?,
        lease: RunLease, at: Date
    ) async throws -> TestRun {
        try await begin(
            key, serial: serial, profile: profile, configuredRanges: configuredRanges, by: by, lease: lease, at: at)
    }

    public func takeRuns(lease: RunLease, limit: Int, at: Date) async throws -> [LeasedRun] {
        guard limit > 0 else { return [] }
        return try await take(
            "taking runs for \(lease.holder)", lease: lease, where: "(l.run_id IS NULL OR l.until <= $1)", at,
            limit: limit)
    }

    public func reclaimRuns(of predecessor: String, lease: RunLease, at: Date) async throws -> [LeasedRun] {
        try await take(
            "resuming the runs of \(predecessor)… for \(lease.holder)", lease: lease,
            where: "left(l.holder, length($1)) = $1 AND l.holder <> $3", predecessor, limit: Int.max / 2,
            also: lease.holder)
    }

    /// Leases to `lease.holder` the runs in an active step that `condition` (on the run `r` and
    /// its lease `l`; `$1` is `value`, `$2` the limit, `$3` `also`) admits, oldest first. Runs
    /// another daemon is taking in this instant are locked: skipped, not waited for.
    private func take(
        _ operation: String, lease: RunLease, where condition: String, _ value: some PostgresEncodable & Sendable,
        limit: Int, also: String = ""
    ) async throws -> [LeasedRun] {
        try await write(operation) { db in
            var query = PostgresQuery(
                unsafeSQL: """
                    SELECT r.id, l.holder FROM test_runs r LEFT JOIN run_leases l ON l.run_id = r.id
                    WHERE r.step IN (\(StoredForm.activeStepsSQL)) AND \(condition)
                    ORDER BY r.id LIMIT $2 FOR UPDATE OF r SKIP LOCKED
                    """)
            try query.binds.append(value)
            query.binds.append(limit)
            if condition.contains("$3") { query.binds.append(also) }
            var taken: [LeasedRun] = []
            for row in try await db.rows(query) {
                let id: Int64 = try row["id"]
                let previous: String? = try row["holder"]
                try await db.execute(
                    """
                    INSERT INTO run_leases (run_id, holder, until) VALUES (\(id), \(lease.holder), \(lease.until))
                    ON CONFLICT (run_id) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until,
                        taken_over = run_leases.taken_over + 1
                    """)
                if let run = try await Self.loadRun(db, id: id) {
                    taken.append(LeasedRun(run: run, takenOver: previous != nil))
                }
            }
            return taken
        }
    }

    public func renewLeases(_ runIDs: [Int64], lease: RunLease, at: Date) async throws -> Set<Int64> {
        guard !runIDs.isEmpty else { return [] }
        return try await write("renewing the leases of \(lease.holder)") { db in
            Set(
                try await db.rows(
                    """
                    UPDATE run_leases SET until = \(lease.until)
                    WHERE run_id = ANY(\(runIDs)) AND holder = \(lease.holder) RETURNING run_id
                    """
                ).map { try $0["run_id"] as Int64 })
        }
    }

    public func releaseLeases(_ runIDs: [Int64], holder: String) async throws {
        guard !runIDs.isEmpty else { return }
        try await write("giving up the leases of \(holder)") { db in
            try await db.execute("DELETE FROM run_leases WHERE run_id = ANY(\(runIDs)) AND holder = \(holder)")
        }
    }

    public func leaseHolders(at: Date) async throws -> [String: Int] {
        try await read("counting the leases") { db in
            var holders: [String: Int] = [:]
            for row in try await db.rows(
                "SELECT holder, COUNT(*) AS n FROM run_leases WHERE until > \(at) GROUP BY holder")
            {
                holders[try row["holder"]] = try row["n"]
            }
            return holders
        }
    }

    /// A run that leaves the active steps is no one's any more: inside the caller's transaction.
    static func endLease(_ db: PostgresConnection, runID: Int64) async throws {
        try await db.execute("DELETE FROM run_leases WHERE run_id = \(runID)")
    }
}
