import FTTHCore
import Foundation
import GRDB

extension SQLiteStore {
    /// v8-web-accounts: people's accounts (bcrypt hashes), one-time sign-in codes and web
    /// sessions; codes and session ids as SHA-256 only.
    static func registerWebAccountMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-web-accounts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE web_accounts (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        role TEXT NOT NULL CHECK (role IN ('crew', 'admin')),
                        language TEXT NOT NULL CHECK (language IN ('zh', 'en')),
                        -- bcrypt; NULL: signs in by one-time codes only.
                        password_hash TEXT,
                        created_at DATETIME NOT NULL
                    );
                    CREATE TABLE web_sign_in_codes (
                        code_sha256 TEXT PRIMARY KEY CHECK (length(code_sha256) = 64),
                        account_id INTEGER NOT NULL REFERENCES web_accounts(id) ON DELETE CASCADE,
                        created_at DATETIME NOT NULL,
                        expires_at DATETIME NOT NULL,
                        used_at DATETIME
                    );
                    CREATE TABLE web_sessions (
                        id_sha256 TEXT PRIMARY KEY CHECK (length(id_sha256) = 64),
                        account_id INTEGER NOT NULL REFERENCES web_accounts(id) ON DELETE CASCADE,
                        csrf_token TEXT NOT NULL,
                        created_at DATETIME NOT NULL,
                        expires_at DATETIME NOT NULL,
                        revoked_at DATETIME
                    );
                    CREATE INDEX web_sessions_account ON web_sessions (account_id);
                    """)
        }
    }

    static func webAccount(_ row: Row) -> WebAccount {
        StoredAccess.account(
            name: row["name"], role: row["role"], language: row["language"], createdAt: row["created_at"])
    }
}

extension SQLiteStore: WebAccountStore {
    @discardableResult
    public func createAccount(
        name: String, role: APIRole, language: WebLanguage, passwordHash: String?, at: Date
    ) async throws -> WebAccount {
        try StoredAccess.checkPersonsRole(role)
        return try await write("creating account \(name)") { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM web_accounts WHERE name = ?", arguments: [name]) == true {
                throw StoredAccess.accountNameTaken(name)
            }
            try db.execute(
                sql:
                    "INSERT INTO web_accounts (name, role, language, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, role.rawValue, language.rawValue, passwordHash, at])
            return WebAccount(name: name, role: role, language: language, createdAt: at)
        }
    }

    public func account(name: String) async throws -> (account: WebAccount, passwordHash: String?)? {
        try await read("looking up account \(name)") { db in
            try Row.fetchOne(
                db, sql: "SELECT name, role, language, created_at, password_hash FROM web_accounts WHERE name = ?",
                arguments: [name]
            ).map { (Self.webAccount($0), $0["password_hash"]) }
        }
    }

    public func accounts() async throws -> [WebAccount] {
        try await read("listing accounts") { db in
            try Row.fetchAll(db, sql: "SELECT name, role, language, created_at FROM web_accounts ORDER BY id").map(
                Self.webAccount)
        }
    }

    public func issueSignInCode(for name: String, expiresAt: Date, at: Date) async throws -> String {
        let code = TokenSecret.generate()
        let hash = TokenSecret.sha256Hex(code)
        try await write("issuing a sign-in code for \(name)") { db in
            guard
                let id = try Int64.fetchOne(db, sql: "SELECT id FROM web_accounts WHERE name = ?", arguments: [name])
            else {
                throw StoredAccess.noAccountForCode(name)
            }
            try db.execute(
                sql:
                    "INSERT INTO web_sign_in_codes (code_sha256, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [hash, id, at, expiresAt])
        }
        return code
    }

    public func redeemSignInCode(_ code: String, at: Date) async throws -> WebAccount? {
        let hash = TokenSecret.sha256Hex(code)
        return try await write("using a sign-in code") { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT a.name, a.role, a.language, a.created_at, c.expires_at, c.used_at
                        FROM web_sign_in_codes c JOIN web_accounts a ON a.id = c.account_id
                        WHERE c.code_sha256 = ?
                        """, arguments: [hash])
            else { return nil }
            let used: Date? = row["used_at"]
            let expires: Date = row["expires_at"]
            guard used == nil, expires > at else { return nil }
            try db.execute(
                sql: "UPDATE web_sign_in_codes SET used_at = ? WHERE code_sha256 = ?", arguments: [at, hash])
            return Self.webAccount(row)
        }
    }

    public func openSession(for name: String, expiresAt: Date, at: Date) async throws -> IssuedWebSession {
        let id = TokenSecret.generate()
        let csrf = TokenSecret.generate()
        return try await write("opening a session for \(name)") { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT id, name, role, language, created_at FROM web_accounts WHERE name = ?",
                    arguments: [name])
            else { throw StoredAccess.noAccount(name) }
            try db.execute(
                sql: """
                    INSERT INTO web_sessions (id_sha256, account_id, csrf_token, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [TokenSecret.sha256Hex(id), row["id"] as Int64, csrf, at, expiresAt])
            return IssuedWebSession(
                session: WebSession(account: Self.webAccount(row), csrfToken: csrf, expiresAt: expiresAt), id: id)
        }
    }

    public func session(id: String, at: Date) async throws -> WebSession? {
        let hash = TokenSecret.sha256Hex(id)
        return try await read("looking up a session") { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT a.name, a.role, a.language, a.created_at, s.csrf_token, s.expires_at, s.revoked_at
                        FROM web_sessions s JOIN web_accounts a ON a.id = s.account_id
                        WHERE s.id_sha256 = ?
                        """, arguments: [hash])
            else { return nil }
            let revoked: Date? = row["revoked_at"]
            let expires: Date = row["expires_at"]
            guard revoked == nil, expires > at else { return nil }
            return WebSession(account: Self.webAccount(row), csrfToken: row["csrf_token"], expiresAt: expires)
        }
    }

    public func revokeSession(id: String, at: Date) async throws {
        let hash = TokenSecret.sha256Hex(id)
        try await write("signing out") { db in
            try db.execute(
                sql: "UPDATE web_sessions SET revoked_at = ? WHERE id_sha256 = ? AND revoked_at IS NULL",
                arguments: [at, hash])
        }
    }

    @discardableResult
    public func revokeSessions(of name: String, at: Date) async throws -> Int {
        try await write("revoking the sessions of \(name)") { db in
            try db.execute(
                sql: """
                    UPDATE web_sessions SET revoked_at = ?
                    WHERE revoked_at IS NULL AND account_id = (SELECT id FROM web_accounts WHERE name = ?)
                    """, arguments: [at, name])
            return db.changesCount
        }
    }
}
