import FTTHCore
import Foundation
import Testing

/// The contract of ``WebAccountStore`` the web pages' sign-in relies on: accounts with unique
/// names, one-time codes that work once and not after they expire, sessions that end when they
/// expire or are revoked.
@Suite("Store conformance: web accounts")
struct WebAccountConformanceTests {
    typealias Base = StoreConformanceTests
    static let hash = "$2b$12$abcdefghijklmnopqrstuu5J0yZ1w9b1o3xQkq3Yx5cCmN2uJ1qC"

    @Test(arguments: StoreKind.allCases)
    func accountsHaveUniqueNamesAPersonsRoleAndTheirHash(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        let wang = try await h.store.createAccount(
            name: "wang", role: .crew, language: .zh, passwordHash: nil, at: Base.t0)
        #expect(wang == WebAccount(name: "wang", role: .crew, language: .zh, createdAt: Base.t0))
        try await h.store.createAccount(
            name: "li", role: .admin, language: .en, passwordHash: Self.hash, at: Base.t0.addingTimeInterval(1))
        let li = try #require(try await h.store.account(name: "li"))
        #expect(
            li.account == WebAccount(name: "li", role: .admin, language: .en, createdAt: Base.t0.addingTimeInterval(1)))
        #expect(li.passwordHash == Self.hash)
        #expect(try await h.store.account(name: "wang")?.passwordHash == nil, "signs in by codes only")
        #expect(try await h.store.account(name: "zhao") == nil)
        #expect(try await h.store.accounts().map(\.name) == ["wang", "li"])

        await #expect {
            try await h.store.createAccount(name: "wang", role: .admin, language: .en, passwordHash: nil, at: Base.t0)
        } throws: { error in
            isConflict(error) && "\(error)".contains("'wang' already exists")
        }
        for role in [APIRole.integration, .probe] {
            await #expect {
                try await h.store.createAccount(name: "bot", role: role, language: .en, passwordHash: nil, at: Base.t0)
            } throws: { error in
                isConflict(error) && "\(error)".contains("use a token")
            }
        }
        #expect(try await h.store.accounts().count == 2)
    }

    @Test(arguments: StoreKind.allCases)
    func aSignInCodeWorksOnceForItsAccountAndNotAfterItExpires(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        try await h.store.createAccount(name: "wang", role: .crew, language: .zh, passwordHash: nil, at: Base.t0)
        let expires = Base.t0.addingTimeInterval(600)
        let code = try await h.store.issueSignInCode(for: "wang", expiresAt: expires, at: Base.t0)
        let other = try await h.store.issueSignInCode(for: "wang", expiresAt: expires, at: Base.t0)
        #expect(code != other)
        #expect(try await h.store.redeemSignInCode(code + "x", at: Base.t0) == nil)
        #expect(try await h.store.redeemSignInCode(code, at: Base.t0.addingTimeInterval(10))?.name == "wang")
        #expect(
            try await h.store.redeemSignInCode(code, at: Base.t0.addingTimeInterval(20)) == nil, "a code works once")
        #expect(try await h.store.redeemSignInCode(other, at: Base.t0.addingTimeInterval(30))?.name == "wang")
        let late = try await h.store.issueSignInCode(for: "wang", expiresAt: expires, at: Base.t0)
        #expect(try await h.store.redeemSignInCode(late, at: expires) == nil, "expired at its expiry")
    }

    @Test(arguments: StoreKind.allCases)
    func sessionsEndWhenTheyExpireOrAreRevoked(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        try await h.store.createAccount(name: "wang", role: .crew, language: .zh, passwordHash: nil, at: Base.t0)
        let until = Base.t0.addingTimeInterval(3600)
        let laptop = try await h.store.openSession(for: "wang", expiresAt: until, at: Base.t0)
        let phone = try await h.store.openSession(for: "wang", expiresAt: until, at: Base.t0)
        #expect(laptop.id != phone.id && laptop.session.csrfToken != phone.session.csrfToken)
        let found = try #require(try await h.store.session(id: laptop.id, at: Base.t0))
        #expect(found == laptop.session)
        #expect(found.account.name == "wang" && found.expiresAt == until)
        #expect(try await h.store.session(id: laptop.id, at: until) == nil, "expired at its expiry")
        #expect(try await h.store.session(id: "ftth_unknown", at: Base.t0) == nil)

        try await h.store.revokeSession(id: laptop.id, at: Base.t0)
        try await h.store.revokeSession(id: "ftth_unknown", at: Base.t0)
        #expect(try await h.store.session(id: laptop.id, at: Base.t0) == nil)
        #expect(try await h.store.session(id: phone.id, at: Base.t0) != nil)
        #expect(try await h.store.revokeSessions(of: "wang", at: Base.t0) == 1, "only the live one is counted")
        #expect(try await h.store.session(id: phone.id, at: Base.t0) == nil)
        #expect(try await h.store.revokeSessions(of: "wang", at: Base.t0) == 0)
        #expect(try await h.store.revokeSessions(of: "nobody", at: Base.t0) == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func codesAndSessionsAreForAccountsThatExist(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        await #expect {
            _ = try await h.store.issueSignInCode(for: "zhao", expiresAt: Base.t0, at: Base.t0)
        } throws: { error in
            isNotFound(error) && "\(error)".contains("ftthctl account create")
        }
        await #expect {
            _ = try await h.store.openSession(for: "zhao", expiresAt: Base.t0, at: Base.t0)
        } throws: { isNotFound($0) }
    }

    /// One link opened at once in several browsers (or on several daemons): exactly one gets in.
    @Test(arguments: StoreKind.allCases)
    func aCodeRedeemedAtOnceLetsExactlyOneIn(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        let store = h.store
        try await store.createAccount(name: "wang", role: .crew, language: .zh, passwordHash: nil, at: Base.t0)
        let code = try await store.issueSignInCode(for: "wang", expiresAt: Base.t0.addingTimeInterval(600), at: Base.t0)
        let outcomes = await concurrently(6) { _ in try await store.redeemSignInCode(code, at: Base.t0) }
        let accounts = try outcomes.map { try $0.get() }
        #expect(accounts.compactMap { $0 }.map(\.name) == ["wang"])
        #expect(try await store.redeemSignInCode(code, at: Base.t0) == nil)
    }

    /// Two administrators create the same account at once: one account, and the other is told
    /// the name is taken.
    @Test(arguments: StoreKind.allCases)
    func oneNameCreatedAtOnceMakesOneAccount(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        let store = h.store
        let outcomes = await concurrently(4) { index in
            try await store.createAccount(
                name: "wang", role: index.isMultiple(of: 2) ? .crew : .admin, language: .zh, passwordHash: nil,
                at: Base.t0)
        }
        #expect(outcomes.filter { (try? $0.get()) != nil }.count == 1)
        for case .failure(let error) in outcomes { #expect(isConflict(error), "\(error)") }
        #expect(try await store.accounts().map(\.name) == ["wang"])
    }
}
