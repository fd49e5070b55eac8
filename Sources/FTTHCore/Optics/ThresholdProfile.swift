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

    public init(
        name: String, minONURx: DBm? = nil, maxONURx: DBm? = nil, minOLTRx: DBm? = nil,
        maxDownstreamAttenuation: Decibels? = nil, maxUpstreamAttenuation: Decibels? = nil
    ) {
        self.name = name
        self.minONURx = minONURx
        self.maxONURx = maxONURx
        self.minOLTRx = minOLTRx
        self.maxDownstreamAttenuation = maxDownstreamAttenuation
        self.maxUpstreamAttenuation = maxUpstreamAttenuation
    }

    /// At build: ONU rx at least −20 dBm, leaving margin for the drop cable and the user's
    /// connectors; overload −8 dBm; OLT rx at least −28 dBm; B+ budget 28 dB both ways.
    public static let build = ThresholdProfile(
        name: "build", minONURx: DBm(-20), maxONURx: DBm(-8), minOLTRx: DBm(-28),
        maxDownstreamAttenuation: Decibels(28), maxUpstreamAttenuation: Decibels(28))

    /// At the user: ONU rx at least −27 dBm (GPON B+ ONU sensitivity), otherwise as ``build``.
    public static let user = ThresholdProfile(
        name: "user", minONURx: DBm(-27), maxONURx: DBm(-8), minOLTRx: DBm(-28),
        maxDownstreamAttenuation: Decibels(28), maxUpstreamAttenuation: Decibels(28))

    /// The profiles every installation has unless its config overrides them.
    public static let defaults: [ThresholdProfile] = [.build, .user]

    /// Problems that make a profile meaningless (a minimum above the maximum, a negative budget).
    public func validationProblems() -> [String] {
        var problems: [String] = []
        if let lo = minONURx, let hi = maxONURx, lo > hi {
            problems.append("min_onu_rx_dbm \(lo) is above max_onu_rx_dbm \(hi)")
        }
        if let d = maxDownstreamAttenuation, d.centi < 0 {
            problems.append("max_downstream_attenuation_db \(d) is negative")
        }
        if let u = maxUpstreamAttenuation, u.centi < 0 {
            problems.append("max_upstream_attenuation_db \(u) is negative")
        }
        return problems
    }
}
