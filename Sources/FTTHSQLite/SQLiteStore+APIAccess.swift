import FTTHCore
import Foundation
import GRDB

extension SQLiteStore {
    /// The `metrics` role (a Prometheus scraper): SQLite cannot change a CHECK, so the table is
    /// rebuilt as it was with the new role allowed, as v6 did for `probe`. It comes after the
    /// run leases (v12) and permits (v13), which stores in use may already carry.
    static func registerMetricsRoleMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v14-metrics-role") { db in
            try db.execute(
                sql: """
                    CREATE TABLE api_tokens_v14 (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        role TEXT NOT NULL CHECK (role IN ('crew', 'admin', 'integration', 'probe', 'metrics')),
                        secret_sha256 TEXT NOT NULL UNIQUE CHECK (length(secret_sha256) = 64),
                        created_at DATETIME NOT NULL,
                        revoked_at DATETIME
                    );
                    INSERT INTO api_tokens_v14 (id, name, role, secret_sha256, created_at, revoked_at)
                        SELECT id, name, role, secret_sha256, created_at, revoked_at FROM api_tokens;
                    DROP TABLE api_tokens;
                    ALTER TABLE api_tokens_v14 RENAME TO api_tokens;
                    """)
        }
    }

    /// Bearer tokens (hashed), stored threshold profiles, and the append-only threshold audit.
    static func migrateAPIAccess(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE api_tokens (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL CHECK (role IN ('crew', 'admin', 'integration')),
                    -- SHA-256 of the secret, lower-case hex. The secret itself is never stored.
                    secret_sha256 TEXT NOT NULL UNIQUE CHECK (length(secret_sha256) = 64),
                    created_at DATETIME NOT NULL,
                    revoked_at DATETIME
                );
                -- A profile changed through the API replaces the configuration's profile of that name.
                -- Limits in hundredths of dBm or dB; NULL = check off.
                CREATE TABLE threshold_profiles (
                    name TEXT PRIMARY KEY,
                    min_onu_rx_centi INTEGER,
                    max_onu_rx_centi INTEGER,
                    min_olt_rx_centi INTEGER,
                    max_downstream_centi INTEGER,
                    max_upstream_centi INTEGER,
                    updated_at DATETIME NOT NULL,
                    updated_by TEXT NOT NULL
                );
                -- Audit: append-only. Values as two-decimal text; NULL = check off.
                CREATE TABLE threshold_changes (
                    id INTEGER PRIMARY KEY,
                    at DATETIME NOT NULL,
                    actor TEXT NOT NULL,
                    profile TEXT NOT NULL,
                    key TEXT NOT NULL,
                    old_value TEXT,
                    new_value TEXT
                );
                CREATE INDEX threshold_changes_profile ON threshold_changes (profile, id);
                CREATE TRIGGER threshold_changes_no_update BEFORE UPDATE ON threshold_changes
                BEGIN SELECT RAISE(ABORT, 'threshold_changes is append-only history'); END;
                CREATE TRIGGER threshold_changes_no_delete BEFORE DELETE ON threshold_changes
                BEGIN SELECT RAISE(ABORT, 'threshold_changes is append-only history'); END;
                """)
    }

    static let thresholdColumns = StoredForm.thresholdColumns
}

extension SQLiteStore: TokenStore {
    static func token(_ row: Row) -> APIToken {
        StoredAccess.token(
            name: row["name"], role: row["role"], createdAt: row["created_at"], revokedAt: row["revoked_at"])
    }

    public func createToken(name: String, role: APIRole, at: Date) async throws -> IssuedAPIToken {
        let secret = TokenSecret.generate()
        let hash = TokenSecret.sha256Hex(secret)
        return try await write("creating token \(name)") { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM api_tokens WHERE name = ?", arguments: [name]) == true {
                throw StoredAccess.tokenNameTaken(name)
            }
            try db.execute(
                sql: "INSERT INTO api_tokens (name, role, secret_sha256, created_at) VALUES (?, ?, ?, ?)",
                arguments: [name, role.rawValue, hash, at])
            return IssuedAPIToken(token: APIToken(name: name, role: role, createdAt: at), secret: secret)
        }
    }

    public func token(secret: String) async throws -> APIToken? {
        let hash = TokenSecret.sha256Hex(secret)
        return try await read("looking up a token") { db in
            try Row.fetchOne(
                db, sql: "SELECT name, role, created_at, revoked_at FROM api_tokens WHERE secret_sha256 = ?",
                arguments: [hash]
            ).map(Self.token)
        }
    }

    public func tokens() async throws -> [APIToken] {
        try await read("listing tokens") { db in
            try Row.fetchAll(db, sql: "SELECT name, role, created_at, revoked_at FROM api_tokens ORDER BY id").map(
                Self.token)
        }
    }

    @discardableResult
    public func revokeToken(name: String, at: Date) async throws -> APIToken {
        try await write("revoking token \(name)") { db in
            try db.execute(
                sql: "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                arguments: [at, name])
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT name, role, created_at, revoked_at FROM api_tokens WHERE name = ?",
                    arguments: [name])
            else {
                throw StoreError.notFound("token \(name)")
            }
            return Self.token(row)
        }
    }
}

extension SQLiteStore: ThresholdStore {
    /// Bindings (which checks only warn) and the configuration as last applied, so that an edit
    /// of the file is told apart from an administrator's change.
    static func migrateThresholdBindings(_ db: Database) throws {
        try db.execute(
            sql: """
                -- Comma-separated check keys that warn instead of failing; NULL (rows stored before
                -- bindings existed) means the operator's rule: only the ONU rx checks bind.
                ALTER TABLE threshold_profiles ADD COLUMN advisory TEXT;
                ALTER TABLE threshold_changes ADD COLUMN aspect TEXT NOT NULL DEFAULT 'limit';
                CREATE TABLE threshold_configured (
                    name TEXT PRIMARY KEY,
                    profile_json TEXT NOT NULL,
                    applied_at DATETIME NOT NULL
                );
                """)
    }

    static func storedProfiles(_ db: Database) throws -> [String: ThresholdProfile] {
        var profiles: [String: ThresholdProfile] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT rowid, * FROM threshold_profiles") {
            var profile = ThresholdProfile(name: row["name"])
            for (key, column) in thresholdColumns { profile[centi: key] = row[column] }
            if let advisory = row["advisory"] as String? {
                profile.advisory = try StoredThresholds.advisoryChecks(
                    advisory, profile: profile.name, id: row["rowid"])
            }
            profiles[profile.name] = profile
        }
        return profiles
    }

    public func thresholdProfiles(configured: [String: ThresholdProfile]) async throws -> [ThresholdProfile] {
        try await read("reading threshold profiles") { db in
            configured.merging(try Self.storedProfiles(db)) { _, stored in stored }.values.sorted {
                $0.name < $1.name
            }
        }
    }

    /// Writes `new` as the stored profile and appends `changes` to the audit.
    static func storeProfile(
        _ db: Database, _ new: ThresholdProfile, changes: [ThresholdChange], actor: String, at: Date
    )
        throws
    {
        let columns = thresholdColumns.map(\.column) + ["advisory"]
        var values: [(any DatabaseValueConvertible)?] = [new.name]
        values += thresholdColumns.map { new[centi: $0.key] as (any DatabaseValueConvertible)? }
        values.append(StoredThresholds.advisoryText(new))
        values += [at, actor]
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO threshold_profiles (name, \(columns.joined(separator: ", ")), updated_at, updated_by)
                VALUES (?, \(columns.map { _ in "?" }.joined(separator: ", ")), ?, ?)
                """,
            arguments: StatementArguments(values))
        for change in changes {
            try db.execute(
                sql: """
                    INSERT INTO threshold_changes (at, actor, profile, key, aspect, old_value, new_value)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    change.at, change.actor, change.profile, change.key.rawValue, change.aspect.rawValue,
                    change.oldValue, change.newValue,
                ])
        }
    }

    public func updateThresholdProfile(
        _ name: String, settings: [ThresholdSetting], configured: [String: ThresholdProfile], actor: String, at: Date
    ) async throws -> (profile: ThresholdProfile, changes: [ThresholdChange]) {
        try await write("changing threshold profile \(name)") { db in
            guard let old = try Self.storedProfiles(db)[name] ?? configured[name] else {
                throw StoreError.notFound("threshold profile \(name)")
            }
            let (new, changes) = try StoredThresholds.update(name, from: old, with: settings, actor: actor, at: at)
            guard !changes.isEmpty else { return (old, []) }
            try Self.storeProfile(db, new, changes: changes, actor: actor, at: at)
            return (new, changes)
        }
    }

    public func applyConfiguredThresholds(_ configured: [String: ThresholdProfile], at: Date) async throws
        -> [ThresholdChange]
    {
        let encoded = try configured.mapValues(StoredThresholds.configuredJSON)
        return try await write("applying the configured threshold profiles") { db in
            let stored = try Self.storedProfiles(db)
            var made: [ThresholdChange] = []
            for name in configured.keys.sorted() {
                let seen = try String.fetchOne(
                    db, sql: "SELECT profile_json FROM threshold_configured WHERE name = ?", arguments: [name]
                ).map(StoredThresholds.configured(json:))
                let step = StoredThresholds.configuredStep(
                    name, file: configured[name]!, seen: seen, stored: stored[name], at: at)
                guard case .apply(let new, let changes) = step else { continue }
                if let new {
                    try Self.storeProfile(db, new, changes: changes, actor: "config", at: at)
                    made += changes
                }
                try db.execute(
                    sql:
                        "INSERT OR REPLACE INTO threshold_configured (name, profile_json, applied_at) VALUES (?, ?, ?)",
                    arguments: [name, encoded[name]!, at])
            }
            return made
        }
    }

    public func thresholdHistory(profile: String?) async throws -> [ThresholdChange] {
        try await read("reading the threshold history") { db in
            let rows: [Row]
            if let profile {
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM threshold_changes WHERE profile = ? ORDER BY id", arguments: [profile])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM threshold_changes ORDER BY id")
            }
            return rows.map { row in
                StoredThresholds.change(
                    at: row["at"], actor: row["actor"], profile: row["profile"], key: row["key"], aspect: row["aspect"],
                    oldValue: row["old_value"], newValue: row["new_value"])
            }
        }
    }
}
