import FTTHCore
import Foundation

/// A threshold profile with every limit under its configuration key (null: the check is off) and
/// `binding`, each key → true (the check fails the port) or false (it only warns).
public struct ThresholdProfileResponse: Codable, Sendable, Hashable {
    public var name: String
    /// Every key of ``ThresholdKey``; nil when the check is off.
    public var limits: [ThresholdKey: Double?]
    /// Every key of ``ThresholdKey`` by its raw value, as the `PUT` body sets it.
    public var binding: [String: Bool]

    /// The profile in force.
    public init(_ profile: ThresholdProfile) {
        name = profile.name
        limits = Dictionary(
            uniqueKeysWithValues: ThresholdKey.allCases.map { ($0, profile[centi: $0].map(Double.init(centi:))) })
        binding = Dictionary(uniqueKeysWithValues: ThresholdKey.allCases.map { ($0.rawValue, profile.binds($0.check)) })
    }

    /// The limit under `key`; nil when the check is off.
    public subscript(key: ThresholdKey) -> Double? { limits[key] ?? nil }

    struct Key: CodingKey {
        var stringValue: String
        init(_ string: String) { stringValue = string }
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    /// Reads a profile; a limit left out is off.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        name = try c.decode(String.self, forKey: Key("name"))
        var limits: [ThresholdKey: Double?] = [:]
        for key in ThresholdKey.allCases {
            limits[key] = .some(try c.decodeIfPresent(Double.self, forKey: Key(key.rawValue)))
        }
        self.limits = limits
        binding = try c.decodeIfPresent([String: Bool].self, forKey: Key("binding")) ?? [:]
    }

    /// Writes every limit, null when off, so that a client sees every key.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(name, forKey: Key("name"))
        for key in ThresholdKey.allCases {
            try c.encode(self[key], forKey: Key(key.rawValue))
        }
        try c.encode(binding, forKey: Key("binding"))
    }
}

/// `GET /v1/thresholds`.
public struct ThresholdProfilesResponse: Codable, Sendable, Hashable {
    public var profiles: [ThresholdProfileResponse]

    /// The profiles in force.
    public init(profiles: [ThresholdProfileResponse]) { self.profiles = profiles }
}

/// One audited change: who, when, which key, which aspect, old → new.
public struct ThresholdChangeResponse: Codable, Sendable, Hashable {
    /// The value before or after a change: a limit (a number) or a binding (`binding` or `advisory`).
    public enum Value: Codable, Sendable, Hashable {
        case limit(Double)
        case binding(String)

        /// Reads a number or a string.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let number = try? c.decode(Double.self) {
                self = .limit(number)
            } else {
                self = .binding(try c.decode(String.self))
            }
        }

        /// Writes the number or the string.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .limit(let number): try c.encode(number)
            case .binding(let text): try c.encode(text)
            }
        }
    }

    public var at: Date
    public var actor: String
    public var profile: String
    /// The key, such as `min_onu_rx_dbm`.
    public var key: String
    /// `limit` or `binding`.
    public var aspect: String
    /// Null: the check was off (a limit).
    @ExplicitNull public var oldValue: Value?
    /// Null: the check is now off (a limit).
    @ExplicitNull public var newValue: Value?

    enum CodingKeys: String, CodingKey {
        case at, actor, profile, key, aspect
        case oldValue = "old_value", newValue = "new_value"
    }

    /// The change as audited.
    public init(_ change: ThresholdChange) {
        at = change.at
        actor = change.actor
        profile = change.profile
        key = change.key.rawValue
        aspect = change.aspect.rawValue
        func value(_ text: String?) -> Value? {
            switch change.aspect {
            case .limit: text.flatMap(Double.init).map(Value.limit)
            case .binding: text.map(Value.binding)
            }
        }
        oldValue = value(change.oldValue)
        newValue = value(change.newValue)
    }
}

/// `PUT /v1/thresholds/{name}`: the profile now in force and what changed.
public struct ThresholdUpdateResponse: Codable, Sendable, Hashable {
    public var profile: ThresholdProfileResponse
    public var changes: [ThresholdChangeResponse]

    /// The profile after the update and its audited changes.
    public init(profile: ThresholdProfileResponse, changes: [ThresholdChangeResponse]) {
        self.profile = profile
        self.changes = changes
    }
}

/// `GET /v1/thresholds/{name}/history`, oldest first.
public struct ThresholdHistoryResponse: Codable, Sendable, Hashable {
    public var profile: String
    public var changes: [ThresholdChangeResponse]

    /// The audited changes of `profile`.
    public init(profile: String, changes: [ThresholdChangeResponse]) {
        self.profile = profile
        self.changes = changes
    }
}
