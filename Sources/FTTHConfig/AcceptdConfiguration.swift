import FTTHCore
import Foundation
import TOMLKit

/// An invalid configuration value: the key it is under, what is wrong, and what to write instead.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The dotted key (`thresholds.build.min_onu_rx_dbm`), or nil for a file-level problem.
    public var key: String?
    public var message: String
    /// The file the value came from.
    public var file: String?

    public init(key: String?, message: String, file: String? = nil) {
        self.key = key
        self.message = message
        self.file = file
    }

    public var code: String { "config.invalid" }
    public var description: String {
        let place = [file, key.map { "key '\($0)'" }].compactMap { $0 }.joined(separator: ": ")
        return place.isEmpty ? message : "\(place): \(message)"
    }
}

extension ConfigurationError {
    /// Reads the text of `file` and parses it with `parse`; a file that cannot be read, and every
    /// ``ConfigurationError`` the parser throws, come out naming the file.
    public static func parsing<T>(file: String, what: String, _ parse: (String) throws -> T) throws -> T {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ConfigurationError(
                key: nil, message: "cannot read \(what): \(error.localizedDescription)", file: file)
        }
        do {
            return try parse(text)
        } catch var error as ConfigurationError {
            error.file = file
            throw error
        }
    }
}

/// The store settings.
public struct StoreConfiguration: Sendable, Hashable {
    /// Which database keeps the data (`[store] kind`).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// One file, one daemon: the default and the demo's.
        case sqlite
        /// One PostgreSQL database shared by several daemons.
        case postgres
    }

    public var kind: Kind
    /// Path of the SQLite database file.
    public var path: String
    /// The file holding the key that encrypts the test accounts' passwords (`[store] key_file`);
    /// nil: systemd's credential `ftth-store-key`, else a key file beside the store (SQLite only:
    /// the daemons of a PostgreSQL store must share one key, so it must be given).
    public var keyFile: String?
    /// `postgres://USER@HOST:PORT/DATABASE[?sslmode=require]` (`[store] url`), without a password.
    public var url: String?
    /// The file holding the PostgreSQL user's password (`[store] password_file`); else the
    /// environment variable `FTTH_STORE_PASSWORD`.
    public var passwordFile: String?
    /// Connections this daemon keeps at most (`[store] max_connections`).
    public var maxConnections: Int

    public static let defaultPath = "var/ftth-acceptd.sqlite"
    /// The environment variable that holds the PostgreSQL password when no file is named.
    public static let passwordVariable = "FTTH_STORE_PASSWORD"

    public init(
        path: String = StoreConfiguration.defaultPath, keyFile: String? = nil, kind: Kind = .sqlite,
        url: String? = nil, passwordFile: String? = nil, maxConnections: Int = 10
    ) {
        self.kind = kind
        self.path = path
        self.keyFile = keyFile
        self.url = url
        self.passwordFile = passwordFile
        self.maxConnections = maxConnections
    }

    /// The PostgreSQL password: the file's first line, else `FTTH_STORE_PASSWORD`, else none
    /// (trust or peer authentication). Throws naming the file when it cannot be read.
    public func password(environment: [String: String]) throws -> String? {
        if let passwordFile {
            do {
                let text = try String(contentsOfFile: passwordFile, encoding: .utf8)
                return text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            } catch {
                throw ConfigurationError(
                    key: "store.password_file",
                    message:
                        "cannot read \(passwordFile) (\(error.localizedDescription)); check the path and that the daemon's user may read it"
                )
            }
        }
        return environment[Self.passwordVariable].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// The daemon's and `ftthctl`'s configuration, read from `config/ftth-acceptd.toml`
/// (documented in that file). Every key is optional; a missing one takes its default.
public struct AcceptdConfiguration: Sendable {
    public var store: StoreConfiguration
    /// `[cluster]`: leases of the daemons sharing a PostgreSQL store.
    public var cluster = ClusterSettings()
    /// Threshold profiles by name; always holds `build` and `user`.
    public var profiles: [String: ThresholdProfile]
    public var namingRule: ONUNamingRule
    /// Test CVLAN ranges from the config (imported ranges add to these).
    public var cvlanRanges: [CVLANRange]
    /// How each OLT is reached and provisioned.
    public var southbound: SouthboundConfiguration
    /// The engine's waits and retries and the scheduler's re-tests.
    public var engine: EngineSettings
    /// Where accepted ports are pushed; disabled without a URL.
    public var push: PushConfiguration
    /// Where the HTTP API listens.
    public var api: APISettings
    /// How test ONUs authenticate: by serial, or by a per-port password.
    public var activation: ActivationPolicy
    /// `[service]`: how service tests run (what probes dial, the wait, the fraction that passes).
    public var service: ServiceTestPolicy
    /// `[import]`: the plausibility limits of a project import (file size, rows, projects,
    /// splitters and ports per PON port).
    public var importLimits: ImportLimits
    /// `[web]`: the evidence uploads of the web pages (size limit, where photos are kept).
    public var web: WebConfiguration
    /// `[diagnosis]`: the figures a link's loss is predicted with, for the diagnosis of where
    /// light is lost (advisory: it never changes a verdict).
    public var diagnosis: LossFigures

    /// The embedded defaults: store under `var/`, the DESIGN §3 profiles, the default naming rule,
    /// and no CVLAN range.
    public init() {
        store = StoreConfiguration()
        profiles = Dictionary(uniqueKeysWithValues: ThresholdProfile.defaults.map { ($0.name, $0) })
        namingRule = .standard
        cvlanRanges = []
        southbound = SouthboundConfiguration()
        engine = EngineSettings()
        push = PushConfiguration()
        api = APISettings()
        activation = ActivationPolicy()
        service = ServiceTestPolicy()
        importLimits = .standard
        web = WebConfiguration()
        diagnosis = .standard
    }

    /// Reads and validates a TOML file. Throws ``ConfigurationError`` naming the file and key.
    public init(contentsOfFile path: String) throws {
        self = try ConfigurationError.parsing(
            file: path, what: "the configuration file (pass --config with the path of ftth-acceptd.toml)"
        ) {
            try AcceptdConfiguration(toml: $0)
        }
    }

    /// Parses and validates TOML text. Throws ``ConfigurationError`` naming the key.
    public init(toml text: String) throws {
        self.init()
        let root = try TOMLText.parse(text)
        try Self.allowOnly(
            [
                "store", "naming", "thresholds", "cvlan_ranges", "southbound", "olt", "engine", "scheduler", "push",
                "cluster",
                "api", "activation", "service", "import", "web", "diagnosis",
            ],
            in: root, at: nil)
        let reader = TOMLReader(table: root, path: "")
        southbound = try SouthboundConfiguration(
            southbound: try reader.optionalTable("southbound"), olts: try reader.tables("olt"))
        engine = try EngineSettings(
            engine: try reader.optionalTable("engine"), scheduler: try reader.optionalTable("scheduler"))
        if let r = try reader.optionalTable("push") { push = try PushConfiguration(push: r) }
        if let r = try reader.optionalTable("api") { api = try APISettings(r) }
        if let r = try reader.optionalTable("activation") { activation = try ActivationPolicy(r) }
        if let r = try reader.optionalTable("service") { service = try ServiceTestPolicy(r) }
        if let r = try reader.optionalTable("import") { importLimits = try ImportLimits(r) }
        if let r = try reader.optionalTable("web") { web = try WebConfiguration(r) }
        if let r = try reader.optionalTable("diagnosis") { diagnosis = try LossFigures(diagnosis: r) }
        if let r = try reader.optionalTable("cluster") { cluster = try ClusterSettings(r) }

        if let storeValue = root["store"] {
            let table = try Self.table(storeValue, "store")
            try Self.allowOnly(
                ["kind", "path", "key_file", "url", "password_file", "max_connections"], in: table, at: "store")
            if let k = table["kind"] {
                guard let s = k.string, let kind = StoreConfiguration.Kind(rawValue: s) else {
                    throw ConfigurationError(key: "store.kind", message: "must be \"sqlite\" or \"postgres\"")
                }
                store.kind = kind
            }
            if let u = table["url"] {
                guard let s = u.string, s.hasPrefix("postgres://") || s.hasPrefix("postgresql://") else {
                    throw ConfigurationError(
                        key: "store.url",
                        message: "must be a PostgreSQL URL such as \"postgres://ftth@db.example.net:5432/ftth\"")
                }
                store.url = s
            }
            if let f = table["password_file"] {
                guard let s = f.string, !s.isEmpty else {
                    throw ConfigurationError(
                        key: "store.password_file",
                        message: "must be a non-empty string path, such as \"/etc/ftth-acceptd/store.password\"")
                }
                store.passwordFile = s
            }
            if let m = table["max_connections"] {
                guard let n = m.int, (1...500).contains(n) else {
                    throw ConfigurationError(
                        key: "store.max_connections", message: "must be a whole number from 1 to 500, such as 10")
                }
                store.maxConnections = n
            }
            if let k = table["key_file"] {
                guard let s = k.string, !s.isEmpty else {
                    throw ConfigurationError(
                        key: "store.key_file",
                        message:
                            "must be a non-empty string path to a file holding a 32-byte key in base64, such as \"/etc/ftth-acceptd/store.key\""
                    )
                }
                store.keyFile = s
            }
            if let p = table["path"] {
                guard let s = p.string, !s.isEmpty else {
                    throw ConfigurationError(
                        key: "store.path",
                        message: "must be a non-empty string path, such as \"var/ftth-acceptd.sqlite\"")
                }
                store.path = s
            }
            if store.kind == .postgres, store.url == nil {
                throw ConfigurationError(
                    key: "store.url",
                    message:
                        "[store] kind = \"postgres\" needs url = \"postgres://USER@HOST:5432/DATABASE\" (the password in password_file or FTTH_STORE_PASSWORD)"
                )
            }
        }
        if let namingValue = root["naming"] {
            let table = try Self.table(namingValue, "naming")
            try Self.allowOnly(["template"], in: table, at: "naming")
            if let t = table["template"] {
                guard let s = t.string else {
                    throw ConfigurationError(
                        key: "naming.template", message: "must be a string such as \"\(ONUNamingRule.defaultTemplate)\""
                    )
                }
                do {
                    namingRule = try ONUNamingRule(template: s)
                } catch let e as ONUNamingError {
                    throw ConfigurationError(key: "naming.template", message: e.description)
                }
            }
        }
        if let thresholdsValue = root["thresholds"] {
            let table = try Self.table(thresholdsValue, "thresholds")
            for name in table.keys.sorted() {
                profiles[name] = try Self.profile(named: name, from: table[name]!, known: profiles)
            }
        }
        if let rangesValue = root["cvlan_ranges"] {
            guard let array = rangesValue.array else {
                throw ConfigurationError(
                    key: "cvlan_ranges", message: "must be an array of tables: write each range as [[cvlan_ranges]]")
            }
            for (i, element) in array.enumerated() {
                let key = "cvlan_ranges[\(i)]"
                let t = try Self.table(element, key)
                try Self.allowOnly(["name", "olt_ip", "first", "last"], in: t, at: key)
                guard let name = t["name"]?.string, !name.isEmpty else {
                    throw ConfigurationError(
                        key: "\(key).name", message: "is required: a name for the range, such as \"city-test\"")
                }
                var olt: ManagementAddress?
                if let o = t["olt_ip"] {
                    guard let s = o.string, let a = ManagementAddress(s) else {
                        throw ConfigurationError(
                            key: "\(key).olt_ip", message: "must be an IPv4 or IPv6 address string")
                    }
                    olt = a
                }
                func vlan(_ field: String) throws -> VLANID {
                    guard let n = t[field]?.int, let v = VLANID(n) else {
                        throw ConfigurationError(key: "\(key).\(field)", message: "must be a VLAN id 1-4094")
                    }
                    return v
                }
                let range = CVLANRange(name: name, olt: olt, first: try vlan("first"), last: try vlan("last"))
                if let problem = range.validationProblem {
                    throw ConfigurationError(key: "\(key).last", message: problem)
                }
                if let clash = cvlanRanges.first(where: { $0.name == name }) {
                    throw ConfigurationError(
                        key: "\(key).name", message: "range name '\(name)' is used twice (\(clash))")
                }
                cvlanRanges.append(range)
            }
        }
        if store.kind == .postgres, cluster.leaseSeconds <= 2 * southbound.commandTimeoutSeconds {
            throw ConfigurationError(
                key: "cluster.lease_s",
                message:
                    "\(cluster.leaseSeconds) s is not more than twice [southbound] command_timeout_s (\(southbound.commandTimeoutSeconds) s): a daemon that loses the database stops at half its lease, and a command under way must end before another daemon takes the run; raise lease_s or lower command_timeout_s"
            )
        }
    }

    /// The profile a command asked for, or an error listing the ones there are.
    public func profile(named name: String) throws -> ThresholdProfile {
        guard let p = profiles[name] else {
            throw ConfigurationError(
                key: "thresholds.\(name)",
                message:
                    "no threshold profile '\(name)'; configured profiles: \(profiles.keys.sorted().joined(separator: ", "))"
            )
        }
        return p
    }

    static var profileKeys: [(key: String, isPower: Bool, path: WritableKeyPath<ThresholdProfile, Int?>)] {
        [
            ("min_onu_rx_dbm", true, \.minONURxCenti),
            ("max_onu_rx_dbm", true, \.maxONURxCenti),
            ("min_olt_rx_dbm", true, \.minOLTRxCenti),
            ("max_downstream_attenuation_db", false, \.maxDownstreamCenti),
            ("max_upstream_attenuation_db", false, \.maxUpstreamCenti),
        ]
    }

    static func profile(named name: String, from value: TOMLValueConvertible, known: [String: ThresholdProfile]) throws
        -> ThresholdProfile
    {
        let key = "thresholds.\(name)"
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw ConfigurationError(key: key, message: "a profile name may hold only letters, digits, '-' and '_'")
        }
        let t = try table(value, key)
        try allowOnly(["base", "binding"] + profileKeys.map(\.key), in: t, at: key)
        // Built-in names start from their defaults; others from `base`, or from nothing.
        var profile = known[name] ?? ThresholdProfile(name: name)
        if let b = t["base"] {
            guard let baseName = b.string, let base = known[baseName] else {
                throw ConfigurationError(
                    key: "\(key).base",
                    message:
                        "must name a profile defined before this one: \(known.keys.sorted().joined(separator: ", "))")
            }
            profile = base
            profile.name = name
        }
        for entry in profileKeys {
            guard let v = t[entry.key] else { continue }
            let unit = entry.isPower ? "dBm" : "dB"
            if let s = v.string {
                guard s == "off" else {
                    throw ConfigurationError(
                        key: "\(key).\(entry.key)", message: "must be a number of \(unit) or \"off\", not \"\(s)\"")
                }
                profile[keyPath: entry.path] = nil
            } else if let d = v.double ?? v.int.map(Double.init) {
                guard d.isFinite, (-100...100).contains(d) else {
                    throw ConfigurationError(
                        key: "\(key).\(entry.key)", message: "\(d) \(unit) is not a plausible limit")
                }
                profile[keyPath: entry.path] = Int((d * 100).rounded())
            } else {
                throw ConfigurationError(
                    key: "\(key).\(entry.key)", message: "must be a number of \(unit), such as -20.0, or \"off\"")
            }
        }
        if let b = t["binding"] {
            // The checks that fail the port; every other check only warns.
            let known = ThresholdKey.allCases.map(\.rawValue).joined(separator: ", ")
            guard let array = b.array else {
                throw ConfigurationError(
                    key: "\(key).binding", message: "must be an array of the checks that fail the port, from \(known)")
            }
            var binding: Set<CheckResult.Check> = []
            for item in array {
                guard let word = item.string, let k = ThresholdKey(rawValue: word) else {
                    throw ConfigurationError(
                        key: "\(key).binding", message: "'\(item.string ?? "\(item)")' is not a check; use \(known)")
                }
                binding.insert(k.check)
            }
            profile.advisory = Set(CheckResult.Check.allCases).subtracting(binding)
        }
        if let problem = profile.validationProblems().first {
            throw ConfigurationError(key: key, message: problem.description)
        }
        return profile
    }

    static func table(_ value: TOMLValueConvertible, _ key: String) throws -> TOMLTable {
        guard let t = value.table else {
            throw ConfigurationError(key: key, message: "must be a table ([\(key)])")
        }
        return t
    }

    static func allowOnly(_ keys: [String], in table: TOMLTable, at prefix: String?) throws {
        for k in table.keys where !keys.contains(k) {
            throw ConfigurationError(
                key: prefix.map { "\($0).\(k)" } ?? k,
                message: "unknown key; expected one of \(keys.joined(separator: ", "))")
        }
    }
}

extension ThresholdProfile {
    // Config values pass through these so one table of keys drives parsing.
    var minONURxCenti: Int? {
        get { minONURx?.centi }
        set { minONURx = newValue.map(DBm.init(centi:)) }
    }
    var maxONURxCenti: Int? {
        get { maxONURx?.centi }
        set { maxONURx = newValue.map(DBm.init(centi:)) }
    }
    var minOLTRxCenti: Int? {
        get { minOLTRx?.centi }
        set { minOLTRx = newValue.map(DBm.init(centi:)) }
    }
    var maxDownstreamCenti: Int? {
        get { maxDownstreamAttenuation?.centi }
        set { maxDownstreamAttenuation = newValue.map(Decibels.init(centi:)) }
    }
    var maxUpstreamCenti: Int? {
        get { maxUpstreamAttenuation?.centi }
        set { maxUpstreamAttenuation = newValue.map(Decibels.init(centi:)) }
    }
}
