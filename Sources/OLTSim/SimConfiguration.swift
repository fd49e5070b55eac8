import FTTHConfig
import FTTHCore
import Foundation
import SNMPModel
import TOMLKit

/// A simulated city: OLTs with their PON ports, the ODN behind each (splitters, fibre,
/// connectors, faults) and the ONTs plugged into splitter ports. Read from TOML (`olt-sim --help`
/// and `config/olt-sim.toml` document every key).
public struct SimConfiguration: Sendable {
    public var olts: [SimOLT]
    /// How long an ONU takes to register after it is provisioned (ranging, OMCI).
    public var registrationSeconds: Double
    /// The simulated BRAS (`[bras]`) a probe dials through the test ONT; nil: none.
    public var bras: SimBRASConfiguration?
    /// `variation_seed`: when set, every connector, splice, drop whose length was not given and
    /// ONT whose `tx_dbm` was not given reads a little off its typical figure, drawn from this seed
    /// and where the part sits (``SimVariation``), so that ports behind one splitter no longer read
    /// alike. Nil: every part is exactly typical, as the figures in the tests expect.
    public var variationSeed: UInt64?
    /// `reading_error_db`: how far, at most, a receive power reads off the truth, as real optics
    /// do (an ONT's DDM is calibrated to a dB or so): half of it an offset fixed per ONT, half a
    /// jitter per port; the OLT's reading of the upstream jitters by up to half of it. Drawn from
    /// `variation_seed` (0 when unset). 0: readings are exact.
    public var readingErrorDB: Double

    public init(
        olts: [SimOLT], registrationSeconds: Double = 5, bras: SimBRASConfiguration? = nil,
        variationSeed: UInt64? = nil, readingErrorDB: Double = 0
    ) {
        self.readingErrorDB = readingErrorDB
        self.olts = olts
        self.registrationSeconds = registrationSeconds
        self.bras = bras
        self.variationSeed = variationSeed
    }
}

/// One simulated OLT.
public struct SimOLT: Sendable {
    public var name: String
    public var address: ManagementAddress
    public var dialect: VendorDialect
    public var snmp: SimSNMP
    public var pons: [SimPON]
    /// Line and service profile names the OLT accepts when a test ONU is provisioned.
    public var lineProfiles: [String]
    public var serviceProfiles: [String]
    /// The Telnet and SSH command line; nil: the OLT has none.
    public var cli: SimCLIConfiguration?
    /// `[[olt.crew_ont]]`: test ONTs that crews carry from port to port. They sit in no port
    /// until ``SimulatedOLT/plug(_:pon:splitter:port:)`` puts one somewhere.
    public var crewONTs: [SimCrewONT]

    public init(
        name: String, address: ManagementAddress, dialect: VendorDialect, snmp: SimSNMP = SimSNMP(),
        pons: [SimPON], lineProfiles: [String] = ["ftth-test"], serviceProfiles: [String] = ["ftth-test"],
        cli: SimCLIConfiguration? = nil, crewONTs: [SimCrewONT] = []
    ) {
        self.crewONTs = crewONTs
        self.name = name
        self.address = address
        self.dialect = dialect
        self.snmp = snmp
        self.pons = pons
        self.lineProfiles = lineProfiles
        self.serviceProfiles = serviceProfiles
        self.cli = cli
    }
}

/// The command line of a simulated OLT (`[olt.cli]`): where it listens, who may log in, and how
/// it behaves like the real one (latency per command, session cap, pager).
public struct SimCLIConfiguration: Sendable {
    /// TCP port of the Telnet server on 127.0.0.1; 0 picks a free one, nil serves no Telnet.
    public var telnetPort: Int?
    /// TCP port of the SSH server on 127.0.0.1; 0 picks a free one, nil serves no SSH.
    public var sshPort: Int?
    public var username: String
    public var password: Secret
    /// A directory holding the SSH host keys, `ssh_host_ed25519_key` and `ssh_host_rsa_key`
    /// (OpenSSH's private key format); created on first start when missing, so the keys stay the
    /// same across restarts. Nil: keys made when the process first needs them.
    public var hostKeyDirectory: String?
    /// The SSH algorithms the server offers: what a modern OLT or an old firmware offers.
    public var sshAlgorithms: SimSSHAlgorithmSet
    /// The SSH login methods the server offers, in its order.
    public var sshAuthMethods: [SimSSHAuthMethod]
    /// Time the OLT takes to answer one command.
    public var latencyMilliseconds: Int
    /// Sessions beyond this many are refused, like an OLT's VTY limit.
    public var maxSessions: Int
    /// Lines per page before the pager prompts (Huawei; ZTE pages at 24 until `terminal length 0`).
    public var pageLines: Int
    /// The host name in prompts; nil: `MA5600T`, `MA5800-X7` or `ZXAN` by dialect.
    public var hostName: String?

    public init(
        telnetPort: Int? = 0, sshPort: Int? = 0, username: String = "admin", password: Secret = "admin",
        hostKeyDirectory: String? = nil, sshAlgorithms: SimSSHAlgorithmSet = .modern,
        sshAuthMethods: [SimSSHAuthMethod] = [.password, .keyboardInteractive], latencyMilliseconds: Int = 0,
        maxSessions: Int = 4, pageLines: Int = 40, hostName: String? = nil
    ) {
        self.telnetPort = telnetPort
        self.sshPort = sshPort
        self.username = username
        self.password = password
        self.hostKeyDirectory = hostKeyDirectory
        self.sshAlgorithms = sshAlgorithms
        self.sshAuthMethods = sshAuthMethods
        self.latencyMilliseconds = latencyMilliseconds
        self.maxSessions = maxSessions
        self.pageLines = pageLines
        self.hostName = hostName
    }

    /// The host name an OLT of this dialect shows in its prompts by default.
    public static func defaultHostName(_ dialect: VendorDialect) -> String {
        switch dialect {
        case .huaweiMA5600T: "MA5600T"
        case .huaweiMA5800: "MA5800-X7"
        case .zteC300, .zteC600: "ZXAN"
        }
    }
}

/// The SNMP agent of a simulated OLT.
public struct SimSNMP: Sendable {
    /// UDP port on 127.0.0.1; 0 picks a free one.
    public var port: Int
    public var community: Secret
    public var writeCommunity: Secret
    public var v3Users: [SimV3User]
    /// Time a real OLT agent takes to answer one request.
    public var latencyMilliseconds: Int
    /// Requests per second beyond which the agent drops requests, like an overloaded OLT.
    public var maxRequestsPerSecond: Int?
    public var fault: AgentFault?

    public init(
        port: Int = 0, community: Secret = "public", writeCommunity: Secret = "private", v3Users: [SimV3User] = [],
        latencyMilliseconds: Int = 0, maxRequestsPerSecond: Int? = nil, fault: AgentFault? = nil
    ) {
        self.port = port
        self.community = community
        self.writeCommunity = writeCommunity
        self.v3Users = v3Users
        self.latencyMilliseconds = latencyMilliseconds
        self.maxRequestsPerSecond = maxRequestsPerSecond
        self.fault = fault
    }
}

/// An SNMPv3 user of a simulated agent.
public struct SimV3User: Sendable {
    public var user: String
    public var auth: (SNMPv3Security.AuthProtocol, Secret)?
    public var priv: (SNMPv3Security.PrivProtocol, Secret)?

    public init(
        user: String, auth: (SNMPv3Security.AuthProtocol, Secret)?, priv: (SNMPv3Security.PrivProtocol, Secret)?
    ) {
        self.user = user
        self.auth = auth
        self.priv = priv
    }
}

/// A fault of an OLT's agent as a whole.
public enum AgentFault: Sendable, Hashable, CustomStringConvertible {
    /// Every answer takes this long.
    case slow(milliseconds: Int)
    /// The agent stops answering.
    case silent

    /// Parses `slow:2000` or `silent`.
    public init?(_ text: String) {
        if text == "silent" {
            self = .silent
        } else if text.hasPrefix("slow:"), let ms = Int(text.dropFirst(5)), ms >= 0 {
            self = .slow(milliseconds: ms)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .slow(let ms): "slow:\(ms)"
        case .silent: "silent"
        }
    }
}

/// A PON port and the ODN behind it.
public struct SimPON: Sendable {
    public var address: PONAddress
    /// Transmit power of the PON port's optics: what the OLT reports as its tx, whatever is lost
    /// after the laser.
    public var oltTxDBm: Double
    public var splitters: [SimSplitter]
    /// `olt_port_faults` (``SimFaultPlace/oltPort``): at the OLT's port or its ODF, such as a dirty
    /// connector. Every splitter of the PON suffers them; the OLT's tx does not change.
    public var oltPortFaults: [PathFault]
    /// `feeder_faults` (``SimFaultPlace/feeder``): in the feeder before the first-level splitter,
    /// such as a macrobend. Every splitter of the PON suffers them.
    public var feederFaults: [PathFault]

    public init(
        address: PONAddress, oltTxDBm: Double = 3.0, splitters: [SimSplitter], oltPortFaults: [PathFault] = [],
        feederFaults: [PathFault] = []
    ) {
        self.address = address
        self.oltTxDBm = oltTxDBm
        self.splitters = splitters
        self.oltPortFaults = oltPortFaults
        self.feederFaults = feederFaults
    }
}

/// A last-level splitter and the fibre from the OLT to it.
public struct SimSplitter: Sendable {
    public var name: String
    public var ratio: SplitRatio
    /// The first-level splitter in front of this one, if the ODN has two levels.
    public var firstLevelRatio: SplitRatio?
    public var fibreKm: Double
    public var connectors: Int
    public var splices: Int
    /// Faults before the splitter (``SimFaultPlace/splitterInput``): its feeder leg, the splitter
    /// itself, its input connector. Every port behind it suffers them.
    public var faults: [PathFault]
    public var onts: [SimONT]
    /// `test_onts`: a crew's test ONT waits unconfigured in every port without an ONT, its
    /// serial this prefix and four hex digits (see `SimConfiguration.fillTestONTs`).
    public var testONTPrefix: String?
    /// `drop_m`: the typical drop of this splitter's ports, metres, for ports whose drop is given
    /// neither on a `[[…port]]` nor on the ONT in it. With `variation_seed` each such port's drop
    /// varies around it.
    public var dropMetres: Double
    /// `[[…port]]`: the ports with a drop length or faults of their own, whichever ONT is plugged in.
    public var ports: [SimSplitterPort]

    public init(
        name: String, ratio: SplitRatio, firstLevelRatio: SplitRatio? = nil, fibreKm: Double = 2.0, connectors: Int = 4,
        splices: Int = 4, faults: [PathFault] = [], onts: [SimONT] = [], testONTPrefix: String? = nil,
        dropMetres: Double = 30, ports: [SimSplitterPort] = []
    ) {
        self.dropMetres = dropMetres
        self.ports = ports
        self.testONTPrefix = testONTPrefix
        self.name = name
        self.ratio = ratio
        self.firstLevelRatio = firstLevelRatio
        self.fibreKm = fibreKm
        self.connectors = connectors
        self.splices = splices
        self.faults = faults
        self.onts = onts
    }
}

extension SimSplitter {
    /// A vendor id (4 capital letters) and 4 hex digits: with 4 more hex digits a serial.
    static func isTestONTPrefix(_ text: String) -> Bool {
        let chars = Array(text.utf8)
        guard chars.count == 8 else { return false }
        let letters = chars[0..<4].allSatisfy { (65...90).contains($0) }
        let hex = chars[4...].allSatisfy { (48...57).contains($0) || (65...70).contains($0) }
        return letters && hex
    }
}

/// One output port of a splitter and its drop, whichever ONT is plugged in it
/// (`[[olt.pon.splitter.port]]`).
public struct SimSplitterPort: Sendable, Hashable {
    /// The port, 1 … the splitter's outputs.
    public var number: Int
    /// The drop from this port to the ONT, metres; nil: the splitter's `drop_m`.
    public var dropMetres: Double?
    /// `connector_faults` (``SimFaultPlace/splitterPort``): at the splitter's output connector of
    /// this port, such as a dirty connector.
    public var connectorFaults: [PathFault]
    /// `drop_faults` (``SimFaultPlace/drop``): on the drop cable, such as a macrobend or a cut.
    public var dropFaults: [PathFault]

    public init(
        number: Int, dropMetres: Double? = nil, connectorFaults: [PathFault] = [], dropFaults: [PathFault] = []
    ) {
        self.number = number
        self.dropMetres = dropMetres
        self.connectorFaults = connectorFaults
        self.dropFaults = dropFaults
    }
}

/// A crew's test ONT (`[[olt.crew_ont]]`): in no port until ``SimulatedOLT/plug(_:pon:splitter:port:)``
/// puts it somewhere; its laser and its faults go with it from port to port.
public struct SimCrewONT: Sendable, Hashable {
    public var serial: ONUSerial
    /// Transmit power; nil: 2.0 dBm, or around it with `variation_seed`.
    public var txDBm: Double?
    /// Faults of the ONT itself (``SimFaultPlace/ontConnector``), such as a dirty connector on its
    /// PON port: every port it is plugged into suffers them.
    public var faults: [PathFault]
    /// An ONT that never registers (a dead laser, wrong firmware).
    public var neverRegisters: Bool

    public init(serial: ONUSerial, txDBm: Double? = nil, faults: [PathFault] = [], neverRegisters: Bool = false) {
        self.serial = serial
        self.txDBm = txDBm
        self.faults = faults
        self.neverRegisters = neverRegisters
    }
}

/// An ONT plugged into a splitter port.
public struct SimONT: Sendable {
    public var port: Int
    public var serial: ONUSerial
    /// Transmit power; nil: 2.0 dBm, or around it with `variation_seed`. It follows the ONT.
    public var txDBm: Double?
    /// The drop of the port it is configured in, metres; nil: the splitter's `drop_m`. It stays
    /// with the port when the ONT is plugged elsewhere.
    public var dropMetres: Double?
    /// `faults`: faults on the drop of the port it is configured in (``SimFaultPlace/drop``). They
    /// stay with the port: any ONT plugged there suffers them.
    public var faults: [PathFault]
    /// `ont_faults`: faults of the ONT itself (``SimFaultPlace/ontConnector``), which go with it
    /// wherever it is plugged.
    public var ontFaults: [PathFault]
    /// An ONT that never registers (wrong firmware, dead laser).
    public var neverRegisters: Bool
    /// Configured on the OLT from the start (a customer ONU), with this ONU id and name.
    public var provisionedID: Int?
    public var name: String?
    /// The password (LOID) the ONT answers with: an ONU configured with it (password-auth,
    /// ZTE `pw`) is matched to this ONT.
    public var password: String?

    public init(
        port: Int, serial: ONUSerial, txDBm: Double? = nil, dropMetres: Double? = nil, faults: [PathFault] = [],
        neverRegisters: Bool = false, provisionedID: Int? = nil, name: String? = nil, password: String? = nil,
        ontFaults: [PathFault] = []
    ) {
        self.ontFaults = ontFaults
        self.password = password
        self.port = port
        self.serial = serial
        self.txDBm = txDBm
        self.dropMetres = dropMetres
        self.faults = faults
        self.neverRegisters = neverRegisters
        self.provisionedID = provisionedID
        self.name = name
    }
}

extension SimConfiguration {
    /// Reads and validates a TOML file; errors name the file and the key.
    public init(contentsOfFile path: String) throws {
        self = try ConfigurationError.parsing(file: path, what: "the simulator configuration") {
            try SimConfiguration(toml: $0)
        }
    }

    /// Parses and validates TOML; errors name the key (`olt[0].pon[1].splitter[2].ratio`).
    public init(toml text: String) throws {
        let root = try TOMLText.parse(text)
        let r = TOMLReader(table: root, path: "")
        try r.allow(["registration_seconds", "olt", "bras", "variation_seed", "reading_error_db"])
        readingErrorDB = try r.double("reading_error_db", default: 0, range: 0...5)
        registrationSeconds = try r.double("registration_seconds", default: 5, range: 0...3600)
        variationSeed =
            r.table["variation_seed"] == nil
            ? nil : UInt64(try r.int("variation_seed", default: 0, range: 0...Int.max))
        bras = try r.optionalTable("bras").map(SimBRASConfiguration.parse)
        olts = try r.tables("olt").map(Self.olt)
        guard !olts.isEmpty else {
            throw ConfigurationError(key: "olt", message: "no OLT configured: add at least one [[olt]] table")
        }
        var ports: Set<Int> = []
        for (i, olt) in olts.enumerated() where olt.snmp.port != 0 {
            guard ports.insert(olt.snmp.port).inserted else {
                throw ConfigurationError(
                    key: "olt[\(i)].snmp.port", message: "UDP port \(olt.snmp.port) is used by two OLTs")
            }
        }
    }

    static func olt(_ r: TOMLReader) throws -> SimOLT {
        try r.allow([
            "name", "address", "dialect", "snmp", "pon", "line_profiles", "service_profiles", "cli", "crew_ont",
        ])
        let name = try r.string("name")
        guard let address = ManagementAddress(try r.string("address")) else {
            throw r.error("address", "must be an IPv4 or IPv6 address")
        }
        guard let dialect = VendorDialect(name: try r.string("dialect")) else {
            throw r.error("dialect", "must be one of \(VendorDialect.acceptedNames)")
        }
        var snmp = SimSNMP()
        if let s = try r.optionalTable("snmp") {
            try s.allow([
                "port", "community", "write_community", "v3_users", "latency_ms", "max_requests_per_second", "fault",
            ])
            snmp.port = try s.int("port", default: 0, range: 0...65535)
            snmp.community = Secret(try s.string("community", default: "public"))
            snmp.writeCommunity = Secret(try s.string("write_community", default: "private"))
            snmp.latencyMilliseconds = try s.int("latency_ms", default: 0, range: 0...60000)
            if s.table["max_requests_per_second"] != nil {
                snmp.maxRequestsPerSecond = try s.int("max_requests_per_second", default: 0, range: 1...1_000_000)
            }
            if s.table["fault"] != nil {
                guard let f = AgentFault(try s.string("fault")) else {
                    throw s.error("fault", "must be \"silent\" or \"slow:MILLISECONDS\"")
                }
                snmp.fault = f
            }
            snmp.v3Users = try s.tables("v3_users").map { u in
                try u.allow(["user", "auth", "auth_key", "priv", "priv_key"])
                var auth: (SNMPv3Security.AuthProtocol, Secret)?
                var priv: (SNMPv3Security.PrivProtocol, Secret)?
                if u.table["auth"] != nil {
                    guard let p = SNMPv3Security.AuthProtocol(rawValue: try u.string("auth")) else {
                        throw u.error("auth", "must be MD5, SHA or SHA-256")
                    }
                    auth = (p, Secret(try u.string("auth_key")))
                }
                if u.table["priv"] != nil {
                    guard auth != nil else { throw u.error("priv", "privacy needs auth as well") }
                    guard let p = SNMPv3Security.PrivProtocol(rawValue: try u.string("priv")) else {
                        throw u.error("priv", "must be AES or DES")
                    }
                    priv = (p, Secret(try u.string("priv_key")))
                }
                return SimV3User(user: try u.string("user"), auth: auth, priv: priv)
            }
        }
        var cli: SimCLIConfiguration?
        if let c = try r.optionalTable("cli") {
            try c.allow([
                "telnet_port", "ssh_port", "username", "password", "host_key_dir", "ssh_algorithms",
                "ssh_auth", "latency_ms", "max_sessions",
                "page_lines", "host_name",
            ])
            cli = SimCLIConfiguration(
                telnetPort: c.table["telnet_port"] == nil
                    ? nil : try c.int("telnet_port", default: 0, range: 0...65535),
                sshPort: c.table["ssh_port"] == nil ? nil : try c.int("ssh_port", default: 0, range: 0...65535),
                username: try c.string("username", default: "admin"),
                password: Secret(try c.string("password", default: "admin")),
                hostKeyDirectory: c.table["host_key_dir"] == nil ? nil : try c.string("host_key_dir"),
                sshAlgorithms: try sshAlgorithmSet(c),
                sshAuthMethods: try sshAuthMethods(c),
                latencyMilliseconds: try c.int("latency_ms", default: 0, range: 0...60000),
                maxSessions: try c.int("max_sessions", default: 4, range: 1...64),
                pageLines: try c.int("page_lines", default: 40, range: 5...512),
                hostName: c.table["host_name"] == nil ? nil : try c.string("host_name"))
            if cli?.telnetPort == nil && cli?.sshPort == nil {
                throw r.error("cli", "serves neither Telnet nor SSH: set telnet_port or ssh_port (0 = any free port)")
            }
        }
        var pons = try r.tables("pon").map(pon)
        var serials = try fillTestONTs(&pons, r)
        let crewONTs = try r.tables("crew_ont").map(crewONT)
        for (i, c) in crewONTs.enumerated() {
            if let other = serials.updateValue("crew_ont[\(i)]", forKey: c.serial) {
                throw r.error(
                    "crew_ont[\(i)].serial", "serial \(c.serial) is used twice on this OLT: here and at \(other)")
            }
        }
        let ids = dialect.isHuawei ? 0...127 : 1...128
        for (pi, p) in pons.enumerated() {
            for (si, sp) in p.splitters.enumerated() {
                for (oi, o) in sp.onts.enumerated() where o.provisionedID.map({ !ids.contains($0) }) ?? false {
                    throw r.error(
                        "pon[\(pi)].splitter[\(si)].ont[\(oi)].onu_id",
                        "must be in \(ids.lowerBound)...\(ids.upperBound) on a \(dialect.rawValue)")
                }
            }
        }
        var seen: Set<PONAddress> = []
        for (i, p) in pons.enumerated() where !seen.insert(p.address).inserted {
            throw r.error("pon[\(i)].port", "PON port \(p.address) is listed twice")
        }
        return SimOLT(
            name: name, address: address, dialect: dialect, snmp: snmp, pons: pons,
            lineProfiles: try r.strings("line_profiles", default: ["ftth-test"]),
            serviceProfiles: try r.strings("service_profiles", default: ["ftth-test"]), cli: cli, crewONTs: crewONTs)
    }

    static func crewONT(_ r: TOMLReader) throws -> SimCrewONT {
        try r.allow(["serial", "tx_dbm", "faults", "never_registers"])
        guard let serial = ONUSerial(try r.string("serial")) else {
            throw r.error("serial", "must be a GPON serial such as HWTC1A2B3C4D or 485754431A2B3C4D")
        }
        return SimCrewONT(
            serial: serial,
            txDBm: r.table["tx_dbm"] == nil ? nil : try r.double("tx_dbm", default: 2.0, range: -10...10),
            faults: try faults(r), neverRegisters: try r.bool("never_registers", default: false))
    }

    /// Plugs a test ONT into every free port of the splitters with `test_onts`: serial = the
    /// prefix, the splitter's ordinal on the OLT and the port, two hex digits each (HWTC7E57 0103
    /// is port 3 of the OLT's first splitter). Serials must stay unique on the OLT. Returns where
    /// each serial is plugged, for the crew ONTs' check.
    static func fillTestONTs(_ pons: inout [SimPON], _ r: TOMLReader) throws -> [ONUSerial: String] {
        var ordinal = 0
        var serials: [ONUSerial: String] = [:]
        for pi in pons.indices {
            for si in pons[pi].splitters.indices {
                ordinal += 1
                var splitter = pons[pi].splitters[si]
                let key = "pon[\(pi)].splitter[\(si)]"
                if let prefix = splitter.testONTPrefix {
                    guard ordinal <= 255 else {
                        throw r.error("\(key).test_onts", "test_onts serves the first 255 splitters of an OLT")
                    }
                    let taken = Set(splitter.onts.map(\.port))
                    for port in 1...splitter.ratio.outputs where !taken.contains(port) {
                        let suffix = String(format: "%02X%02X", ordinal, port)
                        splitter.onts.append(SimONT(port: port, serial: ONUSerial(prefix + suffix)!))
                    }
                    splitter.onts.sort { $0.port < $1.port }
                    pons[pi].splitters[si] = splitter
                }
                for o in splitter.onts {
                    if let other = serials.updateValue("\(key) port \(o.port)", forKey: o.serial) {
                        throw r.error(
                            "\(key).ont", "serial \(o.serial) is plugged in twice on this OLT: here and at \(other)")
                    }
                }
            }
        }
        return serials
    }

    static func pon(_ r: TOMLReader) throws -> SimPON {
        try r.allow(["port", "olt_tx_dbm", "splitter", "olt_port_faults", "feeder_faults"])
        guard let address = PONAddress(try r.string("port")) else {
            throw r.error("port", "must be frame/slot/port such as 0/1/0")
        }
        return SimPON(
            address: address, oltTxDBm: try r.double("olt_tx_dbm", default: 3.0, range: -10...10),
            splitters: try r.tables("splitter").map(splitter), oltPortFaults: try faults(r, "olt_port_faults"),
            feederFaults: try faults(r, "feeder_faults"))
    }

    static func faults(_ r: TOMLReader, _ key: String = "faults") throws -> [PathFault] {
        try r.strings(key, default: []).map { text in
            guard let f = PathFault(text) else {
                throw r.error(key, "'\(text)' is not a fault: use dirty-connector:DB, macrobend:DB or broken")
            }
            return f
        }
    }

    static func splitterPort(_ r: TOMLReader, outputs: Int) throws -> SimSplitterPort {
        try r.allow(["number", "drop_m", "connector_faults", "drop_faults"])
        guard r.table["number"] != nil else {
            throw r.error("number", "is required: the splitter port, 1 … \(outputs)")
        }
        let number = try r.int("number", default: 1, range: 1...128)
        guard number <= outputs else {
            throw r.error("number", "port \(number) does not exist on a 1:\(outputs) splitter")
        }
        return SimSplitterPort(
            number: number,
            dropMetres: r.table["drop_m"] == nil ? nil : try r.double("drop_m", default: 30, range: 0...5000),
            connectorFaults: try faults(r, "connector_faults"), dropFaults: try faults(r, "drop_faults"))
    }

    static func splitter(_ r: TOMLReader) throws -> SimSplitter {
        try r.allow([
            "name", "ratio", "first_level_ratio", "fibre_km", "connectors", "splices", "faults", "ont", "test_onts",
            "drop_m", "port",
        ])
        guard let ratio = SplitRatio(try r.string("ratio")) else {
            throw r.error("ratio", "must be 1:N with N = 2 … 128")
        }
        var firstLevel: SplitRatio?
        if r.table["first_level_ratio"] != nil {
            guard let f = SplitRatio(try r.string("first_level_ratio")) else {
                throw r.error("first_level_ratio", "must be 1:N with N = 2 … 128")
            }
            firstLevel = f
        }
        let onts = try r.tables("ont").map(ont)
        var ports: Set<Int> = []
        for (i, o) in onts.enumerated() {
            guard (1...ratio.outputs).contains(o.port) else {
                throw r.error("ont[\(i)].port", "port \(o.port) does not exist on a \(ratio) splitter")
            }
            guard ports.insert(o.port).inserted else { throw r.error("ont[\(i)].port", "two ONTs in port \(o.port)") }
        }
        var portTables: [SimSplitterPort] = []
        for (i, reader) in try r.tables("port").enumerated() {
            let port = try splitterPort(reader, outputs: ratio.outputs)
            if portTables.contains(where: { $0.number == port.number }) {
                throw r.error("port[\(i)].number", "port \(port.number) is listed twice")
            }
            if port.dropMetres != nil,
                let j = onts.firstIndex(where: { $0.port == port.number && $0.dropMetres != nil })
            {
                throw r.error(
                    "port[\(i)].drop_m",
                    "the drop of port \(port.number) is also given as ont[\(j)].drop_m: give it once")
            }
            portTables.append(port)
        }
        var testONTPrefix: String?
        if r.table["test_onts"] != nil {
            let prefix = try r.string("test_onts")
            guard SimSplitter.isTestONTPrefix(prefix) else {
                throw r.error(
                    "test_onts",
                    "'\(prefix)' is not a serial prefix: give the vendor id and 4 hex digits, such as HWTC7E57 or ZTEG7E57"
                )
            }
            testONTPrefix = prefix
        }
        return SimSplitter(
            name: try r.string("name"), ratio: ratio, firstLevelRatio: firstLevel,
            fibreKm: try r.double("fibre_km", default: 2, range: 0...60),
            connectors: try r.int("connectors", default: 4, range: 0...40),
            splices: try r.int("splices", default: 4, range: 0...100),
            faults: try faults(r), onts: onts, testONTPrefix: testONTPrefix,
            dropMetres: try r.double("drop_m", default: 30, range: 0...5000), ports: portTables)
    }

    static func ont(_ r: TOMLReader) throws -> SimONT {
        try r.allow([
            "port", "serial", "tx_dbm", "drop_m", "faults", "never_registers", "onu_id", "name", "password",
            "ont_faults",
        ])
        guard let serial = ONUSerial(try r.string("serial")) else {
            throw r.error("serial", "must be a GPON serial such as HWTC1A2B3C4D or 485754431A2B3C4D")
        }
        var provisioned: Int?
        if r.table["onu_id"] != nil { provisioned = try r.int("onu_id", default: 0, range: 0...128) }
        return SimONT(
            port: try r.int("port", default: 1, range: 1...128), serial: serial,
            txDBm: r.table["tx_dbm"] == nil ? nil : try r.double("tx_dbm", default: 2.0, range: -10...10),
            dropMetres: r.table["drop_m"] == nil ? nil : try r.double("drop_m", default: 30, range: 0...5000),
            faults: try faults(r),
            neverRegisters: try r.bool("never_registers", default: false), provisionedID: provisioned,
            name: r.table["name"] != nil ? try r.string("name") : nil,
            password: r.table["password"] != nil ? try r.string("password") : nil,
            ontFaults: try faults(r, "ont_faults"))
    }
}
