import FTTHCore
import Foundation

/// One session on a simulated ZTE C300/C600 command line: `ZXAN#`, `ZXAN(config)#`,
/// `ZXAN(config-if)#`, the commands of docs/cli-dialects.md with the C300 (`gpon-olt_1/2/1`,
/// `gpon-onu_1/2/1:5`) or C600 (`gpon_olt-1/2/1`, `gpon_onu-1/2/1:5`) interface names — each
/// model only its own — and the OLT's `%Error`/`%Code` messages.
public final class ZTECLIShell: SimCLIShell {
    enum Level: Hashable, Sendable { case privileged, config, oltInterface, onuInterface }

    /// The OLT this session reads and changes.
    public let olt: SimulatedOLT
    /// `ZXAN` or the configured name, shown in every prompt.
    public let hostName: String
    /// 24 until `terminal length N` changes it; 0: no paging.
    public private(set) var pageLines = 24
    public var pager: SimCLIPager { .zte }
    var level = Level.privileged
    /// The PON of `interface <olt-if>` or `interface <onu-if>`, and the ONU id of the latter.
    var pon = PONAddress(frame: 1, slot: 1, port: 1)
    var onuID = 0
    let commands: [SimCLICommand<Level>]
    let isC600: Bool

    /// A session in privileged mode (`ZXAN#`), as after login.
    public init(olt: SimulatedOLT, hostName: String) {
        self.olt = olt
        self.hostName = hostName
        isC600 = olt.config.dialect == .zteC600
        commands = Self.commands(c600: isC600)
    }

    public var prompt: String {
        switch level {
        case .privileged: "\(hostName)#"
        case .config: "\(hostName)(config)#"
        case .oltInterface, .onuInterface: "\(hostName)(config-if)#"
        }
    }

    static func commands(c600: Bool) -> [SimCLICommand<Level>] {
        let all: Set<Level> = [.privileged, .config, .oltInterface, .onuInterface]
        let configs: Set<Level> = [.config, .oltInterface, .onuInterface]
        let oltIf = SimCLIParameter.oltInterface(c600: c600)
        let onuIf = SimCLIParameter.onuInterface(c600: c600)
        let vlan = SimCLIParameter.integer(1...4094)
        func kw(_ words: String) -> [SimCLIParameter] { words.split(separator: " ").map { .keyword(String($0)) } }
        return [
            .init("terminal-length", kw("terminal length") + [.integer(0...512)], in: all),
            .init("configure", kw("configure terminal"), in: [.privileged]),
            .init("interface-olt", [.keyword("interface"), oltIf], in: configs),
            .init("interface-onu", [.keyword("interface"), onuIf], in: configs),
            .init("exit", kw("exit"), in: all),
            .init("end", kw("end"), in: configs),
            .init("state", kw("show gpon onu state") + [oltIf], in: all),
            .init("baseinfo", kw("show gpon onu baseinfo") + [oltIf], in: all),
            .init("detail", kw("show gpon onu detail-info") + [onuIf], in: all),
            .init("power", kw("show pon power attenuation") + [onuIf], in: all),
            .init("running-config", kw("show running-config interface") + [onuIf], in: all),
            .init(
                "onu-sn",
                [.keyword("onu"), .integer(1...128), .keyword("type"), .word(maxLength: 32), .keyword("sn"), .serial],
                in: [.oltInterface]),
            .init(
                "onu-pw",
                [
                    .keyword("onu"), .integer(1...128), .keyword("type"), .word(maxLength: 32), .keyword("pw"),
                    .word(maxLength: 24),
                ],
                in: [.oltInterface]),
            .init("no-onu", kw("no onu") + [.integer(1...128)], in: [.oltInterface]),
            .init("name", [.keyword("name"), .word(maxLength: 32)], in: [.onuInterface]),
            .init(
                "tcont", [.keyword("tcont"), .integer(1...8), .keyword("profile"), .word(maxLength: 32)],
                in: [.onuInterface]),
            .init(
                "gemport", [.keyword("gemport"), .integer(1...8), .keyword("tcont"), .integer(1...8)],
                in: [.onuInterface]),
            .init(
                "service-port",
                [
                    .keyword("service-port"), .integer(1...128), .keyword("vport"), .integer(1...8),
                    .keyword("user-vlan"),
                    vlan, .keyword("vlan"), vlan, .keyword("svlan"), vlan,
                ],
                in: [.onuInterface]),
            .init("no-service-port", kw("no service-port") + [.integer(1...128)], in: [.onuInterface]),
        ]
    }

    public func execute(_ line: String) -> SimCLIReply {
        let here = prompt
        guard let tokens = SimCLIGrammar.tokenize(line) else {
            return reply(Self.error(.parameter(offset: line.count), column: here.count))
        }
        if tokens.isEmpty { return reply("") }
        switch SimCLIGrammar.match(tokens, lineLength: line.count, commands: commands, mode: level) {
        case .failure(let rejection):
            return reply(Self.error(rejection, column: here.count))
        case .success(let (name, values)):
            return run(name, values.map(\.text))
        }
    }

    func reply(_ output: String, closes: Bool = false) -> SimCLIReply {
        SimCLIReply(output: output, prompt: closes ? "" : prompt, closesSession: closes)
    }

    static func error(_ rejection: SimCLIRejection, column: Int) -> String {
        switch rejection {
        case .incomplete:
            "%Error 20001: Incomplete command.\n"
        case .unknown(let o), .parameter(let o), .tooMany(let o):
            SimCLIGrammar.caret(at: column + o) + "%Error 20002: Invalid input detected at '^' marker.\n"
        }
    }

    static let noSuchONU = "%Code 32310-GPONSRV : ONU does not exist.\n"
    static let registered = "%Code 34049-GPONSRV : The ONU has been registered.\n"
    static let noSuchPort = "%Code 32311-GPONSRV : The PON port does not exist.\n"

    /// `gpon-olt_1/2/1` → 1/2/1, `gpon-onu_1/2/1:5` → (1/2/1, 5).
    static func address(_ name: String) -> (PONAddress, Int?) {
        let rest = name.dropFirst(9).split(separator: ":")
        let n = SimCLIParameter.numbers(String(rest[0]), count: 3)!
        return (PONAddress(frame: n[0], slot: n[1], port: n[2]), rest.count > 1 ? Int(rest[1]) : nil)
    }

    func oltName(_ pon: PONAddress) -> String { isC600 ? "gpon_olt-\(pon)" : "gpon-olt_\(pon)" }
    func onuName(_ pon: PONAddress, _ id: Int) -> String { isC600 ? "gpon_onu-\(pon):\(id)" : "gpon-onu_\(pon):\(id)" }

    func run(_ name: String, _ v: [String]) -> SimCLIReply {
        switch name {
        case "terminal-length":
            pageLines = Int(v[0])!
            return reply("")
        case "configure":
            level = .config
            return reply("")
        case "interface-olt":
            let (p, _) = Self.address(v[0])
            guard olt.pon(p) != nil else { return reply(Self.noSuchPort) }
            pon = p
            level = .oltInterface
            return reply("")
        case "interface-onu":
            let (p, id) = Self.address(v[0])
            guard olt.configuredONUs(on: p).contains(where: { $0.id == id! }) else { return reply(Self.noSuchONU) }
            pon = p
            onuID = id!
            level = .onuInterface
            return reply("")
        case "exit":
            switch level {
            case .oltInterface, .onuInterface: level = .config
            case .config: level = .privileged
            case .privileged: return reply("", closes: true)
            }
            return reply("")
        case "end":
            level = .privileged
            return reply("")
        case "state":
            return reply(state(Self.address(v[0]).0))
        case "baseinfo":
            return reply(baseinfo(Self.address(v[0]).0))
        case "detail":
            let (p, id) = Self.address(v[0])
            return reply(detail(p, id: id!))
        case "power":
            let (p, id) = Self.address(v[0])
            return reply(power(p, id: id!))
        case "onu-sn", "onu-pw":
            let id = Int(v[0])!
            guard olt.config.serviceProfiles.contains(v[1]) else {
                return reply("%Code 32301-GPONSRV : The ONU type does not exist.\n")
            }
            do {
                try olt.configure(
                    pon: pon, id: id, serial: name == "onu-sn" ? ONUSerial(v[2]) : nil,
                    password: name == "onu-pw" ? v[2] : nil, name: "ONU-\(pon.port)-\(id)",
                    lineProfile: olt.config.lineProfiles.first ?? "", serviceProfile: v[1], allowExisting: false)
                return reply("")
            } catch {
                switch error.kind {
                case .idInUse, .serialInUse: return reply(Self.registered)
                case .unknownProfile: return reply("%Code 32302-GPONSRV : The T-CONT profile does not exist.\n")
                default: return reply("%Code 32399-GPONSRV : \(error.message)\n")
                }
            }
        case "no-onu":
            guard olt.remove(pon: pon, id: Int(v[0])!) else { return reply(Self.noSuchONU) }
            return reply("")
        case "name":
            olt.update(pon: pon, id: onuID, name: v[0])
            return reply("")
        case "tcont":
            guard olt.config.lineProfiles.contains(v[1]) else {
                return reply("%Code 32302-GPONSRV : The T-CONT profile does not exist.\n")
            }
            olt.update(pon: pon, id: onuID, lineProfile: v[1], interfaceLine: "tcont \(v[0]) profile \(v[1])")
            return reply("")
        case "gemport":
            olt.update(pon: pon, id: onuID, interfaceLine: "gemport \(v[0]) tcont \(v[1])")
            return reply("")
        case "running-config":
            let (p, id) = Self.address(v[0])
            return reply(runningConfig(p, id: id!))
        case "service-port":
            do {
                try olt.addServicePort(
                    pon: pon, onuID: onuID, index: Int(v[0])!, svlan: Int(v[4])!, cvlan: Int(v[2])!, gemport: 1,
                    vport: Int(v[1])!)
                return reply("")
            } catch {
                return reply("%Code 33011-GPONSRV : The service port has existed.\n")
            }
        case "no-service-port":
            guard olt.removeServicePort(pon: pon, onuID: onuID, index: Int(v[0])!) else {
                return reply("%Code 33012-GPONSRV : The service port does not exist.\n")
            }
            return reply("")
        default:
            preconditionFailure("command \(name) has no handler")
        }
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    /// The phase a configured ONU is in: `working` online, `OffLine` before it registers,
    /// `LOS` when it should have registered but no light gets through.
    func phase(_ onu: ConfiguredONU, on p: PONAddress) -> String {
        if olt.observe(pon: p, id: onu.id)?.runState == .online { return "working" }
        return olt.clock.now() - onu.configuredAt >= olt.registrationSeconds ? "LOS" : "OffLine"
    }

    func state(_ p: PONAddress) -> String {
        guard olt.pon(p) != nil else { return Self.noSuchPort }
        let onus = olt.configuredONUs(on: p)
        var out = "OnuIndex                 Admin State  OMCC State  O7 State   Phase State\n"
        out += String(repeating: "-", count: 74) + "\n"
        for onu in onus {
            let ph = phase(onu, on: p)
            let online = ph == "working"
            out +=
                Self.pad(onuName(p, onu.id), 25) + Self.pad("enable", 13) + Self.pad(online ? "enable" : "disable", 12)
                + Self.pad(online ? "operation" : "unknown", 11) + ph + "\n"
        }
        out += "ONU Number: \(onus.count)/\(onus.count)\n"
        return out
    }

    func type(_ onu: ConfiguredONU) -> String { onu.serviceProfile == "customer" ? "ZTE-F660" : onu.serviceProfile }

    func baseinfo(_ p: PONAddress) -> String {
        guard olt.pon(p) != nil else { return Self.noSuchPort }
        var out = "OnuIndex                 Type          Mode    AuthInfo                 State\n"
        out += String(repeating: "-", count: 79) + "\n"
        for onu in olt.configuredONUs(on: p) {
            let auth = onu.serial.map { "SN:\($0.text)" } ?? "PW:\(onu.password ?? "")"
            out +=
                Self.pad(onuName(p, onu.id), 25) + Self.pad(type(onu), 14)
                + Self.pad(onu.serial != nil ? "sn" : "pw", 8)
                + Self.pad(auth, 25) + "ready\n"
        }
        return out
    }

    func detail(_ p: PONAddress, id: Int) -> String {
        guard let onu = olt.configuredONUs(on: p).first(where: { $0.id == id }) else { return Self.noSuchONU }
        let o = olt.observe(pon: p, id: id)
        let online = o?.runState == .online
        func row(_ key: String, _ value: String) -> String { "  " + Self.pad(key + ":", 22) + value + "\n" }
        var out = "ONU interface:          \(onuName(p, id))\n"
        out += row("Name", onu.name)
        out += row("Type", type(onu))
        out += row("State", "ready")
        out += row("Configured channel", "1(GPON)")
        out += row("Admin state", "enable")
        out += row("Phase state", phase(onu, on: p))
        out += row("Config state", "success")
        out += row("Authentication mode", onu.serial != nil ? "sn" : "pw")
        out += row("Serial number", onu.serial?.text ?? olt.answeringSerial(pon: p, id: id)?.text ?? "")
        out += row("Password", onu.password ?? "")
        out += row("Description", "")
        out += row("Line Profile", onu.lineProfile)
        out += row("ONU Distance", online ? "\(o?.distanceMetres ?? 0)m" : "N/A")
        return out
    }

    /// `show running-config interface <onu-if>`: the ONU interface's configuration as entered.
    func runningConfig(_ p: PONAddress, id: Int) -> String {
        guard let onu = olt.configuredONUs(on: p).first(where: { $0.id == id }) else { return Self.noSuchONU }
        var out = "Building configuration...\ninterface \(onuName(p, id))\n"
        out += "  name \(onu.name)\n"
        for line in onu.interfaceLines { out += "  \(line)\n" }
        for sp in olt.servicePorts(pon: p, onuID: id) {
            out +=
                "  service-port \(sp.index) vport \(sp.vport) user-vlan \(sp.cvlan) vlan \(sp.cvlan) svlan \(sp.svlan)\n"
        }
        return out + "!\nend\n"
    }

    func power(_ p: PONAddress, id: Int) -> String {
        let seen: ONUObservation?
        switch olt.queryOptics(pon: p, id: id) {
        case .failure(let refusal): return "%Code 32399-GPONSRV : \(refusal.reason)\n"
        case .success(let observation): seen = observation
        }
        guard let o = seen, let ponConfig = olt.pon(p) else { return Self.noSuchONU }
        func dbm(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "N/A" }
        func loss(_ a: Double?, _ b: Double?) -> String {
            guard let a, let b else { return "N/A(dB)" }
            return String(format: "%.3f(dB)", a - b)
        }
        var out = "           OLT                  ONU              Attenuation\n"
        out += String(repeating: "-", count: 74) + "\n"
        out +=
            Self.pad("up", 8) + Self.pad("Rx :\(dbm(o.oltRxDBm))(dbm)", 22) + Self.pad("Tx:\(dbm(o.onuTxDBm))(dbm)", 21)
            + loss(o.onuTxDBm, o.oltRxDBm) + "\n"
        out += String(repeating: "-", count: 74) + "\n"
        out +=
            Self.pad("down", 8) + Self.pad("Tx :\(dbm(ponConfig.oltTxDBm))(dbm)", 22)
            + Self.pad("Rx:\(dbm(o.onuRxDBm))(dbm)", 21) + loss(ponConfig.oltTxDBm, o.onuRxDBm) + "\n"
        return out
    }
}
