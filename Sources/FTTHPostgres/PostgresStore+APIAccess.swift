import FTTHCore
import FTTHStoreKit
import Foundation
import PostgresNIO

extension PostgresStore: TokenStore {
    static let tokenColumns = "SELECT name, role, created_at, revoked_at FROM api_tokens"

    static func token(_ row: Row) throws -> APIToken {
        StoredAccess.token(
            name: try row["name"], role: try row["role"], createdAt: try row["created_at"],
            revokedAt: try row["revoked_at"])
    }

    public func createToken(name: String, role: APIRole, at: Date) async throws -> IssuedAPIToken {
        let secret = TokenSecret.generate()
        let hash = TokenSecret.sha256Hex(secret)
        return try await write("creating token \(name)") { db in
            if try await db.row("SELECT 1 FROM api_tokens WHERE name = \(name)") != nil {
                throw StoredAccess.tokenNameTaken(name)
            }
            // Two daemons creating the same name at once: see `execute(_:uniqueConstraint:conflict:)`.
            try await db.execute(
                """
                INSERT INTO api_tokens (name, role, secret_sha256, created_at)
                VALUES (\(name), \(role.rawValue), \(hash), \(at))
                """, uniqueConstraint: "api_tokens_name_key", conflict: StoredAccess.tokenNameTaken(name))
            return IssuedAPIToken(token: APIToken(name: name, role: role, createdAt: at), secret: secret)
        }
    }

    public func token(secret: String) async throws -> APIToken? {
        let hash = TokenSecret.sha256Hex(secret)
        return try await read("looking up a token") { db in
            try await db.row(PostgresQuery(Self.tokenColumns, "WHERE secret_sha256 = \(hash)")).map(Self.token)
        }
    }

    public func tokens() async throws -> [APIToken] {
        try await read("listing tokens") { db in
            try await db.rows(PostgresQuery(unsafeSQL: Self.tokenColumns + " ORDER BY id")).map(Self.token)
        }
    }

    @discardableResult
    public func revokeToken(name: String, at: Date) async throws -> APIToken {
        try await write("revoking token \(name)") { db in
            // Only an unrevoked token is changed: revoking twice, or two daemons at once, keeps
            // the first time (the second's transaction is retried and changes nothing).
            try await db.execute(
                "UPDATE api_tokens SET revoked_at = \(at) WHERE name = \(name) AND revoked_at IS NULL")
            guard let row = try await db.row(PostgresQuery(Self.tokenColumns, "WHERE name = \(name)")) else {
                throw StoreError.notFound("token \(name)")
            }
            return try Self.token(row)
        }
    }
}

extension PostgresStore: ThresholdStore {
    static func storedProfiles(_ db: PostgresConnection) async throws -> [String: ThresholdProfile] {
        let columns = StoredForm.thresholdColumns.map(\.column).joined(separator: ", ")
        var profiles: [String: ThresholdProfile] = [:]
        for row in try await db.rows(
            PostgresQuery(unsafeSQL: "SELECT name, \(columns), advisory FROM threshold_profiles"))
        {
            var profile = ThresholdProfile(name: try row["name"])
            for (key, column) in StoredForm.thresholdColumns {
                let centi: Int? = try row[column]
                profile[centi: key] = centi
            }
            let advisory: String? = try row["advisory"]
            if let advisory {
                // The table is keyed by name and has no row number: 0 stands for it, and the
                // problem names the profile.
                profile.advisory = try StoredThresholds.advisoryChecks(advisory, profile: profile.name, id: 0)
            }
            profiles[profile.name] = profile
        }
        return profiles
    }

    public func thresholdProfiles(configured: [String: ThresholdProfile]) async throws -> [ThresholdProfile] {
        try await read("reading threshold profiles") { db in
            configured.merging(try await Self.storedProfiles(db)) { _, stored in stored }.values.sorted {
                $0.name < $1.name
            }
        }
    }

    /// Writes `new` as the stored profile (replacing the row, as SQLite's `INSERT OR REPLACE`)
    /// and appends `changes` to the audit.
    static func storeProfile(
        _ db: PostgresConnection, _ new: ThresholdProfile, changes: [ThresholdChange], actor: String, at: Date
    ) async throws {
        let columns = ["name"] + StoredForm.thresholdColumns.map(\.column) + ["advisory", "updated_at", "updated_by"]
        var binds = PostgresBindings()
        binds.append(new.name)
        for (key, _) in StoredForm.thresholdColumns { binds.append(new[centi: key]) }
        binds.append(StoredThresholds.advisoryText(new))
        binds.append(at)
        binds.append(actor)
        let placeholders = columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        let updates = columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        try await db.execute(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO threshold_profiles (\(columns.joined(separator: ", "))) VALUES (\(placeholders))
                    ON CONFLICT (name) DO UPDATE SET \(updates)
                    """, binds: binds))
        for change in changes {
            try await db.execute(
                """
                INSERT INTO threshold_changes (at, actor, profile, key, aspect, old_value, new_value)
                VALUES (\(change.at), \(change.actor), \(change.profile), \(change.key.rawValue),
                    \(change.aspect.rawValue), \(change.oldValue), \(change.newValue))
                """)
        }
    }

    /// Two administrators changing one profile at once: both read it, and SERIALIZABLE makes
    /// the second's transaction fail and run again from the first's result, so each audit row's
    /// old value is the value it replaced.
    public func updateThresholdProfile(
        _ name: String, settings: [ThresholdSetting], configured: [String: ThresholdProfile], actor: String, at: Date
    ) async throws -> (profile: ThresholdProfile, changes: [ThresholdChange]) {
        try await write("changing threshold profile \(name)") { db in
            guard let old = try await Self.storedProfiles(db)[name] ?? configured[name] else {
                throw StoreError.notFound("threshold profile \(name)")
            }
            let (new, changes) = try StoredThresholds.update(name, from: old, with: settings, actor: actor, at: at)
            guard !changes.isEmpty else { return (old, []) }
            try await Self.storeProfile(db, new, changes: changes, actor: actor, at: at)
            return (new, changes)
        }
    }

    /// Daemons starting together with the same file: the one that commits first seeds or edits
    /// the profiles; the others' transactions are retried, find the file already applied and
    /// change nothing, so each edit is audited once.
    public func applyConfiguredThresholds(_ configured: [String: ThresholdProfile], at: Date) async throws
        -> [ThresholdChange]
    {
        let encoded = try configured.mapValues(StoredThresholds.configuredJSON)
        return try await write("applying the configured threshold profiles") { db in
            let stored = try await Self.storedProfiles(db)
            var made: [ThresholdChange] = []
            for name in configured.keys.sorted() {
                let seen = try await db.value(
                    "SELECT profile_json FROM threshold_configured WHERE name = \(name)", as: String.self
                ).map(StoredThresholds.configured(json:))
                let step = StoredThresholds.configuredStep(
                    name, file: configured[name]!, seen: seen, stored: stored[name], at: at)
                guard case .apply(let new, let changes) = step else { continue }
                if let new {
                    try await Self.storeProfile(db, new, changes: changes, actor: "config", at: at)
                    made += changes
                }
                try await db.execute(
                    """
                    INSERT INTO threshold_configured (name, profile_json, applied_at) VALUES (\(name), \(encoded[name]!), \(at))
                    ON CONFLICT (name) DO UPDATE SET profile_json = excluded.profile_json, applied_at = excluded.applied_at
                    """)
            }
            return made
        }
    }

    public func thresholdHistory(profile: String?) async throws -> [ThresholdChange] {
        try await read("reading the threshold history") { db in
            let select = "SELECT at, actor, profile, key, aspect, old_value, new_value FROM threshold_changes"
            let rows: [Row]
            if let profile {
                rows = try await db.rows(PostgresQuery(select, "WHERE profile = \(profile) ORDER BY id"))
            } else {
                rows = try await db.rows(PostgresQuery(unsafeSQL: select + " ORDER BY id"))
            }
            return try rows.map { row in
                StoredThresholds.change(
                    at: try row["at"], actor: try row["actor"], profile: try row["profile"], key: try row["key"],
                    aspect: try row["aspect"], oldValue: try row["old_value"], newValue: try row["new_value"])
            }
        }
    }
}
