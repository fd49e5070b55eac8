/// Limits a port's optics are judged against. Every check is optional: a nil limit is not
/// judged. The names follow DESIGN §3: powers in dBm, attenuations in dB.
public struct ThresholdProfile: Sendable, Hashable, Codable {
    /// The profile's name, as used in config and on the command line (`build`, `user`, …).
    public var name: String
    /// Lowest acceptable ONU receive power (build −20 dBm, user −27 dBm).
    public var minONURx: DBm?
    /// Highest acceptable ONU receive power (overload, −8 dBm).
    public var maxONURx: DBm?
    /// Lowest acceptable OLT receive power of the ONU's upstream (B+ sensitivity −28 dBm).
    public var minOLTRx: DBm?
    /// Highest acceptable downstream attenuation (ODN class budget: B+ 28 dB, C+ 32 dB).
    public var maxDownstreamAttenuation: Decibels?
    /// Highest acceptable upstream attenuation.
    public var maxUpstreamAttenuation: Decibels?
    /// Checks that warn instead of failing the port: their outcome is shown with its reason but
    /// never changes the verdict. Every other configured check binds.
    public var advisory: Set<CheckResult.Check>

    /// The operator's rule (acceptance spec, 线路质量测试): the line is judged by ONU receive
    /// power against the limit, so only the ONU rx checks bind; OLT rx and the attenuation
    /// budgets are advisory.
    public static let operatorAdvisory: Set<CheckResult.Check> = [
        .minOLTRx, .maxDownstreamAttenuation, .maxUpstreamAttenuation,
    ]

    /// A profile; `advisory` defaults to the operator's rule (``operatorAdvisory``).
    public init(
        name: String, minONURx: DBm? = nil, maxONURx: DBm? = nil, minOLTRx: DBm? = nil,
        maxDownstreamAttenuation: Decibels? = nil, maxUpstreamAttenuation: Decibels? = nil,
        advisory: Set<CheckResult.Check> = ThresholdProfile.operatorAdvisory
    ) {
        self.name = name
        self.minONURx = minONURx
        self.maxONURx = maxONURx
        self.minOLTRx = minOLTRx
        self.maxDownstreamAttenuation = maxDownstreamAttenuation
        self.maxUpstreamAttenuation = maxUpstreamAttenuation
        self.advisory = advisory
    }

    /// Whether `check` fails the port (binding) rather than warning (advisory).
    public func binds(_ check: CheckResult.Check) -> Bool { !advisory.contains(check) }

    enum CodingKeys: String, CodingKey {
        case name, minONURx, maxONURx, minOLTRx, maxDownstreamAttenuation, maxUpstreamAttenuation, advisory
    }

    /// Decodes a profile; one recorded before checks could be advisory has every check binding,
    /// as it was judged then.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        minONURx = try c.decodeIfPresent(DBm.self, forKey: .minONURx)
        maxONURx = try c.decodeIfPresent(DBm.self, forKey: .maxONURx)
        minOLTRx = try c.decodeIfPresent(DBm.self, forKey: .minOLTRx)
        maxDownstreamAttenuation = try c.decodeIfPresent(Decibels.self, forKey: .maxDownstreamAttenuation)
        maxUpstreamAttenuation = try c.decodeIfPresent(Decibels.self, forKey: .maxUpstreamAttenuation)
        advisory = try c.decodeIfPresent(Set<CheckResult.Check>.self, forKey: .advisory) ?? []
    }

    /// At build: ONU rx at least −20 dBm, leaving margin for the drop cable and the user's
    /// connectors, and overload −8 dBm, both binding; OLT rx at least −28 dBm and the B+ budget of
    /// 28 dB both ways, advisory.
    public static let build = ThresholdProfile(
        name: "build", minONURx: DBm(-20), maxONURx: DBm(-8), minOLTRx: DBm(-28),
        maxDownstreamAttenuation: Decibels(28), maxUpstreamAttenuation: Decibels(28))

    /// At the user: ONU rx at least −27 dBm (GPON B+ ONU sensitivity), binding; otherwise as
    /// ``build``.
    public static let user = ThresholdProfile(
        name: "user", minONURx: DBm(-27), maxONURx: DBm(-8), minOLTRx: DBm(-28),
        maxDownstreamAttenuation: Decibels(28), maxUpstreamAttenuation: Decibels(28))

    /// The profiles every installation has unless its config overrides them.
    public static let defaults: [ThresholdProfile] = [.build, .user]

    /// Problems that make a profile meaningless (a minimum above the maximum, a negative budget),
    /// each naming the limit it is about.
    public func validationProblems() -> [ThresholdProblem] {
        var problems: [ThresholdProblem] = []
        if let lo = minONURx, let hi = maxONURx, lo > hi {
            problems.append(ThresholdProblem(key: .minONURx, message: "\(lo) is above max_onu_rx_dbm \(hi)"))
        }
        if let d = maxDownstreamAttenuation, d.centi < 0 {
            problems.append(ThresholdProblem(key: .maxDownstreamAttenuation, message: "\(d) is negative"))
        }
        if let u = maxUpstreamAttenuation, u.centi < 0 {
            problems.append(ThresholdProblem(key: .maxUpstreamAttenuation, message: "\(u) is negative"))
        }
        return problems
    }
}

/// Why a threshold profile is meaningless, naming the limit: so that a caller (the API, the
/// configuration) can point at the key without reading it out of a sentence.
public struct ThresholdProblem: Sendable, Hashable, CustomStringConvertible {
    /// The limit the problem is about.
    public var key: ThresholdKey
    /// What is wrong with it, such as `-5.00 dBm is above max_onu_rx_dbm -8.00 dBm`.
    public var message: String

    /// A problem of `key`.
    public init(key: ThresholdKey, message: String) {
        self.key = key
        self.message = message
    }

    /// `key message`, such as `min_onu_rx_dbm -5.00 dBm is above max_onu_rx_dbm -8.00 dBm`.
    public var description: String { "\(key.rawValue) \(message)" }
}
