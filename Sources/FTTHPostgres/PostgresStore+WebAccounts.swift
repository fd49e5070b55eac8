import FTTHCore
import FTTHStoreKit
import Foundation
import PostgresNIO

extension PostgresStore {
    static func webAccount(_ row: Row) throws -> WebAccount {
        StoredAccess.account(
            name: try row["name"], role: try row["role"], language: try row["language"],
            createdAt: try row["created_at"])
    }
}

extension PostgresStore: WebAccountStore {
    @discardableResult
    public func createAccount(
        name: String, role: APIRole, language: WebLanguage, passwordHash: String?, at: Date
    ) async throws -> WebAccount {
        try StoredAccess.checkPersonsRole(role)
        return try await write("creating account \(name)") { db in
            if try await db.row("SELECT 1 FROM web_accounts WHERE name = \(name)") != nil {
                throw StoredAccess.accountNameTaken(name)
            }
            // Two daemons creating the same name at once: see `execute(_:uniqueConstraint:conflict:)`.
            try await db.execute(
                """
                INSERT INTO web_accounts (name, role, language, password_hash, created_at)
                VALUES (\(name), \(role.rawValue), \(language.rawValue), \(passwordHash), \(at))
                """, uniqueConstraint: "web_accounts_name_key", conflict: StoredAccess.accountNameTaken(name))
            return WebAccount(name: name, role: role, language: language, createdAt: at)
        }
    }

    public func account(name: String) async throws -> (account: WebAccount, passwordHash: String?)? {
        try await read("looking up account \(name)") { db in
            guard
                let row = try await db.row(
                    "SELECT name, role, language, created_at, password_hash FROM web_accounts WHERE name = \(name)")
            else { return nil }
            let hash: String? = try row["password_hash"]
            return (try Self.webAccount(row), hash)
        }
    }

    public func accounts() async throws -> [WebAccount] {
        try await read("listing accounts") { db in
            try await db.rows("SELECT name, role, language, created_at FROM web_accounts ORDER BY id").map(
                Self.webAccount)
        }
    }

    public func issueSignInCode(for name: String, expiresAt: Date, at: Date) async throws -> String {
        let code = TokenSecret.generate()
        let hash = TokenSecret.sha256Hex(code)
        try await write("issuing a sign-in code for \(name)") { db in
            guard let id = try await db.value("SELECT id FROM web_accounts WHERE name = \(name)", as: Int64.self)
            else { throw StoredAccess.noAccountForCode(name) }
            try await db.execute(
                """
                INSERT INTO web_sign_in_codes (code_sha256, account_id, created_at, expires_at)
                VALUES (\(hash), \(id), \(at), \(expiresAt))
                """)
        }
        return code
    }

    /// One statement takes the code: the UPDATE changes it only while unused and unexpired, and
    /// holds its row until the transaction ends. A second redemption at the same moment (the
    /// same link opened on two daemons) waits for that row, then fails to serialize and is run
    /// again, when the code is used: exactly one browser gets a session.
    public func redeemSignInCode(_ code: String, at: Date) async throws -> WebAccount? {
        let hash = TokenSecret.sha256Hex(code)
        return try await write("using a sign-in code") { db in
            try await db.row(
                """
                UPDATE web_sign_in_codes c SET used_at = \(at)
                FROM web_accounts a
                WHERE a.id = c.account_id AND c.code_sha256 = \(hash) AND c.used_at IS NULL AND c.expires_at > \(at)
                RETURNING a.name, a.role, a.language, a.created_at
                """
            ).map(Self.webAccount)
        }
    }

    public func openSession(for name: String, expiresAt: Date, at: Date) async throws -> IssuedWebSession {
        let id = TokenSecret.generate()
        let csrf = TokenSecret.generate()
        return try await write("opening a session for \(name)") { db in
            guard
                let row = try await db.row(
                    "SELECT id, name, role, language, created_at FROM web_accounts WHERE name = \(name)")
            else { throw StoredAccess.noAccount(name) }
            let accountID: Int64 = try row["id"]
            try await db.execute(
                """
                INSERT INTO web_sessions (id_sha256, account_id, csrf_token, created_at, expires_at)
                VALUES (\(TokenSecret.sha256Hex(id)), \(accountID), \(csrf), \(at), \(expiresAt))
                """)
            return IssuedWebSession(
                session: WebSession(account: try Self.webAccount(row), csrfToken: csrf, expiresAt: expiresAt), id: id)
        }
    }

    public func session(id: String, at: Date) async throws -> WebSession? {
        let hash = TokenSecret.sha256Hex(id)
        return try await read("looking up a session") { db in
            guard
                let row = try await db.row(
                    """
                    SELECT a.name, a.role, a.language, a.created_at, s.csrf_token, s.expires_at, s.revoked_at
                    FROM web_sessions s JOIN web_accounts a ON a.id = s.account_id
                    WHERE s.id_sha256 = \(hash)
                    """)
            else { return nil }
            let revoked: Date? = try row["revoked_at"]
            let expires: Date = try row["expires_at"]
            guard revoked == nil, expires > at else { return nil }
            return WebSession(account: try Self.webAccount(row), csrfToken: try row["csrf_token"], expiresAt: expires)
        }
    }

    public func revokeSession(id: String, at: Date) async throws {
        let hash = TokenSecret.sha256Hex(id)
        try await write("signing out") { db in
            try await db.execute(
                "UPDATE web_sessions SET revoked_at = \(at) WHERE id_sha256 = \(hash) AND revoked_at IS NULL")
        }
    }

    /// Counts the sessions this call ended (`RETURNING`): an administrator and a sign-out racing
    /// on one session count it once between them.
    @discardableResult
    public func revokeSessions(of name: String, at: Date) async throws -> Int {
        try await write("revoking the sessions of \(name)") { db in
            try await db.rows(
                """
                UPDATE web_sessions SET revoked_at = \(at)
                WHERE revoked_at IS NULL AND account_id = (SELECT id FROM web_accounts WHERE name = \(name))
                RETURNING 1
                """
            ).count
        }
    }
}
