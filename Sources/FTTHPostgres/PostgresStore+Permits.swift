import FTTHCore
import Foundation
import PostgresNIO

/// Permits in the table `permits`: a row per slot ever used (at most the limit per resource),
/// held while `until` is ahead.
extension PostgresStore: PermitStore {
    public func takePermit(_ resource: String, limit: Int, holder: String, at: Date, until: Date) async throws -> Int? {
        guard limit > 0 else { return nil }
        return try await write("taking a permit of \(resource)") { db in
            try await db.value(
                """
                INSERT INTO permits (resource, slot, holder, until)
                SELECT \(resource), s, \(holder), \(until) FROM generate_series(1, \(limit)) AS s
                WHERE NOT EXISTS (SELECT 1 FROM permits p WHERE p.resource = \(resource) AND p.slot = s AND p.until > \(at))
                ORDER BY s LIMIT 1
                ON CONFLICT (resource, slot) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until
                    WHERE permits.until <= \(at)
                RETURNING slot
                """, as: Int.self)
        }
    }

    public func renewPermits(holder: String, at: Date, until: Date) async throws -> Int {
        try await write("renewing the permits of \(holder)") { db in
            try await db.rows(
                "UPDATE permits SET until = \(until) WHERE holder = \(holder) AND until > \(at) RETURNING 1"
            ).count
        }
    }

    public func releasePermit(_ resource: String, slot: Int, holder: String) async throws {
        try await write("giving back a permit of \(resource)") { db in
            try await db.execute(
                """
                UPDATE permits SET until = '-infinity'
                WHERE resource = \(resource) AND slot = \(slot) AND holder = \(holder)
                """)
        }
    }

    public func heldPermits(_ resource: String, at: Date) async throws -> Int {
        try await read("counting the permits of \(resource)") { db in
            try await db.value(
                "SELECT COUNT(*) FROM permits WHERE resource = \(resource) AND until > \(at)", as: Int.self) ?? 0
        }
    }
}
