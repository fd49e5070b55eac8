import FTTHCore
import Foundation

/// Parsers for ZTE C300/C600 command output (docs/cli-dialects.md). Rows are found by their
/// ONU interface (`gpon-onu_1/2/1:5`, C600 `gpon_onu-1/2/1:5`, or bare `1/2/1:5`), not by
/// column position: firmware releases add and move columns.
public enum ZTECLIOutput {
    /// The ONU number of an ONU interface token, nil when the token is not one.
    static func onuNumber(_ token: Substring) -> Int? {
        var t = token
        for prefix in ["gpon-onu_", "gpon_onu-"] where t.hasPrefix(prefix) { t = t.dropFirst(prefix.count) }
        guard let colon = t.firstIndex(of: ":") else { return nil }
        let port = t[..<colon].split(separator: "/", omittingEmptySubsequences: false)
        guard port.count == 3, port.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else { return nil }
        return Int(t[t.index(after: colon)...])
    }

    /// Phase states an ONU can be in; only `working` is online. The phase is the last column
    /// that is one (the admin and OMCC columns before it say `enable`/`disable` too).
    static let phases = ["working", "los", "dyinggasp", "offline", "syncmib", "logging", "authpass", "disable"]

    /// One row of `show gpon onu state`.
    public struct StateRow: Sendable, Hashable {
        public var onuID: Int
        /// The phase as printed (`working`, `LOS`, `DyingGasp`, `OffLine`…), nil when none was found.
        public var phase: String?
        public var runState: ONURunState
    }

    /// Parses `show gpon onu state <olt-if>`.
    public static func states(_ text: String) -> [StateRow] {
        text.split(separator: "\n").compactMap { line in
            let f = line.split(whereSeparator: \.isWhitespace)
            guard let first = f.first, let id = onuNumber(first) else { return nil }
            let phase = f.dropFirst().last { phases.contains($0.lowercased()) }.map(String.init)
            let state: ONURunState =
                switch phase?.lowercased() {
                case "working": .online
                case nil: .unknown
                default: .offline
                }
            return StateRow(onuID: id, phase: phase, runState: state)
        }
    }

    /// One row of `show gpon onu baseinfo`.
    public struct BaseInfoRow: Sendable, Hashable {
        public var onuID: Int
        public var type: String?
        public var serial: ONUSerial?
        public var password: String?
    }

    /// Parses `show gpon onu baseinfo <olt-if>`: `SN:…` or `PW:…` gives the authentication.
    public static func baseInfo(_ text: String) -> [BaseInfoRow] {
        text.split(separator: "\n").compactMap { line in
            let f = line.split(whereSeparator: \.isWhitespace)
            guard let first = f.first, let id = onuNumber(first) else { return nil }
            var row = BaseInfoRow(onuID: id, type: f.count > 1 ? String(f[1]) : nil)
            for token in f.dropFirst() {
                if token.hasPrefix("SN:") { row.serial = ONUSerial(String(token.dropFirst(3))) }
                if token.hasPrefix("PW:") { row.password = String(token.dropFirst(3)) }
            }
            return row
        }
    }

    /// The four powers of `show pon power attenuation <onu-if>`.
    public struct Attenuation: Sendable, Hashable {
        public var oltRx: PowerReading
        public var onuTx: PowerReading
        public var oltTx: PowerReading
        public var onuRx: PowerReading
    }

    /// Parses the `up` line (OLT Rx, ONU Tx) and the `down` line (OLT Tx, ONU Rx). A value of
    /// `N/A` or `no signal` is no reading, with the text kept.
    public static func attenuation(_ text: String) -> Attenuation {
        var result = Attenuation(
            oltRx: .missing(.absent), onuTx: .missing(.absent), oltTx: .missing(.absent), onuRx: .missing(.absent))
        for line in text.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            let values = labelledValues(trimmed)
            if trimmed.hasPrefix("up") {
                if let rx = values["Rx"] { result.oltRx = power(rx) }
                if let tx = values["Tx"] { result.onuTx = power(tx) }
            } else if trimmed.hasPrefix("down") {
                if let tx = values["Tx"] { result.oltTx = power(tx) }
                if let rx = values["Rx"] { result.onuRx = power(rx) }
            }
        }
        return result
    }

    static func power(_ text: String) -> PowerReading {
        let t = text.trimmingCharacters(in: .whitespaces)
        // `N/A(dbm)`: the sentinel with the unit still attached.
        let bare = t.lowercased().hasSuffix("(dbm)") ? String(t.dropLast(5)) : t
        if bare.lowercased() == "no signal" || bare.uppercased() == "N/A" { return .missing(.sentinel, raw: t) }
        return PowerReading(parsingDBm: t)
    }

    /// `Rx :-20.241(dbm)  Tx:2.423(dbm)` → ["Rx": "-20.241(dbm)", "Tx": "2.423(dbm)"]. A value
    /// runs to the next two blanks (`no signal` has one).
    static func labelledValues(_ line: Substring) -> [String: String] {
        var result: [String: String] = [:]
        var rest = line
        while let r = rest.firstRange(of: ":") {
            let label = rest[..<r.lowerBound].split(whereSeparator: \.isWhitespace).last.map(String.init) ?? ""
            var value = rest[r.upperBound...].drop { $0 == " " }
            if let end = value.firstRange(of: "  ") {
                rest = value[end.lowerBound...]
                value = value[..<end.lowerBound]
            } else {
                rest = value[value.endIndex...]
            }
            if label == "Rx" || label == "Tx", result[label] == nil { result[label] = String(value) }
        }
        return result
    }

    /// A detail view (`show gpon onu detail-info`): `Key: value` lines.
    public static func details(_ text: String) -> [String: String] { CLIKeyValueView.parse(text) }

    /// The configuration lines of `show running-config interface <onu-if>`, trimmed, without
    /// the `interface` line, `!` and `end`.
    public static func runningConfig(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty && $0 != "!" && $0 != "end" && !$0.hasPrefix("interface ") && !$0.hasPrefix("Building")
        }
    }
}
