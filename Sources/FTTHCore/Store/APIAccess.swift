import Foundation

/// What a bearer token may do on the HTTP API.
public enum APIRole: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A build crew on site: reads projects, activation lists, results and thresholds.
    case crew
    /// A resource administrator: everything a crew may, plus thresholds and acceptance.
    case admin
    /// The resource inventory system: imports projects and reads them.
    case integration
    /// A field probe (`ftth-probe run`): takes service tests, posts their results and uses the
    /// speed-test endpoints; nothing else.
    case probe
    /// A metrics scraper (Prometheus): reads `GET /metrics`; nothing else.
    case metrics

    /// The role's name, as written on the command line and in the API.
    public var description: String { rawValue }
}

/// A named bearer token of the HTTP API. The secret itself is never kept: only its SHA-256.
public struct APIToken: Sendable, Hashable, Codable {
    /// Unique name of the token: who or what holds it (`crew-north`, `inventory`); used as the
    /// actor in audit records.
    public var name: String
    public var role: APIRole
    public var createdAt: Date
    /// When the token was revoked; a revoked token opens nothing.
    public var revokedAt: Date?

    /// Creates a token record.
    public init(name: String, role: APIRole, createdAt: Date, revokedAt: Date? = nil) {
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// Whether the token still opens the API.
    public var isActive: Bool { revokedAt == nil }

    /// Whether `name` may name a token: ASCII letters, digits, `-`, `_`, `.` or `@`, at most 64,
    /// since it is the actor of audit records and log lines. ftthctl and the web pages both ask.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.@".contains($0)) }
    }

    /// What the rule of ``isValidName(_:)`` asks, for a message.
    public static let nameRule =
        "letters, digits, '-', '_', '.' or '@' (at most 64), such as crew-north: it is shown in audit records"
}

/// A token just created, with its secret: the only moment the secret exists outside its holder.
public struct IssuedAPIToken: Sendable {
    public var token: APIToken
    /// `ftth_` followed by 32 random bytes in base64url, to send as `Authorization: Bearer <secret>`.
    public var secret: String

    /// Pairs a token record with its secret.
    public init(token: APIToken, secret: String) {
        self.token = token
        self.secret = secret
    }
}

/// Where the API's bearer tokens are kept: hashed, never in clear.
public protocol TokenStore: Sendable {
    /// Creates a token with a fresh random secret and returns the secret once. A name already
    /// used (even by a revoked token) throws ``StoreError/conflict(location:message:)``.
    func createToken(name: String, role: APIRole, at: Date) async throws -> IssuedAPIToken

    /// The token whose secret is `secret`, revoked or not; nil when no token has that secret.
    func token(secret: String) async throws -> APIToken?

    /// Every token, oldest first, revoked ones included.
    func tokens() async throws -> [APIToken]

    /// Revokes the token named `name`; revoking twice keeps the first time. Throws
    /// ``StoreError/notFound(_:)`` for an unknown name.
    @discardableResult
    func revokeToken(name: String, at: Date) async throws -> APIToken
}

/// One limit of a threshold profile, named by its configuration key.
public enum ThresholdKey: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case minONURx = "min_onu_rx_dbm"
    case maxONURx = "max_onu_rx_dbm"
    case minOLTRx = "min_olt_rx_dbm"
    case maxDownstreamAttenuation = "max_downstream_attenuation_db"
    case maxUpstreamAttenuation = "max_upstream_attenuation_db"

    /// The key as in `config/ftth-acceptd.toml`.
    public var description: String { rawValue }

    /// Whether the limit is a power (dBm) rather than an attenuation (dB).
    public var isPower: Bool {
        switch self {
        case .minONURx, .maxONURx, .minOLTRx: true
        case .maxDownstreamAttenuation, .maxUpstreamAttenuation: false
        }
    }

    /// The unit the limit is written in.
    public var unit: String { isPower ? "dBm" : "dB" }

    /// The check this limit is judged by.
    public var check: CheckResult.Check {
        switch self {
        case .minONURx: .minONURx
        case .maxONURx: .maxONURx
        case .minOLTRx: .minOLTRx
        case .maxDownstreamAttenuation: .maxDownstreamAttenuation
        case .maxUpstreamAttenuation: .maxUpstreamAttenuation
        }
    }
}

extension ThresholdProfile {
    /// The limit under `key` in hundredths of its unit; nil when the check is off.
    public subscript(centi key: ThresholdKey) -> Int? {
        get {
            switch key {
            case .minONURx: minONURx?.centi
            case .maxONURx: maxONURx?.centi
            case .minOLTRx: minOLTRx?.centi
            case .maxDownstreamAttenuation: maxDownstreamAttenuation?.centi
            case .maxUpstreamAttenuation: maxUpstreamAttenuation?.centi
            }
        }
        set {
            switch key {
            case .minONURx: minONURx = newValue.map(DBm.init(centi:))
            case .maxONURx: maxONURx = newValue.map(DBm.init(centi:))
            case .minOLTRx: minOLTRx = newValue.map(DBm.init(centi:))
            case .maxDownstreamAttenuation: maxDownstreamAttenuation = newValue.map(Decibels.init(centi:))
            case .maxUpstreamAttenuation: maxUpstreamAttenuation = newValue.map(Decibels.init(centi:))
            }
        }
    }

    /// The limit under `key` as a two-decimal string (`-20.00`); nil when the check is off.
    public func decimalString(_ key: ThresholdKey) -> String? {
        self[centi: key].map { CentiFormat.string($0) }
    }
}

/// One change to a profile: a new value for a limit (hundredths of its unit, nil to switch the
/// check off), or whether its check binds (fails the port) or is advisory (warns).
public struct ThresholdSetting: Sendable, Hashable, Codable {
    public enum Change: Sendable, Hashable, Codable {
        case limit(Int?)
        case binding(Bool)
    }

    public var key: ThresholdKey
    public var change: Change

    /// Sets `key` to `centi` hundredths (nil: off).
    public init(key: ThresholdKey, centi: Int?) {
        self.key = key
        change = .limit(centi)
    }

    /// Makes the check of `key` binding (true) or advisory (false).
    public init(key: ThresholdKey, binding: Bool) {
        self.key = key
        change = .binding(binding)
    }
}

extension ThresholdProfile {
    /// The profile with `setting` applied.
    public mutating func apply(_ setting: ThresholdSetting) {
        switch setting.change {
        case .limit(let centi): self[centi: setting.key] = centi
        case .binding(true): advisory.remove(setting.key.check)
        case .binding(false): advisory.insert(setting.key.check)
        }
    }

    /// `binding` or `advisory`, as the audit and the API write it.
    public func bindingWord(_ key: ThresholdKey) -> String { binds(key.check) ? "binding" : "advisory" }

    /// The changes that turn this profile into `new`, each as an audit record.
    public func changes(to new: ThresholdProfile, actor: String, at: Date) -> [ThresholdChange] {
        var changes: [ThresholdChange] = []
        for key in ThresholdKey.allCases {
            if self[centi: key] != new[centi: key] {
                changes.append(
                    ThresholdChange(
                        at: at, actor: actor, profile: new.name, key: key, oldValue: decimalString(key),
                        newValue: new.decimalString(key)))
            }
            if binds(key.check) != new.binds(key.check) {
                changes.append(
                    ThresholdChange(
                        at: at, actor: actor, profile: new.name, key: key, aspect: .binding,
                        oldValue: bindingWord(key), newValue: new.bindingWord(key)))
            }
        }
        return changes
    }

    /// The settings that turn this profile into `new`.
    public func settings(to new: ThresholdProfile) -> [ThresholdSetting] {
        var settings: [ThresholdSetting] = []
        for key in ThresholdKey.allCases {
            if self[centi: key] != new[centi: key] {
                settings.append(ThresholdSetting(key: key, centi: new[centi: key]))
            }
            if binds(key.check) != new.binds(key.check) {
                settings.append(ThresholdSetting(key: key, binding: new.binds(key.check)))
            }
        }
        return settings
    }
}

/// One audited change of one limit or binding: who changed it, when, and from what to what.
public struct ThresholdChange: Sendable, Hashable, Codable {
    /// What of the check changed.
    public enum Aspect: String, Sendable, Hashable, Codable {
        /// Its limit: values are two-decimal numbers, nil when the check is off.
        case limit
        /// Whether it binds: values are `binding` or `advisory`.
        case binding
    }

    public var at: Date
    /// The token name, `config` for an edit of the configuration file, or the operator.
    public var actor: String
    public var profile: String
    public var key: ThresholdKey
    public var aspect: Aspect
    /// The value before the change; nil when the check was off.
    public var oldValue: String?
    /// The value after the change; nil when the check is now off.
    public var newValue: String?

    /// Creates an audit record.
    public init(
        at: Date, actor: String, profile: String, key: ThresholdKey, aspect: Aspect = .limit, oldValue: String?,
        newValue: String?
    ) {
        self.at = at
        self.actor = actor
        self.profile = profile
        self.key = key
        self.aspect = aspect
        self.oldValue = oldValue
        self.newValue = newValue
    }
}

/// Stored changes to the configuration's threshold profiles, every change audited.
public protocol ThresholdStore: Sendable {
    /// The profiles in force: `configured` (from the configuration file) overlaid with the ones
    /// changed through the store, sorted by name.
    func thresholdProfiles(configured: [String: ThresholdProfile]) async throws -> [ThresholdProfile]

    /// Applies `settings` to the profile `name` as it stands (stored, else configured), stores
    /// the result and appends one audit row per changed limit, all in one transaction. Throws
    /// ``StoreError/notFound(_:)`` for a profile neither stored nor configured and
    /// ``StoreError/conflict(location:message:)`` when the result is meaningless (a minimum above
    /// its maximum).
    func updateThresholdProfile(
        _ name: String, settings: [ThresholdSetting], configured: [String: ThresholdProfile], actor: String, at: Date
    ) async throws -> (profile: ThresholdProfile, changes: [ThresholdChange])

    /// Audited threshold changes, oldest first; only those of `profile` when given.
    func thresholdHistory(profile: String?) async throws -> [ThresholdChange]

    /// Brings the configuration file's profiles into the store, at start-up: a profile the store
    /// does not hold is seeded from `configured`; a limit or binding edited in the file since
    /// the last start is applied as an audited change by actor `config`; what an administrator
    /// changed and the file did not is kept. Returns the changes made.
    func applyConfiguredThresholds(_ configured: [String: ThresholdProfile], at: Date) async throws
        -> [ThresholdChange]
}
