import FTTHCore
import Foundation
import GRDB

/// Permits as the PostgreSQL store keeps them, so the contract holds for both (one daemon on
/// SQLite has no one to share its OLTs with, and does not ask for them).
extension SQLiteStore: PermitStore {
    static func registerPermitMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v13-permits") { db in
            try db.execute(
                sql: """
                    CREATE TABLE permits (
                        resource TEXT NOT NULL,
                        slot INTEGER NOT NULL,
                        holder TEXT NOT NULL,
                        until DATETIME NOT NULL,
                        PRIMARY KEY (resource, slot)
                    );
                    """)
        }
    }

    public func takePermit(_ resource: String, limit: Int, holder: String, at: Date, until: Date) async throws -> Int? {
        guard limit > 0 else { return nil }
        return try await write("taking a permit of \(resource)") { db in
            let held = Set(
                try Int.fetchAll(
                    db, sql: "SELECT slot FROM permits WHERE resource = ? AND until > ?", arguments: [resource, at]))
            guard let slot = (1...limit).first(where: { !held.contains($0) }) else { return nil }
            try db.execute(
                sql: """
                    INSERT INTO permits (resource, slot, holder, until) VALUES (?, ?, ?, ?)
                    ON CONFLICT (resource, slot) DO UPDATE SET holder = excluded.holder, until = excluded.until
                    """, arguments: [resource, slot, holder, until])
            return slot
        }
    }

    public func renewPermits(holder: String, at: Date, until: Date) async throws -> Int {
        try await write("renewing the permits of \(holder)") { db in
            try db.execute(
                sql: "UPDATE permits SET until = ? WHERE holder = ? AND until > ?", arguments: [until, holder, at])
            return db.changesCount
        }
    }

    public func releasePermit(_ resource: String, slot: Int, holder: String) async throws {
        try await write("giving back a permit of \(resource)") { db in
            try db.execute(
                sql: "DELETE FROM permits WHERE resource = ? AND slot = ? AND holder = ?",
                arguments: [resource, slot, holder])
        }
    }

    public func heldPermits(_ resource: String, at: Date) async throws -> Int {
        try await read("counting the permits of \(resource)") { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM permits WHERE resource = ? AND until > ?", arguments: [resource, at])
                ?? 0
        }
    }
}
