import CLIModel
import FTTHCore
import Foundation

/// Parsers for Huawei MA5600T/MA5800 command output, tested on recordings of real OLTs.
/// Output varies by firmware: parsers read rows by shape, not by column position, and a value
/// they cannot read becomes "no reading" with the raw text, never a number.
public enum HuaweiCLIOutput {
    /// Removes what the terminal session adds to a command's output: the pager prompt
    /// `---- More ( Press 'Q' to break ) ----`, the erase the OLT writes after a key press
    /// (`ESC[37D`, spaces, `ESC[37D`: stripping only the escape codes would leave the next row
    /// shifted by the spaces), any other ANSI escape, and carriage returns.
    public static func clean(_ raw: String) -> String {
        let text = raw.replacingOccurrences(of: "---- More ( Press 'Q' to break ) ----", with: "")
        return String(decoding: TerminalText.clean(Array(text.utf8)[...]), as: UTF8.self)
    }

    /// One row of `display ont optical-info F/S all`.
    public struct OpticalRow: Sendable, Hashable {
        public var onuID: Int
        public var onuRx: PowerReading
        public var onuTx: PowerReading
        public var oltRx: PowerReading
        public var temperatureCelsius: Double?
        public var voltageVolts: Double?
        public var biasMilliamps: Double?
        public var distanceMetres: Int?
    }

    /// Parses `display ont optical-info F/S all`: rows of ONT-ID, Rx, Tx, OLT Rx, temperature,
    /// voltage, current, distance.
    public static func opticalInfo(_ raw: String) -> [OpticalRow] {
        clean(raw).split(separator: "\n").compactMap { line in
            let f = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard f.count == 8, let id = Int(f[0]) else { return nil }
            return OpticalRow(
                onuID: id, onuRx: PowerReading(parsingDBm: f[1]), onuTx: PowerReading(parsingDBm: f[2]),
                oltRx: PowerReading(parsingDBm: f[3]), temperatureCelsius: Double(f[4]), voltageVolts: Double(f[5]),
                biasMilliamps: Double(f[6]), distanceMetres: Int(f[7]))
        }
    }

    /// One ONT of `display ont info summary`.
    public struct SummaryRow: Sendable, Hashable {
        public var onuID: Int
        public var runState: ONURunState
        public var serial: String?
        public var type: String?
        public var distanceMetres: Int?
        public var onuRx: PowerReading
        public var onuTx: PowerReading
        public var description: String?
    }

    /// Parses `display ont info summary F/S/P`: the PON port, and per ONT its run state (first
    /// table) merged with SN, type, distance, Rx/Tx power and description (second table).
    /// An offline ONT prints `-/-` for its powers: no reading.
    public static func infoSummary(_ raw: String) -> (pon: PONAddress?, rows: [SummaryRow]) {
        var pon: PONAddress?
        var states: [Int: ONURunState] = [:]
        var details: [Int: SummaryRow] = [:]
        for line in clean(raw).split(separator: "\n") {
            if let r = line.range(of: "In port ") {
                let rest = line[r.upperBound...]
                pon = PONAddress(String(rest.prefix { $0 != "," }))
                continue
            }
            let f = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard f.count >= 2, let id = Int(f[0]) else { continue }
            if f[1] == "online" || f[1] == "offline" {
                states[id] = f[1] == "online" ? .online : .offline
            } else if f.count >= 5, let slash = f[4].firstIndex(of: "/") {
                let rx = String(f[4][..<slash])
                let tx = String(f[4][f[4].index(after: slash)...])
                details[id] = SummaryRow(
                    onuID: id, runState: .unknown, serial: f[1], type: f[2], distanceMetres: Int(f[3]),
                    onuRx: rx == "-" ? .missing(.sentinel, raw: f[4]) : PowerReading(parsingDBm: rx),
                    onuTx: tx == "-" ? .missing(.sentinel, raw: f[4]) : PowerReading(parsingDBm: tx),
                    description: f.count > 5 ? f[5...].joined(separator: " ") : nil)
            }
        }
        let ids = Set(states.keys).union(details.keys).sorted()
        return (
            pon,
            ids.map { id in
                var row =
                    details[id]
                    ?? SummaryRow(onuID: id, runState: .unknown, onuRx: .missing(.absent), onuTx: .missing(.absent))
                row.runState = states[id] ?? .unknown
                return row
            }
        )
    }

    /// Parses a detail view (`display ont info F S P ID`): `Key : value` lines, first occurrence
    /// of each key, values trimmed. `F/S/P` values lose their padding (`0/ 0/6` → `0/0/6`).
    public static func details(_ raw: String) -> [String: String] {
        var result = CLIKeyValueView.parse(clean(raw))
        if let fsp = result["F/S/P"] { result["F/S/P"] = fsp.replacingOccurrences(of: " ", with: "") }
        return result
    }

    /// The ONT id in the reply to `ont add` (`PortID :1, ONTID :0`), nil when absent.
    public static func addedONTID(_ raw: String) -> Int? {
        guard let r = clean(raw).range(of: "ONTID") else { return nil }
        let rest = clean(raw)[r.upperBound...].drop { $0 == " " || $0 == ":" }
        return Int(rest.prefix { $0.isNumber })
    }

    /// One service-port row of `display service-port port F/S/P ont ID`.
    public struct ServicePortRow: Sendable, Hashable {
        public var index: Int
        public var vlan: Int
        public var onuID: Int?
        public var gemport: Int?
        /// The user-vlan (FLOW PARA of a `vlan` flow).
        public var userVLAN: Int?
    }

    /// Parses `display service-port …`: rows that start with an index and a VLAN and name a
    /// `gpon` port. The F/S/P column is printed padded (`0/1 /1`), so fields after it are
    /// found by position from the port type.
    public static func servicePorts(_ raw: String) -> [ServicePortRow] {
        clean(raw).split(separator: "\n").compactMap { line in
            let f = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard f.count >= 4, let index = Int(f[0]), let vlan = Int(f[1]), let gpon = f.firstIndex(of: "gpon")
            else { return nil }
            // After `gpon`: F/S/P (one to three tokens), VPI (ONT id), VCI (gemport), flow type, flow para.
            var k = gpon + 1
            var fsp = ""
            while k < f.count, fsp.filter({ $0 == "/" }).count < 2 || fsp.hasSuffix("/") {
                fsp += f[k]
                k += 1
            }
            let ont = k < f.count ? Int(f[k]) : nil
            let gem = k + 1 < f.count ? Int(f[k + 1]) : nil
            let userVLAN = k + 3 < f.count && f[k + 2] == "vlan" ? Int(f[k + 3]) : nil
            return ServicePortRow(index: index, vlan: vlan, onuID: ont, gemport: gem, userVLAN: userVLAN)
        }
    }

    /// The PON port's transmit power from `display port state`: the `TX power(dBm)` row.
    public static func portTxPower(_ raw: String) -> PowerReading {
        for line in clean(raw).split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("TX power(dBm)") else { continue }
            let value = t.dropFirst("TX power(dBm)".count).drop { $0 == " " || $0 == ":" }
            return PowerReading(parsingDBm: String(value))
        }
        return .missing(.absent)
    }
}
