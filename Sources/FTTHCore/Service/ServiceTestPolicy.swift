/// How service tests run (`[service]` in ftth-acceptd.toml): what a probe is told to dial and
/// measure, how long a port test waits for its result, and the fraction of the plan rate that passes.
public struct ServiceTestPolicy: Sendable, Hashable {
    /// Each direction passes at this fraction of the port's plan rate, 0 < f ≤ 1.
    public var minFraction: Double
    /// Seconds the probe measures each direction.
    public var durationSeconds: Int
    /// How long a port test waits for a probe's result before the service fails `not_tested`.
    public var wait: Duration
    /// `host` or `host:port` of an iperf3 server; empty: only the daemon's speed-test endpoints.
    public var iperf3Server: String
    /// PPPoE Service-Name to ask for; empty: any.
    public var serviceName: String
    /// Access concentrator to choose; empty: the first that answers.
    public var acName: String
    /// 802.1Q VLAN id of the PPPoE session; nil: untagged.
    public var vlan: Int?

    /// The defaults: 80 % of the plan, 10 s each way, a 30-minute wait.
    public init(
        minFraction: Double = 0.8, durationSeconds: Int = 10, wait: Duration = .seconds(30 * 60),
        iperf3Server: String = "", serviceName: String = "", acName: String = "", vlan: Int? = nil
    ) {
        self.minFraction = minFraction
        self.durationSeconds = durationSeconds
        self.wait = wait
        self.iperf3Server = iperf3Server
        self.serviceName = serviceName
        self.acName = acName
        self.vlan = vlan
    }
}
