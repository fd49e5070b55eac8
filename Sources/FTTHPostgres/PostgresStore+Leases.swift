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
        return try await write("taking runs for \(lease.holder)") { db in
            // Runs another daemon is taking in this instant are locked: skipped, not waited for.
            var query = PostgresQuery(
                unsafeSQL: """
                    SELECT r.id, l.holder FROM test_runs r LEFT JOIN run_leases l ON l.run_id = r.id
                    WHERE r.step IN (\(StoredForm.activeStepsSQL)) AND (l.run_id IS NULL OR l.until <= $1)
                    ORDER BY r.id LIMIT $2 FOR UPDATE OF r SKIP LOCKED
                    """)
            query.binds.append(at)
            query.binds.append(limit)
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
