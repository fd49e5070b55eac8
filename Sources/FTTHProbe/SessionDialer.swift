import FTTHCore

/// What the probe asks of a PPPoE dial. The user-space PPPoE client (PPPoELink) is the dialer of
/// `ftth-probe`; tests give their own.
public struct DialRequest: Sendable, Hashable {
    /// The interface wired to the test ONT's LAN port.
    public var interface: String
    public var username: String
    public var password: String
    /// PPPoE Service-Name; empty: any.
    public var serviceName: String
    /// Access concentrator to choose; nil: the first that answers.
    public var acName: String?
    /// 802.1Q VLAN id of the session; nil: untagged.
    public var vlan: Int?
    /// IPv4 addresses to route through the session while it is up: the servers measured against,
    /// and the daemon, so a result can be posted through the line when that is the only way out.
    public var routes: [String]

    public init(
        interface: String, username: String, password: String, serviceName: String = "", acName: String? = nil,
        vlan: Int? = nil, routes: [String] = []
    ) {
        self.interface = interface
        self.username = username
        self.password = password
        self.serviceName = serviceName
        self.acName = acName
        self.vlan = vlan
        self.routes = routes
    }
}

/// A session that is up: what was negotiated, until it is hung up.
public protocol DialedSession: Sendable {
    var localAddress: String { get }
    var dns: [String] { get }
    var mru: Int { get }
    /// The TCP MSS clamped on the session (MRU − 40).
    var mss: Int { get }
    var acName: String { get }
    var phases: ServicePhases { get }
    /// The failure that ended the session by itself (echo timeout, the AC's PADT), once it has;
    /// nil while it is up.
    var endedWith: (code: String, message: String)? { get }
    /// Ends the session cleanly (LCP Terminate-Request, then PADT).
    func hangUp() async
}

/// How a dial ended.
public enum DialOutcome: Sendable {
    case up(any DialedSession)
    /// The dial failed: the failure's stable code (`auth_rejected`…), its sentence for a crew,
    /// and the phases it got through.
    case failed(code: String, message: String, phases: ServicePhases)
}

/// Dials PPPoE.
public protocol SessionDialer: Sendable {
    func dial(_ request: DialRequest) async -> DialOutcome
}
