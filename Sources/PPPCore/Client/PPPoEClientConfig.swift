/// How the client dials: who we are, the account, what to ask for, and its timers.
public struct PPPoEClientConfig: Sendable {
    /// Our MAC address, 6 bytes.
    public var macAddress: [UInt8]
    /// The PPP account name.
    public var username: String
    /// The PPP account password (PAP password or CHAP secret).
    public var password: String
    /// The Service-Name asked in the PADI; empty means any service.
    public var serviceName: String = ""
    /// The access concentrator to take; nil takes the first offer.
    public var acName: String? = nil
    /// The 802.1Q VLAN id of every frame of the session; nil sends untagged (and accepts
    /// priority-tagged VLAN 0 frames).
    public var vlan: UInt16? = nil
    /// Sent in the PADI and PADR, and required back in the PADO and PADS.
    public var hostUniq: [UInt8]
    /// The MRU asked in LCP (at most 1492).
    public var mru: Int = 1492
    /// Time between LCP Echo-Requests once the session is up.
    public var echoInterval: Duration = .seconds(10)
    /// Echo-Requests left unanswered in a row after which the session counts as lost.
    public var echoMisses: Int = 3
    /// First wait for a PADO (and a PADS); doubles on each retry up to `discoveryTimeoutCap`.
    public var discoveryTimeout: Duration = .seconds(2)
    /// PADIs (and PADRs) sent before giving up.
    public var discoveryAttempts: Int = 5
    /// The longest wait between two PADIs.
    public var discoveryTimeoutCap: Duration = .seconds(16)
    /// LCP, IPCP and PAP retransmission period.
    public var restartTimer: Duration = .seconds(3)
    /// The longest a phase (LCP, authentication, IPCP) may take.
    public var phaseTimeout: Duration = .seconds(30)
    /// Our LCP magic number.
    public var magicNumber: UInt32

    /// Makes a configuration with the defaults above; the magic number is random unless given.
    public init(
        macAddress: [UInt8], username: String, password: String, hostUniq: [UInt8],
        magicNumber: UInt32 = UInt32.random(in: 1...UInt32.max)
    ) {
        precondition(macAddress.count == 6, "a MAC address is 6 bytes")
        self.macAddress = macAddress
        self.username = username
        self.password = password
        self.hostUniq = hostUniq
        self.magicNumber = magicNumber
    }
}

/// Where the client is in the dial.
public enum PPPoEPhase: String, Sendable {
    /// Not started.
    case idle
    /// PADI sent, waiting for offers.
    case discovery
    /// PADR sent, waiting for the PADS.
    case request
    /// LCP negotiation.
    case lcp
    /// PAP or CHAP.
    case authentication
    /// IPCP negotiation.
    case ipcp
    /// The session carries IPv4.
    case up
    /// LCP Terminate sent, waiting to send the PADT.
    case terminating
    /// Over (closed or failed).
    case finished
}

/// What the client asks its owner (the pcap/TUN adapter) to do.
public enum PPPoEAction: Sendable, Equatable {
    /// Put this whole Ethernet frame on the wire.
    case send([UInt8])
    /// An IPv4 packet received through the session, for the TUN.
    case deliverIPv4([UInt8])
    /// A line for the human log (every PADO offer is logged).
    case log(String)
    /// The session is up.
    case up(PPPoESessionInfo)
    /// The attempt or the session ended (reported once).
    case finished(PPPoEOutcome)
}

/// The session once it is up: ids, addresses, MRU and the phases' timings.
public struct PPPoESessionInfo: Sendable, Equatable, Codable {
    /// The PPPoE session id.
    public var sessionID: UInt16
    /// The access concentrator's MAC address.
    public var acMAC: [UInt8]
    /// The access concentrator's AC-Name.
    public var acName: String
    /// Our IPv4 address.
    public var localIP: [UInt8]
    /// The peer's IPv4 address.
    public var peerIP: [UInt8]
    /// DNS servers obtained in IPCP.
    public var dns: [[UInt8]]
    /// The MRU in force (the smaller of both directions).
    public var mru: Int
    /// The TCP MSS clamp: `mru - 40`.
    public var mss: Int
    /// How long each phase took.
    public var timings: PPPoETimings

    /// Makes the record.
    public init(
        sessionID: UInt16, acMAC: [UInt8], acName: String, localIP: [UInt8], peerIP: [UInt8], dns: [[UInt8]],
        mru: Int, timings: PPPoETimings
    ) {
        self.sessionID = sessionID
        self.acMAC = acMAC
        self.acName = acName
        self.localIP = localIP
        self.peerIP = peerIP
        self.dns = dns
        self.mru = mru
        self.mss = mru - 40
        self.timings = timings
    }
}

/// How long each phase of a dial took; nil for a phase not (yet) completed.
public struct PPPoETimings: Sendable, Equatable, Codable {
    /// First PADI to the PADO taken.
    public var padiToPado: Duration?
    /// First PADR to the PADS.
    public var padrToPads: Duration?
    /// PADS to LCP opened.
    public var lcp: Duration?
    /// LCP opened to authentication success (zero when none was asked).
    public var authentication: Duration?
    /// Authentication to IPCP opened.
    public var ipcp: Duration?
    /// First PADI to IPCP opened.
    public var total: Duration?

    /// Makes an empty record.
    public init() {}

    /// Milliseconds per phase, keyed "padi_pado", "padr_pads", "lcp", "auth", "ipcp", "total";
    /// phases not completed are absent.
    public var milliseconds: [String: Double] {
        let pairs: [(String, Duration?)] = [
            ("padi_pado", padiToPado), ("padr_pads", padrToPads), ("lcp", lcp), ("auth", authentication),
            ("ipcp", ipcp), ("total", total),
        ]
        var result: [String: Double] = [:]
        for (key, value) in pairs {
            if let value { result[key] = Self.ms(value) }
        }
        return result
    }

    static func ms(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return (milliseconds * 1000).rounded() / 1000
    }
}

/// How an attempt or a session ended.
public enum PPPoEOutcome: Sendable, Equatable {
    /// We closed cleanly (LCP Terminate, PADT).
    case closed
    /// It failed, with a reason a crew can act on.
    case failed(PPPoEFailure)
}
