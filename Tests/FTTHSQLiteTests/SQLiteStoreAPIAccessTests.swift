import FTTHCore
import FTTHSQLite
import Foundation
import GRDB
import Testing

@Suite struct SQLiteStoreTokenTests {
    @Test func aCreatedTokenIsFoundByItsSecretUntilRevoked() async throws {
        let t = try TemporaryStore()
        let issued = try await t.store.createToken(name: "crew-north", role: .crew, at: t0)
        #expect(issued.token == APIToken(name: "crew-north", role: .crew, createdAt: t0))
        #expect(try await t.store.token(secret: issued.secret) == issued.token)
        #expect(try await t.store.token(secret: issued.secret + "x") == nil)

        let later = t0.addingTimeInterval(60)
        let revoked = try await t.store.revokeToken(name: "crew-north", at: later)
        #expect(revoked.revokedAt == later)
        #expect(try await t.store.token(secret: issued.secret)?.isActive == false)
        // Revoking again keeps the first time.
        #expect(try await t.store.revokeToken(name: "crew-north", at: later.addingTimeInterval(60)).revokedAt == later)
        #expect(try await t.store.tokens().map(\.name) == ["crew-north"])
    }

    @Test func secretsDifferAndNamesAreUnique() async throws {
        let t = try TemporaryStore()
        let a = try await t.store.createToken(name: "a", role: .admin, at: t0)
        let b = try await t.store.createToken(name: "b", role: .integration, at: t0)
        #expect(a.secret != b.secret)
        await #expect {
            _ = try await t.store.createToken(name: "a", role: .crew, at: t0)
        } throws: { error in
            guard let e = error as? StoreError, case .conflict = e else { return false }
            return e.description.contains("'a' already exists")
        }
        await #expect {
            try await t.store.revokeToken(name: "nobody", at: t0)
        } throws: { error in
            guard let e = error as? StoreError, case .notFound = e else { return false }
            return true
        }
        let stored = try await DatabaseQueue(path: t.path).read { db in
            try String.fetchAll(db, sql: "SELECT secret_sha256 FROM api_tokens ORDER BY id")
        }
        #expect(!stored.contains(a.secret))
        #expect(stored.allSatisfy { $0.count == 64 })
    }
}

@Suite struct SQLiteStoreThresholdTests {
    let configured = Dictionary(uniqueKeysWithValues: ThresholdProfile.defaults.map { ($0.name, $0) })

    @Test func storedChangesOverlayTheConfiguredProfilesAndAreAudited() async throws {
        let t = try TemporaryStore()
        #expect(try await t.store.thresholdProfiles(configured: configured) == [.build, .user])
        let (profile, changes) = try await t.store.updateThresholdProfile(
            "user",
            settings: [
                ThresholdSetting(key: .minONURx, centi: -2550),
                ThresholdSetting(key: .maxONURx, centi: -800),
            ], configured: configured, actor: "admin-1", at: t0)
        #expect(profile.minONURx == DBm(-25.5))
        #expect(
            changes == [
                ThresholdChange(
                    at: t0, actor: "admin-1", profile: "user", key: .minONURx, oldValue: "-27.00", newValue: "-25.50")
            ])
        #expect(try await t.store.thresholdProfiles(configured: configured).last == profile)
        // A second change starts from the stored profile, not the configured one.
        let (_, second) = try await t.store.updateThresholdProfile(
            "user", settings: [ThresholdSetting(key: .minONURx, centi: nil)], configured: configured, actor: "admin-2",
            at: t0)
        #expect(second.first?.oldValue == "-25.50")
        #expect(second.first?.newValue == nil)
        #expect(try await t.store.thresholdHistory(profile: "user").map(\.actor) == ["admin-1", "admin-2"])
        #expect(try await t.store.thresholdHistory(profile: "build").isEmpty)
    }

    @Test func aMeaninglessOrUnknownProfileChangesNothing() async throws {
        let t = try TemporaryStore()
        await #expect(throws: StoreError.self) {
            _ = try await t.store.updateThresholdProfile(
                "build", settings: [ThresholdSetting(key: .minONURx, centi: -500)], configured: configured,
                actor: "a", at: t0)
        }
        await #expect(throws: StoreError.self) {
            _ = try await t.store.updateThresholdProfile(
                "nope", settings: [ThresholdSetting(key: .minONURx, centi: -500)], configured: configured,
                actor: "a", at: t0)
        }
        #expect(try await t.store.thresholdHistory(profile: nil).isEmpty)
        #expect(try await t.store.thresholdProfiles(configured: configured) == [.build, .user])
    }

    @Test func theAuditRefusesUpdateAndDelete() async throws {
        let t = try TemporaryStore()
        _ = try await t.store.updateThresholdProfile(
            "build", settings: [ThresholdSetting(key: .minONURx, centi: -2100)], configured: configured, actor: "a",
            at: t0)
        let db = try DatabaseQueue(path: t.path)
        #expect(throws: DatabaseError.self) {
            try db.write { try $0.execute(sql: "UPDATE threshold_changes SET actor = 'x'") }
        }
        #expect(throws: DatabaseError.self) { try db.write { try $0.execute(sql: "DELETE FROM threshold_changes") } }
        #expect(try await t.store.thresholdHistory(profile: nil).map(\.actor) == ["a"])
    }
}
