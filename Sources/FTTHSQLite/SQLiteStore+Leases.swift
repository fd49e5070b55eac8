import FTTHCore
import FTTHStoreKit
import Foundation
import GRDB

/// Leases as the PostgreSQL store keeps them, so the store contracts hold for both. One daemon
/// on SQLite never needs them (its engine executes every run), but a tool or a test may.
extension SQLiteStore: RunLeaseStore {
    static func registerRunLeaseMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v12-run-leases") { db in
            try db.execute(
                sql: """
                    CREATE TABLE run_leases (
                        run_id INTEGER PRIMARY KEY REFERENCES test_runs(id),
                        holder TEXT NOT NULL,
                        until DATETIME NOT NULL,
                        taken_over INTEGER NOT NULL DEFAULT 0
                    );
                    """)
        }
    }

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
            "taking runs for \(lease.holder)", lease: lease, where: "(l.run_id IS NULL OR l.until <= ?)",
            [at, limit])
    }

    public func reclaimRuns(of predecessor: String, lease: RunLease, at: Date) async throws -> [LeasedRun] {
        try await take(
            "resuming the runs of \(predecessor)… for \(lease.holder)", lease: lease,
            where: "substr(l.holder, 1, length(?)) = ? AND l.holder <> ?",
            [predecessor, predecessor, lease.holder, -1])
    }

    /// Leases to `lease.holder` the runs in an active step that `condition` (on the run `r` and
    /// its lease `l`) admits, oldest first; `arguments` end with the limit (-1: none).
    private func take(_ operation: String, lease: RunLease, where condition: String, _ arguments: StatementArguments)
        async throws -> [LeasedRun]
    {
        try await write(operation) { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.id, l.holder FROM test_runs r LEFT JOIN run_leases l ON l.run_id = r.id
                    WHERE r.step IN (\(Self.activeStepsSQL)) AND \(condition)
                    ORDER BY r.id LIMIT ?
                    """, arguments: arguments)
            return try rows.compactMap { row -> LeasedRun? in
                let id: Int64 = row["id"]
                let previous: String? = row["holder"]
                try db.execute(
                    sql: """
                        INSERT INTO run_leases (run_id, holder, until) VALUES (?, ?, ?)
                        ON CONFLICT (run_id) DO UPDATE SET holder = excluded.holder, until = excluded.until,
                            taken_over = run_leases.taken_over + 1
                        """, arguments: [id, lease.holder, lease.until])
                return try Self.loadRun(db, where: "WHERE r.id = ?", [id]).first.map {
                    LeasedRun(run: $0, takenOver: previous != nil)
                }
            }
        }
    }

    public func renewLeases(_ runIDs: [Int64], lease: RunLease, at: Date) async throws -> Set<Int64> {
        guard !runIDs.isEmpty else { return [] }
        return try await write("renewing the leases of \(lease.holder)") { db in
            let marks = Array(repeating: "?", count: runIDs.count).joined(separator: ", ")
            let held = try Int64.fetchAll(
                db, sql: "SELECT run_id FROM run_leases WHERE holder = ? AND run_id IN (\(marks))",
                arguments: StatementArguments([lease.holder] as [any DatabaseValueConvertible] + runIDs))
            try db.execute(
                sql: "UPDATE run_leases SET until = ? WHERE holder = ? AND run_id IN (\(marks))",
                arguments: StatementArguments([lease.until, lease.holder] as [any DatabaseValueConvertible] + runIDs))
            return Set(held)
        }
    }

    public func releaseLeases(_ runIDs: [Int64], holder: String) async throws {
        guard !runIDs.isEmpty else { return }
        try await write("giving up the leases of \(holder)") { db in
            let marks = Array(repeating: "?", count: runIDs.count).joined(separator: ", ")
            try db.execute(
                sql: "DELETE FROM run_leases WHERE holder = ? AND run_id IN (\(marks))",
                arguments: StatementArguments([holder] as [any DatabaseValueConvertible] + runIDs))
        }
    }

    public func leaseHolders(at: Date) async throws -> [String: Int] {
        try await read("counting the leases") { db in
            var holders: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT holder, COUNT(*) AS n FROM run_leases WHERE until > ? GROUP BY holder",
                arguments: [at])
            {
                holders[row["holder"]] = row["n"]
            }
            return holders
        }
    }

    /// A run that leaves the active steps is no one's any more: inside the caller's transaction.
    static func endLease(_ db: Database, runID: Int64) throws {
        try db.execute(sql: "DELETE FROM run_leases WHERE run_id = ?", arguments: [runID])
    }
}
