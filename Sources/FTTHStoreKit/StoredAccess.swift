import FTTHCore
import Foundation

/// The rules of the API's tokens and people's web accounts, one definition for every store:
/// what is refused and in which words, and how a stored role or language reads back.
package enum StoredAccess {
    /// A token name already taken, revoked or not.
    package static func tokenNameTaken(_ name: String) -> StoreError {
        StoreError.conflict(
            location: nil,
            message:
                "a token named '\(name)' already exists; choose another name, or revoke it and create one under a new name"
        )
    }

    /// An account name already taken.
    package static func accountNameTaken(_ name: String) -> StoreError {
        StoreError.conflict(location: nil, message: "an account named '\(name)' already exists; choose another name")
    }

    /// Refuses a role a person's account cannot have (integrations and probes hold tokens).
    package static func checkPersonsRole(_ role: APIRole) throws(StoreError) {
        guard role == .crew || role == .admin else {
            throw StoreError.conflict(
                location: nil, message: "a person's account is crew or admin; use a token for the role \(role)")
        }
    }

    /// A sign-in code asked for an account that does not exist.
    package static func noAccountForCode(_ name: String) -> StoreError {
        StoreError.notFound("no account named '\(name)': create it first (`ftthctl account create`)")
    }

    /// A session asked for an account that does not exist.
    package static func noAccount(_ name: String) -> StoreError { StoreError.notFound("no account named '\(name)'") }

    /// A token as stored. A role this version does not know (written by a newer daemon of the
    /// cluster) reads as the least one, `metrics`, which may read only `/metrics`: never as
    /// more than it was given.
    package static func token(name: String, role: String, createdAt: Date, revokedAt: Date?) -> APIToken {
        APIToken(name: name, role: APIRole(rawValue: role) ?? .metrics, createdAt: createdAt, revokedAt: revokedAt)
    }

    /// An account as stored: admin or else crew, a language unknown to this version as Chinese.
    package static func account(name: String, role: String, language: String, createdAt: Date) -> WebAccount {
        WebAccount(
            name: name, role: role == APIRole.admin.rawValue ? .admin : .crew,
            language: WebLanguage(rawValue: language) ?? .zh, createdAt: createdAt)
    }
}
