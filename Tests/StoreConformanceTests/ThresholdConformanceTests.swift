import FTTHCore
import Foundation
import Testing

/// The contract of ``ThresholdStore`` the API's and the web pages' threshold editing rely on:
/// changes overlay the configured profiles, every change is audited with the value it replaced,
/// and a meaningless change is refused whole.
@Suite("Store conformance: thresholds")
struct ThresholdConformanceTests {
    typealias Base = StoreConformanceTests
    let configured = Dictionary(uniqueKeysWithValues: ThresholdProfile.defaults.map { ($0.name, $0) })

    @Test(arguments: StoreKind.allCases)
    func storedChangesOverlayTheConfiguredProfilesAndAreAudited(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        #expect(try await h.store.thresholdProfiles(configured: configured) == [.build, .user])
        let (profile, changes) = try await h.store.updateThresholdProfile(
            "user",
            settings: [ThresholdSetting(key: .minONURx, centi: -2550), ThresholdSetting(key: .maxONURx, centi: -800)],
            configured: configured, actor: "admin-1", at: Base.t0)
        #expect(profile.minONURx == DBm(-25.5))
        #expect(
            changes == [
                ThresholdChange(
                    at: Base.t0, actor: "admin-1", profile: "user", key: .minONURx, oldValue: "-27.00",
                    newValue: "-25.50")
            ], "a setting that changes nothing is not audited")
        #expect(try await h.store.thresholdProfiles(configured: configured).last == profile)
        // A second change starts from the stored profile, not the configured one.
        let (_, second) = try await h.store.updateThresholdProfile(
            "user", settings: [ThresholdSetting(key: .minONURx, centi: nil)], configured: configured,
            actor: "admin-2", at: Base.t0)
        #expect(second.first?.oldValue == "-25.50")
        #expect(second.first?.newValue == nil)
        // Binding is a change of its own, audited in words.
        let (bound, third) = try await h.store.updateThresholdProfile(
            "user", settings: [ThresholdSetting(key: .minOLTRx, binding: true)], configured: configured,
            actor: "admin-2", at: Base.t0)
        #expect(bound.binds(.minOLTRx))
        #expect(third.map(\.aspect) == [.binding])
        #expect(third.first?.oldValue == "advisory" && third.first?.newValue == "binding")
        #expect(try await h.store.thresholdProfiles(configured: configured).last == bound)
        #expect(try await h.store.thresholdHistory(profile: "user").map(\.actor) == ["admin-1", "admin-2", "admin-2"])
        #expect(try await h.store.thresholdHistory(profile: nil).count == 3)
        #expect(try await h.store.thresholdHistory(profile: "build").isEmpty)
        // Nothing to change: the profile as it stands, no audit.
        let (same, none) = try await h.store.updateThresholdProfile(
            "user", settings: [ThresholdSetting(key: .minOLTRx, binding: true)], configured: configured,
            actor: "admin-3", at: Base.t0)
        #expect(same == bound && none.isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func aMeaninglessOrUnknownProfileChangesNothing(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        await #expect {
            _ = try await h.store.updateThresholdProfile(
                "build", settings: [ThresholdSetting(key: .minONURx, centi: -500)], configured: configured,
                actor: "a", at: Base.t0)
        } throws: { error in
            isConflict(error) && "\(error)".hasPrefix("profile build: min_onu_rx_dbm")
        }
        await #expect {
            _ = try await h.store.updateThresholdProfile(
                "nope", settings: [ThresholdSetting(key: .minONURx, centi: -500)], configured: configured,
                actor: "a", at: Base.t0)
        } throws: { isNotFound($0) }
        #expect(try await h.store.thresholdHistory(profile: nil).isEmpty)
        #expect(try await h.store.thresholdProfiles(configured: configured) == [.build, .user])
    }

    /// Two administrators change one profile at once, each a different limit: both changes
    /// stand, and the audit's old values chain (each names the value it replaced).
    @Test(arguments: StoreKind.allCases)
    func changesAtOnceBothStandAndTheirAuditChains(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        let store = h.store
        let configured = configured
        let settings = [
            ThresholdSetting(key: .minONURx, centi: -2100), ThresholdSetting(key: .maxONURx, centi: -900),
            ThresholdSetting(key: .minOLTRx, binding: true), ThresholdSetting(key: .minONURx, centi: -2200),
        ]
        let outcomes = await concurrently(settings.count) { index in
            try await store.updateThresholdProfile(
                "build", settings: [settings[index]], configured: configured, actor: "admin-\(index)", at: Base.t0)
        }
        for outcome in outcomes { _ = try outcome.get() }
        let build = try #require(try await store.thresholdProfiles(configured: configured).first { $0.name == "build" })
        #expect(build.maxONURx == DBm(-9))
        #expect(build.binds(.minOLTRx))
        #expect([DBm(-21), DBm(-22)].contains(build.minONURx))
        let history = try await store.thresholdHistory(profile: "build")
        #expect(history.count == 4)
        let minimum = history.filter { $0.key == .minONURx && $0.aspect == .limit }
        #expect(minimum.count == 2)
        #expect(minimum.first?.oldValue == "-20.00")
        #expect(minimum.last?.oldValue == minimum.first?.newValue, "the later change replaced the earlier one")
        #expect(minimum.last?.newValue == build.decimalString(.minONURx))
    }

    /// Daemons starting together with the same configuration file: the profiles are seeded
    /// once, audited once.
    @Test(arguments: StoreKind.allCases)
    func startsAtOnceSeedTheProfilesOnce(_ kind: StoreKind) async throws {
        let h = try await kind.make()
        let store = h.store
        let file = configured
        let outcomes = await concurrently(3) { _ in try await store.applyConfiguredThresholds(file, at: Base.t0) }
        let made = try outcomes.map { try $0.get() }
        #expect(made.filter { !$0.isEmpty }.count == 1, "one start seeds, the others find it done")
        let history = try await store.thresholdHistory(profile: nil)
        #expect(history == made.first { !$0.isEmpty })
        #expect(try await store.thresholdProfiles(configured: [:]) == [.build, .user])
    }
}
