import Foundation

/// The language a person reads the web pages in; Chinese is the operator's crews' default.
public enum WebLanguage: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case zh
    case en

    /// The code as written on the command line and in the `lang` attribute.
    public var description: String { rawValue }
}

/// A person who signs in to the web pages: a crew member or an administrator. Integrations and
/// probes use bearer tokens (``APIToken``) instead.
public struct WebAccount: Sendable, Hashable, Codable {
    /// Unique sign-in name; the actor in audit records.
    public var name: String
    /// ``APIRole/crew`` or ``APIRole/admin``.
    public var role: APIRole
    public var language: WebLanguage
    public var createdAt: Date

    /// Creates an account record; `role` must be crew or admin.
    public init(name: String, role: APIRole, language: WebLanguage, createdAt: Date) {
        precondition(role == .crew || role == .admin, "a person's account is crew or admin, not \(role)")
        self.name = name
        self.role = role
        self.language = language
        self.createdAt = createdAt
    }
}

/// A signed-in browser: the account, the synchronizer token its forms carry, and when it ends.
/// The session id itself is never stored, only its SHA-256.
public struct WebSession: Sendable, Hashable {
    public var account: WebAccount
    /// Sent in every form of the session and compared on every form post (CSRF).
    public var csrfToken: String
    public var expiresAt: Date

    /// Pairs an account with its session's token and expiry.
    public init(account: WebAccount, csrfToken: String, expiresAt: Date) {
        self.account = account
        self.csrfToken = csrfToken
        self.expiresAt = expiresAt
    }
}

/// A session just opened: the id goes into the browser's cookie once and is kept nowhere else.
public struct IssuedWebSession: Sendable {
    public var session: WebSession
    /// 32 random bytes in base64url: the cookie's value.
    public var id: String

    /// Pairs a session with its id.
    public init(session: WebSession, id: String) {
        self.session = session
        self.id = id
    }
}

/// Where people's accounts, one-time sign-in codes and web sessions are kept. Passwords arrive
/// already hashed (bcrypt, by the caller); codes and session ids are kept as SHA-256 only.
public protocol WebAccountStore: Sendable {
    /// Creates an account; `passwordHash` nil means it signs in by one-time codes only. A name
    /// already taken throws ``StoreError/conflict(location:message:)``.
    @discardableResult
    func createAccount(
        name: String, role: APIRole, language: WebLanguage, passwordHash: String?, at: Date
    ) async throws -> WebAccount

    /// The account named `name` and its password hash (nil when it has no password).
    func account(name: String) async throws -> (account: WebAccount, passwordHash: String?)?

    /// Every account, oldest first.
    func accounts() async throws -> [WebAccount]

    /// Issues a one-time sign-in code for `name` valid until `expiresAt`; returns the code once.
    /// Throws ``StoreError/notFound(_:)`` for an unknown account.
    func issueSignInCode(for name: String, expiresAt: Date, at: Date) async throws -> String

    /// Uses up `code`: the account it was issued for when it is known, unused and not expired at
    /// `at`; nil otherwise. A code works once.
    func redeemSignInCode(_ code: String, at: Date) async throws -> WebAccount?

    /// Opens a session for `name` until `expiresAt`.
    func openSession(for name: String, expiresAt: Date, at: Date) async throws -> IssuedWebSession

    /// The live session with id `id` at `at`; nil when unknown, expired or revoked.
    func session(id: String, at: Date) async throws -> WebSession?

    /// Ends the session with id `id` (signing out); unknown ids are ignored.
    func revokeSession(id: String, at: Date) async throws

    /// Ends every live session of `name` (an administrator revokes); returns how many.
    @discardableResult
    func revokeSessions(of name: String, at: Date) async throws -> Int
}
