import FTTHCore
import Foundation

/// One session on a simulated Huawei MA5600T/MA5800 command line: the modes (user `>`,
/// privileged `#`, `(config)#`, `(config-if-gpon-F/S)#`), the commands of docs/cli-dialects.md
/// with the output formats of the real OLTs, and their error messages with the caret line.
public final class HuaweiCLIShell: SimCLIShell {
    enum Level: Hashable, Sendable { case user, privileged, config, interface }

    /// The OLT this session reads and changes.
    public let olt: SimulatedOLT
    /// `MA5600T`, `MA5800-X7` or the configured name, shown in every prompt.
    public let hostName: String
    /// 40 (or `page_lines`) until `scroll N` changes it.
    public private(set) var pageLines: Int
    public var pager: SimCLIPager { .huawei }
    var level = Level.user
    /// Frame and slot of `interface gpon F/S`.
    var board = (frame: 0, slot: 0)
    /// A `display ont info summary` waiting for the answer to its `{ <cr>||<K> }:`.
    var pendingSummary: PONAddress?

    /// The interjection of `display ont info summary F/S/P`.
    public static let summaryInterjection = "{ <cr>||<K> }:"

    /// A session in user mode (`MA5600T>`), as after login.
    public init(olt: SimulatedOLT, hostName: String, pageLines: Int = 40) {
        self.olt = olt
        self.hostName = hostName
        self.pageLines = pageLines
    }

    public var prompt: String {
        switch level {
        case .user: "\(hostName)>"
        case .privileged: "\(hostName)#"
        case .config: "\(hostName)(config)#"
        case .interface: "\(hostName)(config-if-gpon-\(board.frame)/\(board.slot))#"
        }
    }

    static let all: Set<Level> = [.user, .privileged, .config, .interface]
    static let displays: Set<Level> = [.privileged, .config, .interface]
    static let port = SimCLIParameter.integer(0...127)
    static let ontID = SimCLIParameter.integer(0...127)
    static let vlan = SimCLIParameter.integer(1...4094)
    static func kw(_ words: String) -> [SimCLIParameter] { words.split(separator: " ").map { .keyword(String($0)) } }

    static let commands: [SimCLICommand<Level>] = [
        .init("enable", kw("enable"), in: all),
        .init("config", kw("config"), in: [.privileged, .config, .interface]),
        .init("interface", kw("interface gpon") + [.frameSlot], in: [.config, .interface]),
        .init("quit", kw("quit"), in: all),
        .init("logout", kw("logout"), in: all),
        .init("accepted", kw("undo smart"), in: all),
        .init("accepted", kw("mmi-mode enable"), in: all),
        .init("scroll", kw("scroll"), in: all),
        .init("scroll", kw("scroll") + [.integer(10...512)], in: all),
        .init("summary", kw("display ont info summary") + [.frameSlotPort], in: displays),
        .init(
            "info", kw("display ont info") + [.integer(0...7), .integer(0...31), port, ontID], in: displays),
        .init("optical-all", kw("display ont optical-info") + [port, .keyword("all")], in: [.interface]),
        .init("optical-one", kw("display ont optical-info") + [port, ontID], in: [.interface]),
        .init("port-state-if", kw("display port state") + [port], in: [.interface]),
        .init("port-state", kw("display port state") + [.frameSlotPort], in: [.privileged, .config]),
        .init(
            "add-sn",
            kw("ont add") + [port, .keyword("sn-auth"), .serial] + kw("omci ont-lineprofile-name") + [
                .word(maxLength: 32)
            ]
                + kw("ont-srvprofile-name") + [.word(maxLength: 32), .keyword("desc"), .text(maxLength: 64)],
            in: [.interface]),
        .init(
            "add-pw",
            kw("ont add") + [port, .keyword("password-auth"), .word(maxLength: 10)]
                + kw("always-on omci ont-lineprofile-name") + [.word(maxLength: 32)] + kw("ont-srvprofile-name")
                + [.word(maxLength: 32), .keyword("desc"), .text(maxLength: 64)],
            in: [.interface]),
        .init("delete", kw("ont delete") + [port, ontID], in: [.interface]),
        .init(
            "service-port",
            kw("service-port vlan") + [vlan, .keyword("gpon"), .frameSlotPort, .keyword("ont"), ontID]
                + [.keyword("gemport"), .integer(0...1023)] + kw("multi-service user-vlan") + [vlan]
                + kw("tag-transform translate"),
            in: [.config]),
        .init("undo-service-port", kw("undo service-port") + [.integer(0...65535)], in: [.config]),
        .init(
            "display-service-port", kw("display service-port port") + [.frameSlotPort, .keyword("ont"), ontID],
            in: [.privileged, .config]),
    ]

    public func execute(_ line: String) -> SimCLIReply {
        if let pon = pendingSummary {
            pendingSummary = nil
            guard line.trimmingCharacters(in: .whitespaces).isEmpty else {
                return reply(Self.error(.parameter(offset: 0), column: Self.summaryInterjection.count))
            }
            return reply(summary(pon))
        }
        let here = prompt
        guard let tokens = SimCLIGrammar.tokenize(line) else {
            return reply(Self.error(.parameter(offset: line.count), column: here.count))
        }
        if tokens.isEmpty { return reply("") }
        switch SimCLIGrammar.match(tokens, lineLength: line.count, commands: Self.commands, mode: level) {
        case .failure(let rejection):
            return reply(Self.error(rejection, column: here.count))
        case .success(let (name, values)):
            return run(name, values.map(\.text))
        }
    }

    func reply(_ output: String, closes: Bool = false) -> SimCLIReply {
        SimCLIReply(output: output, prompt: closes ? "" : prompt, closesSession: closes)
    }

    /// The caret line and the message, as the OLT prints them under the echoed command.
    static func error(_ rejection: SimCLIRejection, column: Int) -> String {
        switch rejection {
        case .unknown(let o):
            SimCLIGrammar.caret(at: column + o) + "  % Unknown command, the error locates at '^'\n"
        case .parameter(let o):
            SimCLIGrammar.caret(at: column + o) + "  % Parameter error, the error locates at '^'\n"
        case .incomplete(let o):
            SimCLIGrammar.caret(at: column + o) + "  % Incomplete command, the error locates at '^'\n"
        case .tooMany(let o):
            SimCLIGrammar.caret(at: column + o) + "  % Too many parameters, the error locates at '^'\n"
        }
    }

    func run(_ name: String, _ v: [String]) -> SimCLIReply {
        switch name {
        case "enable":
            if level == .user { level = .privileged }
            return reply("")
        case "config":
            level = .config
            return reply("")
        case "interface":
            let n = SimCLIParameter.numbers(v[0], count: 2)!
            guard olt.config.pons.contains(where: { $0.address.frame == n[0] && $0.address.slot == n[1] }) else {
                return reply("  Failure: The board does not exist\n")
            }
            board = (n[0], n[1])
            level = .interface
            return reply("")
        case "quit":
            switch level {
            case .interface: level = .config
            case .config: level = .privileged
            case .privileged, .user: return reply("", closes: true)
            }
            return reply("")
        case "logout":
            return reply("", closes: true)
        case "accepted":
            return reply("")
        case "scroll":
            pageLines = v.first.flatMap { Int($0) } ?? 512
            return reply("")
        case "summary":
            let pon = ponAddress(v[0])
            guard olt.pon(pon) != nil else { return reply("  Failure: The port does not exist\n") }
            pendingSummary = pon
            return SimCLIReply(output: "", prompt: Self.summaryInterjection)
        case "info":
            return reply(detail(PONAddress(frame: Int(v[0])!, slot: Int(v[1])!, port: Int(v[2])!), id: Int(v[3])!))
        case "optical-all":
            return reply(opticalTable(boardPON(v[0])))
        case "optical-one":
            return reply(opticalDetail(boardPON(v[0]), id: Int(v[1])!))
        case "port-state-if":
            return reply(portState(boardPON(v[0])))
        case "port-state":
            return reply(portState(ponAddress(v[0])))
        case "add-sn", "add-pw":
            let pon = boardPON(v[0])
            guard olt.pon(pon) != nil else { return reply("  Failure: The port does not exist\n") }
            do {
                let id = try olt.configure(
                    pon: pon, id: nil, serial: name == "add-sn" ? ONUSerial(v[1]) : nil,
                    password: name == "add-pw" ? v[1] : nil, name: v[4], lineProfile: v[2], serviceProfile: v[3],
                    allowExisting: false)
                return reply(
                    "  Number of ONTs that can be added: 1, success: 1\n  PortID :\(pon.port), ONTID :\(id)\n")
            } catch {
                return reply("  \(error.message)\n")
            }
        case "delete":
            do {
                try olt.delete(pon: boardPON(v[0]), id: Int(v[1])!)
                return reply("  Number of ONTs that can be deleted: 1, success: 1\n")
            } catch {
                return reply("  \(error.message)\n")
            }
        case "service-port":
            let pon = ponAddress(v[1])
            guard olt.pon(pon) != nil else { return reply("  Failure: The port does not exist\n") }
            do {
                try olt.addServicePort(
                    pon: pon, onuID: Int(v[2])!, index: nil, svlan: Int(v[0])!, cvlan: Int(v[4])!,
                    gemport: Int(v[3])!)
                return reply("")
            } catch {
                return reply("  \(error.message)\n")
            }
        case "undo-service-port":
            guard olt.removeServicePort(index: Int(v[0])!) else {
                return reply("  Failure: The service virtual port does not exist\n")
            }
            return reply("")
        case "display-service-port":
            return reply(servicePortTable(ponAddress(v[0]), id: Int(v[1])!))
        default:
            preconditionFailure("command \(name) has no handler")
        }
    }

    func ponAddress(_ text: String) -> PONAddress {
        let n = SimCLIParameter.numbers(text, count: 3)!
        return PONAddress(frame: n[0], slot: n[1], port: n[2])
    }

    func boardPON(_ port: String) -> PONAddress { PONAddress(frame: board.frame, slot: board.slot, port: Int(port)!) }

    static let rule = "  " + String(repeating: "-", count: 78) + "\n"
    static let shortRule = "  " + String(repeating: "-", count: 77) + "\n"

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    static func dBm(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "-" }

    /// Simulation seconds as an OLT clock reading (the simulation starts at 2024-01-01 00:00:00).
    static func timestamp(_ seconds: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: 1_704_067_200 + max(seconds, 0)))
    }

    static let ontType = "HG8546M"

    func serialText(_ pon: PONAddress, _ onu: ConfiguredONU) -> String {
        olt.answeringSerial(pon: pon, id: onu.id)?.hexForm ?? String(repeating: "0", count: 16)
    }

    /// `display ont info summary F/S/P`, as recorded in huawei-display-ont-info-summary.txt.
    func summary(_ pon: PONAddress) -> String {
        let onus = olt.configuredONUs(on: pon)
        let seen = onus.map { ($0, olt.observe(pon: pon, id: $0.id)) }
        let online = seen.filter { $0.1?.runState == .online }.count
        var out = Self.rule
        out += "  In port \(pon), the total of ONTs are: \(onus.count), online: \(online)\n"
        out += Self.rule
        out += "  ONT  Run     Last                Last                Last\n"
        out += "  ID   State   UpTime              DownTime            DownCause\n"
        out += Self.rule
        let now = olt.clock.now()
        for (onu, o) in seen {
            let isOnline = o?.runState == .online
            let up = isOnline ? Self.timestamp(onu.configuredAt + olt.registrationSeconds) : "-"
            let registered = now - onu.configuredAt >= olt.registrationSeconds
            let cause = !isOnline && registered ? "LOSi/LOBi" : "-"
            out +=
                "  " + Self.pad("\(onu.id)", 5) + Self.pad(isOnline ? "online" : "offline", 8) + Self.pad(up, 20)
                + Self.pad("-", 20) + cause + "\n"
        }
        out += Self.rule
        out += "  ONT        SN        Type          Distance Rx/Tx power  Description\n"
        out += "  ID                                    (m)      (dBm)\n"
        out += Self.rule
        for (onu, o) in seen {
            let online = o?.runState == .online
            let power = online ? "\(Self.dBm(o?.onuRxDBm))/\(Self.dBm(o?.onuTxDBm))" : "-/-"
            out +=
                "  " + Self.pad("\(onu.id)", 4) + Self.pad(serialText(pon, onu), 17) + Self.pad(Self.ontType, 17)
                + Self.pad(online ? "\(o?.distanceMetres ?? 0)" : "-", 6) + Self.pad(power, 13) + onu.name + "\n"
        }
        out += Self.rule
        return out
    }

    /// `display ont info F S P ID`, as recorded in huawei-display-ont-info-0-1.txt.
    func detail(_ pon: PONAddress, id: Int) -> String {
        guard let onu = olt.configuredONUs(on: pon).first(where: { $0.id == id }),
            let o = olt.observe(pon: pon, id: id)
        else { return "  Failure: The ONT does not exist\n" }
        let online = o.runState == .online
        func row(_ key: String, _ value: String) -> String { "  " + Self.pad(key, 24) + ": " + value + "\n" }
        var out = Self.shortRule
        out += row("F/S/P", "\(pon.frame)/\(pon.slot)/\(pon.port)")
        out += row("ONT-ID", "\(id)")
        out += row("Control flag", "active")
        out += row("Run state", online ? "online" : "offline")
        out += row("Config state", online ? "normal" : "initial")
        out += row("Match state", online ? "match" : "initial")
        out += row("ONT LLID", "-")
        out += row("ONT distance(m)", online ? "\(o.distanceMetres ?? 0)" : "-")
        out += row("Memory occupation", online ? "44" : "-")
        out += row("CPU occupation", online ? "8" : "-")
        out += row("Temperature", online ? "\(o.temperatureCelsius)" : "-")
        out += row("Authentic type", onu.serial != nil ? "SN-auth" : "password-auth")
        let serial = olt.answeringSerial(pon: pon, id: id)
        out += row("SN", serial.map { "\($0.hexForm) (\($0.text))" } ?? "-")
        if let password = onu.password { out += row("Password", password) }
        out += row("Management mode", "OMCI")
        out += row("Software work mode", "normal")
        out += row("Description", onu.name)
        out += row("Last down cause", "-")
        out += row("Last up time", online ? Self.timestamp(onu.configuredAt + olt.registrationSeconds) : "-")
        out += row("Last down time", "-")
        out += Self.shortRule
        out += "  Line profile ID      : 10\n"
        out += "  Line profile name    : \(onu.lineProfile)\n"
        out += Self.shortRule
        out += "  Service profile ID   : 10\n"
        out += "  Service profile name : \(onu.serviceProfile)\n"
        out += Self.shortRule
        return out
    }

    /// `display ont optical-info P all`, as recorded in huawei-display-ont-optical-info-0-all.txt;
    /// ONTs that are not online are left out, as the OLT does, and so are those whose optics
    /// it fails to read (only the online ones are queried).
    func opticalTable(_ pon: PONAddress) -> String {
        guard olt.pon(pon) != nil else { return "  Failure: The port does not exist\n" }
        var out = Self.shortRule
        out += "  ONT  Rx power  Tx power  OLT Rx ONT  Temperature  Voltage  Current  Distance\n"
        out += "  ID   (dBm)     (dBm)     power(dBm)  (C)          (V)      (mA)     (m)\n"
        out += Self.shortRule
        for onu in olt.configuredONUs(on: pon) {
            guard olt.observe(pon: pon, id: onu.id)?.runState == .online,
                case .success(let seen) = olt.queryOptics(pon: pon, id: onu.id), let o = seen, o.runState == .online
            else { continue }
            let id = String(repeating: " ", count: max(0, 3 - "\(onu.id)".count)) + "\(onu.id)"
            out +=
                "  " + Self.pad(id, 5) + Self.pad(Self.dBm(o.onuRxDBm), 10) + Self.pad(Self.dBm(o.onuTxDBm), 10)
                + Self.pad(Self.dBm(o.oltRxDBm), 12) + Self.pad("\(o.temperatureCelsius)", 13)
                + Self.pad(String(format: "%.3f", Double(o.voltageMillivolts) / 1000), 9)
                + Self.pad("\(o.biasMilliamps)", 9) + "\(o.distanceMetres ?? 0)\n"
        }
        out += Self.shortRule
        return out
    }

    /// `display ont optical-info P ID`: the detail view.
    func opticalDetail(_ pon: PONAddress, id: Int) -> String {
        let o: ONUObservation
        switch olt.queryOptics(pon: pon, id: id) {
        case .failure(let refusal): return "  Failure: \(refusal.reason)\n"
        case .success(nil): return "  Failure: The ONT does not exist\n"
        case .success(let seen?): o = seen
        }
        guard o.runState == .online else { return "  Failure: The ONT is not online\n" }
        func row(_ key: String, _ value: String) -> String { "  " + Self.pad(key, 39) + ": " + value + "\n" }
        var out = Self.shortRule
        out += row("ONU NNI port ID", "0")
        out += row("Module type", "GPON")
        out += row("Module sub-type", "CLASS B+")
        out += row("Used type", "ONU")
        out += row("Encapsulation Type", "BOSA ON BOARD")
        out += row("Optical power precision(dBm)", "3.0")
        out += row("Vendor name", "HUAWEI")
        out += row("Rx optical power(dBm)", Self.dBm(o.onuRxDBm))
        out += row("Rx power current warning threshold(dBm)", "[-,-]")
        out += row("Rx power current alarm threshold(dBm)", "[-29.0,-7.0]")
        out += row("Tx optical power(dBm)", Self.dBm(o.onuTxDBm))
        out += row("Tx power current warning threshold(dBm)", "[-,-]")
        out += row("Tx power current alarm threshold(dBm)", "[0.0,5.0]")
        out += row("Laser bias current(mA)", "\(o.biasMilliamps)")
        out += row("Temperature(C)", "\(o.temperatureCelsius)")
        out += row("Voltage(V)", String(format: "%.3f", Double(o.voltageMillivolts) / 1000))
        out += row("OLT Rx ONT optical power(dBm)", Self.dBm(o.oltRxDBm))
        out += Self.shortRule
        return out
    }

    /// `display port state`: the PON port's optics, with the `TX power(dBm)` row.
    func portState(_ pon: PONAddress) -> String {
        guard let p = olt.pon(pon) else { return "  Failure: The port does not exist\n" }
        func row(_ key: String, _ value: String) -> String { "  " + Self.pad(key, 40) + value + "\n" }
        let rule = "  " + String(repeating: "-", count: 76) + "\n"
        var out = rule
        out += row("F/S/P", "\(pon)")
        out += row("Optical Module status", "Online")
        out += row("Port state", "Online")
        out += row("Laser state", "Normal")
        out += row("Available bandwidth(Kbps)", "1238110")
        out += row("Temperature(C)", "45")
        out += row("TX Bias current(mA)", "20")
        out += row("Supply Voltage(V)", "3.30")
        out += row("TX power(dBm)", String(format: "%.2f", p.oltTxDBm))
        out += row("Illegal rogue ONT", "Inexistent")
        out += row("Max Distance(Km)", "20")
        out += row("Wave length(nm)", "1490")
        out += row("Fiber type", "Single Mode")
        out += rule
        return out
    }

    /// `display service-port port F/S/P ont ID`.
    func servicePortTable(_ pon: PONAddress, id: Int) -> String {
        let ports = olt.servicePorts(pon: pon, onuID: id)
        let rule = "  " + String(repeating: "-", count: 77) + "\n"
        var out = "  Switch-Oriented Flow List\n" + rule
        out += "   INDEX VLAN VLAN     PORT F/ S/ P VPI  VCI   FLOW  FLOW       RX   TX   STATE\n"
        out += "         ID   ATTR     TYPE                    TYPE  PARA\n"
        out += rule
        for sp in ports {
            let index = String(repeating: " ", count: max(0, 8 - "\(sp.index)".count)) + "\(sp.index)"
            let vlan = String(repeating: " ", count: max(0, 5 - "\(sp.svlan)".count)) + "\(sp.svlan)"
            out +=
                index + vlan + " " + Self.pad("common", 9) + Self.pad("gpon", 5)
                + Self.pad("\(sp.pon.frame)/\(sp.pon.slot) /\(sp.pon.port)", 9) + Self.pad("\(sp.onuID)", 5)
                + Self.pad("\(sp.gemport)", 6) + Self.pad("vlan", 6) + Self.pad("\(sp.cvlan)", 11) + Self.pad("-", 5)
                + Self.pad("-", 5) + "up\n"
        }
        out += rule
        out += "   Total : \(ports.count)  (Up/Down :    \(ports.count)/0)\n"
        out += rule
        return out
    }
}
