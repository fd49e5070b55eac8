import FTTHCore
import FTTHStoreKit
import Foundation
import Testing

/// The contract of ``TokenStore`` the API's authentication and `ftthctl token` rely on: a
/// secret opens its token until it is revoked, names are unique for good, and revoking keeps
/// the first time.
@Suite("Store conformance: tokens")
struct TokenConformanceTests {
    typealias Base = StoreConformanceTests

    @Test(arguments: StoreKind.allCases)
    func aCreatedTokenIsFoundByItsSecretUntilRevoked(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        let issued = try await h.store.createToken(name: "crew-north", role: .crew, at: Base.t0)
        #expect(issued.token == APIToken(name: "crew-north", role: .crew, createdAt: Base.t0))
        #expect(issued.secret.hasPrefix("ftth_"))
        #expect(try await h.store.token(secret: issued.secret) == issued.token)
        #expect(try await h.store.token(secret: issued.secret + "x") == nil)

        let later = Base.t0.addingTimeInterval(60)
        let revoked = try await h.store.revokeToken(name: "crew-north", at: later)
        #expect(revoked.revokedAt == later)
        // A revoked token is still found, so the API can say it was revoked, but opens nothing.
        #expect(try await h.store.token(secret: issued.secret)?.isActive == false)
        #expect(
            try await h.store.revokeToken(name: "crew-north", at: later.addingTimeInterval(60)).revokedAt == later,
            "revoking again keeps the first time")
        #expect(try await h.store.tokens().map(\.name) == ["crew-north"])
    }

    @Test(arguments: StoreKind.allCases)
    func secretsDifferNamesAreUniqueForGoodAndTokensListOldestFirst(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        let a = try await h.store.createToken(name: "a", role: .admin, at: Base.t0)
        let b = try await h.store.createToken(name: "b", role: .integration, at: Base.t0.addingTimeInterval(1))
        let probe = try await h.store.createToken(name: "probe-1", role: .probe, at: Base.t0.addingTimeInterval(2))
        #expect(a.secret != b.secret)
        #expect(try await h.store.token(secret: probe.secret)?.role == .probe)
        await #expect {
            _ = try await h.store.createToken(name: "a", role: .crew, at: Base.t0)
        } throws: { error in
            isConflict(error) && "\(error)".contains("'a' already exists")
        }
        // Even a revoked token's name stays taken: audit records name it.
        try await h.store.revokeToken(name: "b", at: Base.t0)
        await #expect { _ = try await h.store.createToken(name: "b", role: .crew, at: Base.t0) } throws: {
            isConflict($0)
        }
        await #expect { try await h.store.revokeToken(name: "nobody", at: Base.t0) } throws: { isNotFound($0) }
        #expect(try await h.store.tokens().map(\.name) == ["a", "b", "probe-1"])
        #expect(try await h.store.tokens().map(\.role) == [.admin, .integration, .probe])
    }

    /// Every role reads back as it was created, `metrics` (a Prometheus scraper) included: a
    /// store whose schema refused a role, or read it back as another, would lose or widen access.
    @Test(arguments: StoreKind.allCases)
    func everyRoleReadsBackAsCreated(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        var secrets: [APIRole: String] = [:]
        for (index, role) in APIRole.allCases.enumerated() {
            let issued = try await h.store.createToken(
                name: "token-\(role)", role: role, at: Base.t0.addingTimeInterval(Double(index)))
            #expect(issued.token.role == role)
            secrets[role] = issued.secret
        }
        for (role, secret) in secrets { #expect(try await h.store.token(secret: secret)?.role == role, "\(role)") }
        #expect(try await h.store.tokens().map(\.role) == APIRole.allCases)
    }

    /// Two administrators (on two daemons) create the same name at once: one token, and the
    /// other is told the name is taken, never a database failure.
    @Test(arguments: StoreKind.allCases)
    func oneNameCreatedAtOnceMakesOneToken(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        let store = h.store
        let outcomes = await concurrently(4) { _ in
            try await store.createToken(name: "inventory", role: .integration, at: Base.t0)
        }
        let made = outcomes.compactMap { try? $0.get() }
        #expect(made.count == 1)
        for case .failure(let error) in outcomes { #expect(isConflict(error), "\(error)") }
        #expect(try await store.tokens().map(\.name) == ["inventory"])
        #expect(try await store.token(secret: try #require(made.first).secret)?.name == "inventory")
    }

    /// Revocations at once keep one time, the same one every caller is told.
    @Test(arguments: StoreKind.allCases)
    func revocationsAtOnceKeepOneTime(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        let store = h.store
        let issued = try await store.createToken(name: "crew-south", role: .crew, at: Base.t0)
        let outcomes = await concurrently(4) { index in
            try await store.revokeToken(name: "crew-south", at: Base.t0.addingTimeInterval(Double(index + 1)))
        }
        let times = Set(try outcomes.map { try $0.get().revokedAt })
        #expect(times.count == 1)
        #expect(try await store.token(secret: issued.secret)?.revokedAt == times.first!)
    }
}

/// How a stored role this version does not know reads back (a newer daemon of the cluster
/// wrote it): never as more than it was given.
@Suite struct StoredRoleTests {
    @Test func aRoleThisVersionDoesNotKnowReadsAsTheLeastOne() {
        let token = StoredAccess.token(name: "grafana", role: "auditor", createdAt: Date(), revokedAt: nil)
        #expect(token.role == .metrics)
        #expect(StoredAccess.token(name: "crew-1", role: "crew", createdAt: Date(), revokedAt: nil).role == .crew)
    }
}
