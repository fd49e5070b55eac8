import FTTHCore
import Foundation

/// The rules of the stored threshold profiles, one definition for every store: how the checks
/// that only warn are kept in a text column, how an administrator's change is checked and
/// audited, and how the configuration file's profiles are brought in at start-up.
package enum StoredThresholds {
    /// The `advisory` column of a profile: the keys of its checks that warn, comma-separated.
    package static func advisoryText(_ profile: ThresholdProfile) -> String {
        ThresholdKey.allCases.filter { !profile.binds($0.check) }.map(\.rawValue).joined(separator: ",")
    }

    /// The checks an `advisory` column names. A word that names no check is a corrupt row of
    /// `threshold_profiles` (`id` is how the store numbers it), never a crash.
    package static func advisoryChecks(_ text: String, profile: String, id: Int64) throws(StoreError) -> Set<
        CheckResult.Check
    > {
        var checks: Set<CheckResult.Check> = []
        for word in text.split(separator: ",") {
            guard let key = ThresholdKey(rawValue: String(word)) else {
                throw StoreError.corruptRow(
                    table: "threshold_profiles", id: id,
                    problem: "profile \(profile) names an unknown advisory check '\(word)'")
            }
            checks.insert(key.check)
        }
        return checks
    }

    /// `settings` applied to `old` (the profile `name` as it stands): the new profile and one
    /// audit record per changed limit or binding. Throws ``StoreError/conflict(location:message:)``
    /// when the result is meaningless (a minimum above its maximum).
    package static func update(
        _ name: String, from old: ThresholdProfile, with settings: [ThresholdSetting], actor: String, at: Date
    ) throws(StoreError) -> (profile: ThresholdProfile, changes: [ThresholdChange]) {
        let new: ThresholdProfile
        do {
            new = try old.applying(settings)
        } catch {
            throw StoreError.conflict(location: nil, message: "profile \(name): \(error)")
        }
        return (new, old.changes(to: new, actor: actor, at: at))
    }

    /// The stored form of a profile as the configuration file last gave it.
    package static func configuredJSON(_ profile: ThresholdProfile) throws -> String { try StoredForm.json(profile) }

    /// A profile read back from ``configuredJSON(_:)``.
    package static func configured(json: String) throws -> ThresholdProfile {
        try JSONDecoder().decode(ThresholdProfile.self, from: Data(json.utf8))
    }

    /// What bringing the file's profile in does to the store.
    package enum ConfiguredStep: Equatable {
        /// The file has not changed since it was last applied, and the store holds the profile.
        case unchanged
        /// Remember `file` as applied; when `store` is not nil, store it with `changes` audited
        /// by actor `config`.
        case apply(store: ThresholdProfile?, changes: [ThresholdChange])
    }

    /// The step for the file's profile `name`, `file`, given the one the file gave when last applied
    /// (`seen`, nil the first time) and the one the store holds (`stored`). Only what the file
    /// changed since it was last applied moves: an administrator's change to anything else
    /// stands. A result that is meaningless is not stored (the configuration's validation
    /// reports it).
    package static func configuredStep(
        _ name: String, file: ThresholdProfile, seen: ThresholdProfile?, stored: ThresholdProfile?, at: Date
    ) -> ConfiguredStep {
        if seen == file, stored != nil { return .unchanged }
        var new: ThresholdProfile
        if let stored {
            new = stored
            // A store from before the file was tracked keeps what it holds.
            for setting in seen?.settings(to: file) ?? [] { new.apply(setting) }
        } else {
            new = file
        }
        let changes = (stored ?? ThresholdProfile(name: name, advisory: [])).changes(
            to: new, actor: "config", at: at)
        guard new.validationProblems().isEmpty, !changes.isEmpty || stored == nil else {
            return .apply(store: nil, changes: [])
        }
        return .apply(store: new, changes: changes)
    }

    /// An audit record as stored; a key or aspect this version does not know reads as the first
    /// limit's.
    package static func change(
        at: Date, actor: String, profile: String, key: String, aspect: String, oldValue: String?, newValue: String?
    ) -> ThresholdChange {
        ThresholdChange(
            at: at, actor: actor, profile: profile, key: ThresholdKey(rawValue: key) ?? .minONURx,
            aspect: ThresholdChange.Aspect(rawValue: aspect) ?? .limit, oldValue: oldValue, newValue: newValue)
    }
}
