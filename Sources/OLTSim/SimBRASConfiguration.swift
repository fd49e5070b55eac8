import FTTHConfig
import Foundation

/// The simulated BRAS behind the city's OLTs (`[bras]`): the PPPoE access concentrator a crew's
/// probe dials through the test ONT, with its test accounts, the plan rate it shapes each session
/// to, and faults chosen per account. olt-sim runs it on a real interface when the table is there.
public struct SimBRASConfiguration: Sendable, Equatable {
    /// The Ethernet interface the BRAS answers PPPoE on (in the demo, the host's end of the veth
    /// pair whose other end stands for the test ONT's LAN port).
    public var interface: String
    /// The TUN interface carrying the sessions' IPv4 to the host's stack.
    public var tunName: String
    /// The AC-Name the BRAS offers in its PADO.
    public var acName: String
    /// The Service-Name it offers (a PADI asking for any service gets it too).
    public var serviceName: String
    /// The authentication it asks in LCP.
    public var auth: SimBRASAuth
    /// The BRAS's own IPv4 address (the sessions' peer, the TUN's address) and the prefix length
    /// of the subnet the sessions get their addresses from (.10 upward).
    public var address: [UInt8]
    public var prefixLength: Int
    /// DNS servers given in IPCP.
    public var dns: [[UInt8]]
    /// The rate each session is shaped to, each way, in Mbit/s.
    public var planMbps: Double
    /// The test accounts the BRAS knows.
    public var accounts: [SimBRASAccount]

    public init(
        interface: String, tunName: String = "ftthbras0", acName: String = "olt-sim-BRAS",
        serviceName: String = "internet",
        auth: SimBRASAuth = .chap, address: [UInt8] = [10, 67, 0, 1], prefixLength: Int = 24,
        dns: [[UInt8]] = [[10, 67, 0, 1]],
        planMbps: Double = 100, accounts: [SimBRASAccount] = []
    ) {
        self.interface = interface
        self.tunName = tunName
        self.acName = acName
        self.serviceName = serviceName
        self.auth = auth
        self.address = address
        self.prefixLength = prefixLength
        self.dns = dns
        self.planMbps = planMbps
        self.accounts = accounts
    }

    /// The rate, each way, in bits per second of a session of `account` (nil for an unknown
    /// account: the plan rate).
    public func rateBitsPerSecond(account: SimBRASAccount?) -> Double {
        if case .slowLine(let mbps) = account?.fault { return mbps * 1_000_000 }
        return planMbps * 1_000_000
    }
}

/// The authentication protocol the simulated BRAS asks in LCP.
public enum SimBRASAuth: String, Sendable, Equatable {
    case pap
    /// CHAP with MD5.
    case chap
}

/// A test account the simulated BRAS knows, and what goes wrong with it.
public struct SimBRASAccount: Sendable, Equatable {
    public var username: String
    /// The password the crew's pool holds (`ftthctl import accounts`); with `wrongPassword` the
    /// BRAS holds another one.
    public var password: String
    public var fault: SimBRASFault?

    public init(username: String, password: String, fault: SimBRASFault? = nil) {
        self.username = username
        self.password = password
        self.fault = fault
    }

    /// The password the BRAS checks: the account's, or with `wrongPassword` one the crew does not
    /// have (as when the account was changed on the RADIUS server and not in the crew's pool).
    public var passwordHeldByBRAS: String {
        fault == .wrongPassword ? password + "-changed-on-radius" : password
    }
}

/// A fault of one account's sessions. A PADI names no account, so every fault shows after the
/// probe said who it is.
public enum SimBRASFault: Sendable, Equatable, CustomStringConvertible {
    /// The BRAS holds another password: authentication is rejected with the BRAS's message.
    case wrongPassword
    /// The BRAS never answers this account's authentication request, like a RADIUS server that
    /// is down: the dial fails when authentication times out.
    case noAnswer
    /// The BRAS stops answering LCP echoes, and carries nothing more, this long after the
    /// session is up (a BRAS that hung): the probe loses the session mid-measurement.
    case echoStops(after: Duration)
    /// The session is shaped to this rate each way instead of the plan rate.
    case slowLine(mbps: Double)

    /// Parses `wrong_password`, `no_answer`, `echo_stops:SECONDS` and `slow_line:MBPS`;
    /// `echo_stops` alone is after 2 s and `slow_line` alone a quarter of `planMbps`.
    public init?(_ text: String, planMbps: Double) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let argument = parts.count == 2 ? Double(parts[1]) : nil
        if parts.count == 2 {
            guard let argument, argument.isFinite, argument > 0 else { return nil }
        }
        switch parts.first {
        case "wrong_password" where parts.count == 1: self = .wrongPassword
        case "no_answer" where parts.count == 1: self = .noAnswer
        case "echo_stops":
            self = .echoStops(after: .milliseconds(Int64((argument ?? 2) * 1000)))
        case "slow_line": self = .slowLine(mbps: argument ?? planMbps / 4)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .wrongPassword: "wrong_password"
        case .noAnswer: "no_answer"
        case .echoStops(let after):
            "echo_stops:\(Double(after.components.seconds) + Double(after.components.attoseconds) / 1e18)"
        case .slowLine(let mbps): "slow_line:\(mbps)"
        }
    }
}

extension SimBRASConfiguration {
    /// Reads `[bras]`; errors name the key (`bras.accounts[1].fault`) and say what to write.
    static func parse(_ r: TOMLReader) throws -> SimBRASConfiguration {
        try r.allow([
            "interface", "tun_name", "ac_name", "service_name", "auth", "address", "dns", "plan_mbps", "accounts",
        ])
        let interface = try r.string("interface")
        guard Self.isInterfaceName(interface) else {
            throw r.error(
                "interface", "'\(interface)' is not an interface name: at most 15 characters, no '/', ':' or spaces")
        }
        let tunName = try r.string("tun_name", default: "ftthbras0")
        guard Self.isInterfaceName(tunName) else {
            throw r.error(
                "tun_name", "'\(tunName)' is not an interface name: at most 15 characters, no '/', ':' or spaces")
        }
        let addressText = try r.string("address", default: "10.67.0.1/24")
        let slash = addressText.split(separator: "/", maxSplits: 1).map(String.init)
        guard let address = Self.ipv4(slash[0]),
            let prefix = slash.count == 2 ? Int(slash[1]) : 24, (8...29).contains(prefix)
        else {
            throw r.error(
                "address",
                "'\(addressText)' is not an IPv4 address with a prefix length 8-29, such as \"10.67.0.1/24\"")
        }
        let dns = try r.strings("dns", default: [slash[0]]).map { text in
            guard let a = Self.ipv4(text) else {
                throw r.error("dns", "'\(text)' is not an IPv4 address such as \"10.67.0.1\"")
            }
            return a
        }
        guard dns.count <= 2 else { throw r.error("dns", "IPCP gives at most two DNS servers; list one or two") }
        let plan = try r.double("plan_mbps", default: 100, range: 0.1...10_000)
        let authText = try r.string("auth", default: "chap")
        guard let auth = SimBRASAuth(rawValue: authText) else {
            throw r.error("auth", "'\(authText)' is not an authentication the BRAS asks: use \"pap\" or \"chap\"")
        }
        var accounts: [SimBRASAccount] = []
        for a in try r.tables("accounts") {
            try a.allow(["username", "password", "fault"])
            var fault: SimBRASFault?
            if a.table["fault"] != nil {
                let text = try a.string("fault")
                guard let f = SimBRASFault(text, planMbps: plan) else {
                    throw a.error(
                        "fault",
                        "'\(text)' is not a BRAS fault: use wrong_password, no_answer, echo_stops[:SECONDS] or "
                            + "slow_line[:MBPS]")
                }
                fault = f
            }
            let account = SimBRASAccount(
                username: try a.string("username"), password: try a.string("password"), fault: fault)
            guard !accounts.contains(where: { $0.username == account.username }) else {
                throw a.error("username", "account '\(account.username)' is listed twice")
            }
            accounts.append(account)
        }
        guard !accounts.isEmpty else {
            throw r.error(
                "accounts", "no test account: add [[bras.accounts]] tables with username and password")
        }
        return SimBRASConfiguration(
            interface: interface, tunName: tunName, acName: try r.string("ac_name", default: "olt-sim-BRAS"),
            serviceName: try r.string("service_name", default: "internet"), auth: auth, address: address,
            prefixLength: prefix, dns: dns, planMbps: plan, accounts: accounts)
    }

    /// A Linux interface name: 1-15 bytes, none of '/', ':' or white space.
    static func isInterfaceName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 15 && !name.contains(where: { $0 == "/" || $0 == ":" || $0.isWhitespace })
    }

    /// "10.67.0.1" → [10, 67, 0, 1]; nil for anything else.
    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { $0.count <= 3 && $0.allSatisfy(\.isASCII) ? UInt8($0) : nil }
        return bytes.count == 4 ? bytes : nil
    }
}
