import FTTHCore
import Foundation
import GRDB
import Testing

@testable import FTTHSQLite

/// v14-metrics-role on a store written by the version before it (leases and permits applied,
/// the `metrics` role refused by the table's CHECK): its tokens stay, and a metrics token can be made.
@Suite struct MetricsRoleMigrationTests {
    @Test func theMetricsRoleComesAfterTheLeasesAndThePermits() {
        // A store already at v13 applies v14 next; the metrics role numbered v12 would have been
        // skipped by stores that had v12-run-leases, or run before the migrations it follows.
        let names = SQLiteStore.migrator(key: .random()).migrations
        #expect(Array(names.suffix(3)) == ["v12-run-leases", "v13-permits", "v14-metrics-role"])
    }

    @Test func aStoreFromBeforeKeepsItsTokensAndTakesAMetricsToken() async throws {
        let scratch = try TemporaryStore()
        let probe = try await scratch.store.createToken(name: "probe-1", role: .probe, at: t0)
        _ = try await scratch.store.revokeToken(name: "probe-1", at: t0.addingTimeInterval(60))
        let admin = try await scratch.store.createToken(name: "admin-1", role: .admin, at: t0)
        // Back to v13: the table as v6 left it, and v14 forgotten.
        let queue = try DatabaseQueue(path: scratch.path)
        try await queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE api_tokens_v13 (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        role TEXT NOT NULL CHECK (role IN ('crew', 'admin', 'integration', 'probe')),
                        secret_sha256 TEXT NOT NULL UNIQUE CHECK (length(secret_sha256) = 64),
                        created_at DATETIME NOT NULL,
                        revoked_at DATETIME
                    );
                    INSERT INTO api_tokens_v13 SELECT id, name, role, secret_sha256, created_at, revoked_at
                        FROM api_tokens;
                    DROP TABLE api_tokens;
                    ALTER TABLE api_tokens_v13 RENAME TO api_tokens;
                    DELETE FROM grdb_migrations WHERE identifier = 'v14-metrics-role';
                    """)
        }
        await #expect(throws: (any Error).self, "the table from before refuses the role") {
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO api_tokens (name, role, secret_sha256, created_at)
                        VALUES ('early', 'metrics', ?, ?)
                        """, arguments: [String(repeating: "a", count: 64), t0])
            }
        }

        let store = try SQLiteStore(path: scratch.path)
        #expect(try await store.token(secret: probe.secret)?.role == .probe)
        #expect(try await store.token(secret: probe.secret)?.revokedAt == t0.addingTimeInterval(60))
        #expect(try await store.token(secret: admin.secret) == admin.token)
        let metrics = try await store.createToken(name: "prometheus", role: .metrics, at: t0)
        #expect(try await store.token(secret: metrics.secret)?.role == .metrics)
        #expect(try await store.tokens().map(\.name) == ["probe-1", "admin-1", "prometheus"])
    }
}
