import FTTHCore

// The request bodies of the API. Each one is decoded by ``WireJSON/decoder()``; a key it does not
// know is an error at that key's path, so the server can name the field.

/// `POST /v1/projects/{code}/ports/{splitter}/{port}/tests`: both optional; an empty body starts a
/// test with the port's serial and the `build` profile.
public struct TestStartRequest: Codable, Sendable, Hashable {
    /// The test ONT's serial, 12 characters (HWTC1A2B3C4D) or 16 hex digits.
    public var serial: String?
    /// The threshold profile the result is judged with.
    public var profile: String?

    /// A start request.
    public init(serial: String? = nil, profile: String? = nil) {
        self.serial = serial
        self.profile = profile
    }
}

/// `POST /v1/projects/{code}/send-back`.
public struct SendBackRequest: Codable, Sendable, Hashable {
    /// A sentence the builder can act on.
    public var reason: String

    /// A send-back with its reason.
    public init(reason: String) { self.reason = reason }
}

/// `PATCH /v1/projects/{code}`: either or both.
public struct ProjectUpdateRequest: Codable, Sendable, Hashable {
    public var name: String?
    public var acceptanceRequired: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
        case acceptanceRequired = "acceptance_required"
    }

    /// An update of the name, the flag or both.
    public init(name: String? = nil, acceptanceRequired: Bool? = nil) {
        self.name = name
        self.acceptanceRequired = acceptanceRequired
    }

    /// Decodes the body; any other key is an error (a project's other fields cannot change).
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(
            known: Set(CodingKeys.allCases.map(\.rawValue)),
            hint: "a project's name and acceptance_required can change")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        acceptanceRequired = try c.decodeIfPresent(Bool.self, forKey: .acceptanceRequired)
    }
}

/// `POST /v1/projects`: one project with its last-level splitters, the fields of a project export
/// (docs/import.md) as JSON. Every field may be missing here: the import's rules say which are
/// required, each problem named by its JSON field.
///
///     {"code": "P2026-0500", "name": "Garden Court phase 3", "acceptance_required": true,
///      "splitters": [{"olt_name": "HW-OLT-01", "olt_ip": "10.20.0.1", "olt_dialect": "huawei-ma5800",
///                     "pon": "0/1/0", "svlan": 1001, "name": "GC3-A1-SP01", "ratio": "1:8", "ports": 8}]}
public struct ProjectCreateRequest: Codable, Sendable, Hashable {
    /// One last-level splitter and the OLT PON port it hangs on.
    public struct Splitter: Codable, Sendable, Hashable {
        public var oltName: String?
        public var oltIP: String?
        public var oltDialect: String?
        public var pon: String?
        public var svlan: Int?
        public var name: String?
        public var ratio: String?
        public var ports: Int?
        /// This splitter's plan rate, Mbit/s, when it differs from the project's.
        public var planMbps: Double?
        /// The ODN design in front of its ports (docs/import.md), each optional: fibre from the OLT
        /// in km, a typical drop in metres, the stages in front (`1:4` or `1:2+1:4`), and the
        /// connectors and splices on the path.
        public var feederKm: Double?
        public var dropM: Double?
        public var upstreamRatios: String?
        public var connectors: Int?
        public var splices: Int?

        /// JSON key → export column.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case oltName = "olt_name", oltIP = "olt_ip", oltDialect = "olt_dialect", pon, svlan, name, ratio, ports
            case planMbps = "plan_mbps"
            case feederKm = "feeder_km", dropM = "drop_m", upstreamRatios = "upstream_ratios", connectors, splices

            /// The column of a project export this key fills.
            public var column: String {
                switch self {
                case .oltName, .oltIP, .oltDialect, .pon, .svlan: rawValue
                case .name: "splitter_name"
                case .ratio: "splitter_ratio"
                case .ports: "splitter_ports"
                case .planMbps, .feederKm, .dropM, .upstreamRatios, .connectors, .splices: rawValue
                }
            }
        }

        /// A splitter.
        public init(
            oltName: String?, oltIP: String?, oltDialect: String?, pon: String?, svlan: Int?, name: String?,
            ratio: String?, ports: Int? = nil, planMbps: Double? = nil
        ) {
            self.planMbps = planMbps
            self.oltName = oltName
            self.oltIP = oltIP
            self.oltDialect = oltDialect
            self.pon = pon
            self.svlan = svlan
            self.name = name
            self.ratio = ratio
            self.ports = ports
        }

        /// Decodes a splitter; any other key is an error.
        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(
                known: Set(CodingKeys.allCases.map(\.rawValue)),
                hint: "a splitter has \(CodingKeys.allCases.map(\.rawValue).sorted().joined(separator: ", "))")
            let c = try decoder.container(keyedBy: CodingKeys.self)
            oltName = try c.decodeIfPresent(String.self, forKey: .oltName)
            oltIP = try c.decodeIfPresent(String.self, forKey: .oltIP)
            oltDialect = try c.decodeIfPresent(String.self, forKey: .oltDialect)
            pon = try c.decodeIfPresent(String.self, forKey: .pon)
            svlan = try c.decodeWholeNumberIfPresent(forKey: .svlan)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            ratio = try c.decodeIfPresent(String.self, forKey: .ratio)
            ports = try c.decodeWholeNumberIfPresent(forKey: .ports)
            planMbps = try c.decodeIfPresent(Double.self, forKey: .planMbps)
            feederKm = try c.decodeIfPresent(Double.self, forKey: .feederKm)
            dropM = try c.decodeIfPresent(Double.self, forKey: .dropM)
            upstreamRatios = try c.decodeIfPresent(String.self, forKey: .upstreamRatios)
            connectors = try c.decodeWholeNumberIfPresent(forKey: .connectors)
            splices = try c.decodeWholeNumberIfPresent(forKey: .splices)
        }
    }

    public var code: String?
    public var name: String?
    public var acceptanceRequired: Bool?
    /// Whether each port test includes a service test (PPPoE dial and throughput).
    public var serviceTest: Bool?
    /// The plan rate, Mbit/s, of every splitter that gives none of its own.
    public var planMbps: Double?
    public var splitters: [Splitter]

    /// JSON key → export column.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case code, name, acceptanceRequired = "acceptance_required", splitters
        case serviceTest = "service_test", planMbps = "plan_mbps"

        /// The column of a project export this key fills; nil for `splitters`.
        public var column: String? {
            switch self {
            case .code: "project_code"
            case .name: "project_name"
            case .acceptanceRequired: "acceptance_required"
            case .serviceTest: "service_test"
            // A plan problem is named at the splitter's own key (`splitters[i].plan_mbps`).
            case .planMbps, .splitters: nil
            }
        }
    }

    /// A project.
    public init(
        code: String?, name: String?, acceptanceRequired: Bool? = nil, serviceTest: Bool? = nil,
        planMbps: Double? = nil, splitters: [Splitter]
    ) {
        self.serviceTest = serviceTest
        self.planMbps = planMbps
        self.code = code
        self.name = name
        self.acceptanceRequired = acceptanceRequired
        self.splitters = splitters
    }

    /// Decodes a project; any other key is an error, and `splitters` is required.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(
            known: Set(CodingKeys.allCases.map(\.rawValue)),
            hint: "a project has code, name, acceptance_required, service_test, plan_mbps and splitters")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decodeIfPresent(String.self, forKey: .code)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        acceptanceRequired = try c.decodeIfPresent(Bool.self, forKey: .acceptanceRequired)
        serviceTest = try c.decodeIfPresent(Bool.self, forKey: .serviceTest)
        planMbps = try c.decodeIfPresent(Double.self, forKey: .planMbps)
        splitters = try c.decode([Splitter].self, forKey: .splitters)
    }
}

/// `PUT /v1/thresholds/{name}`: limits under their configuration keys — a number, or null (or
/// `"off"`) to switch the check off — and `binding`, key → true (the check fails the port) or
/// false (it only warns).
public struct ThresholdUpdateRequest: Codable, Sendable, Hashable {
    /// A limit's new value.
    public enum Limit: Codable, Sendable, Hashable {
        /// The check is switched off.
        case off
        /// The limit, in the key's unit.
        case value(Double)

        /// Reads a number, null or `"off"`.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() || (try? c.decode(String.self)) == "off" {
                self = .off
            } else if let number = try? c.decode(Double.self) {
                self = .value(number)
            } else {
                let unit = decoder.codingPath.last.flatMap { ThresholdKey(rawValue: $0.stringValue) }?.unit ?? "dB"
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: decoder.codingPath,
                        debugDescription: "must be a number of \(unit), such as -20.0, or null to switch the check off"
                    ))
            }
        }

        /// Writes the number, or null.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .off: try c.encodeNil()
            case .value(let number): try c.encode(number)
            }
        }
    }

    public var limits: [ThresholdKey: Limit]
    public var binding: [ThresholdKey: Bool]

    /// An update of some limits and bindings.
    public init(limits: [ThresholdKey: Limit] = [:], binding: [ThresholdKey: Bool] = [:]) {
        self.limits = limits
        self.binding = binding
    }

    static var keyList: String { ThresholdKey.allCases.map(\.rawValue).joined(separator: ", ") }

    /// Decodes the body; an unknown key, here or in `binding`, is an error at its path.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(
            known: Set(ThresholdKey.allCases.map(\.rawValue) + ["binding"]),
            hint: "expected one of \(Self.keyList), or binding")
        let c = try decoder.container(keyedBy: WireCodingKey.self)
        var limits: [ThresholdKey: Limit] = [:]
        for key in ThresholdKey.allCases where c.contains(WireCodingKey(key.rawValue)) {
            limits[key] = try c.decode(Limit.self, forKey: WireCodingKey(key.rawValue))
        }
        self.limits = limits
        var binding: [ThresholdKey: Bool] = [:]
        if c.contains(WireCodingKey("binding")) {
            let bindingHint =
                "must be an object such as {\"min_olt_rx_dbm\": false}: true makes a check fail the port, false makes it only warn"
            guard let object = try? c.nestedContainer(keyedBy: WireCodingKey.self, forKey: WireCodingKey("binding")),
                !object.allKeys.isEmpty
            else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: c.codingPath + [WireCodingKey("binding")], debugDescription: bindingHint))
            }
            for name in object.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
                guard let key = ThresholdKey(rawValue: name.stringValue) else {
                    throw DecodingError.dataCorrupted(
                        .init(
                            codingPath: object.codingPath + [name],
                            debugDescription: "unknown key; expected one of \(Self.keyList)"))
                }
                guard let flag = try? object.decode(Bool.self, forKey: name) else {
                    throw DecodingError.dataCorrupted(
                        .init(
                            codingPath: object.codingPath + [name],
                            debugDescription: "must be true (the check fails the port) or false (it only warns)"))
                }
                binding[key] = flag
            }
        }
        self.binding = binding
    }

    /// Writes each limit under its key and `binding` when any is set.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: WireCodingKey.self)
        for (key, limit) in limits { try c.encode(limit, forKey: WireCodingKey(key.rawValue)) }
        if !binding.isEmpty {
            try c.encode(
                Dictionary(uniqueKeysWithValues: binding.map { ($0.key.rawValue, $0.value) }),
                forKey: WireCodingKey("binding"))
        }
    }

    /// The settings this body asks for, limits in hundredths of their unit.
    public var settings: [ThresholdSetting] {
        ThresholdKey.allCases.compactMap { key in
            limits[key].map { limit in
                switch limit {
                case .off: ThresholdSetting(key: key, centi: nil)
                case .value(let d): ThresholdSetting(key: key, centi: Int((d * 100).rounded()))
                }
            }
        } + ThresholdKey.allCases.compactMap { key in binding[key].map { ThresholdSetting(key: key, binding: $0) } }
    }
}

extension KeyedDecodingContainer {
    /// A whole number; a fraction is an error at `key` (Foundation's own error for it has no path).
    func decodeWholeNumberIfPresent(forKey key: Key) throws -> Int? {
        guard let number = try decodeIfPresent(Double.self, forKey: key) else { return nil }
        guard number.rounded() == number, abs(number) < 1e15 else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath + [key], debugDescription: "must be a whole number, not \(number)"))
        }
        return Int(number)
    }
}
