import FTTHCore
import Foundation

extension SimCity {
    /// The city as olt-sim TOML. Writes what a generated city holds (OLTs with SNMP and Telnet
    /// ports, PONs, splitters with their ports, crew ONTs, every fault place); keys a city never
    /// sets, such as SNMPv3 users or ONTs in ports, are left out.
    static func toml(_ c: SimConfiguration, seed: UInt64) -> String {
        var out = """
            # A random city from `olt-sim city --seed \(seed)`: truth.json says where its faults are and
            # which crew ONT tests which splitters; project.csv is the project export for the daemon.
            # Keys: `olt-sim --help` and config/olt-sim.toml.

            registration_seconds = \(number(c.registrationSeconds))

            """
        if let v = c.variationSeed { out += "variation_seed = \(v)\n" }
        if c.readingErrorDB > 0 { out += "reading_error_db = \(c.readingErrorDB)\n" }
        for olt in c.olts {
            out += "\n[[olt]]\nname = \(quoted(olt.name))\naddress = \(quoted(olt.address.description))\n"
            out += "dialect = \(quoted(olt.dialect.rawValue))\n"
            out += "[olt.snmp]\nport = \(olt.snmp.port)\n"
            if let cli = olt.cli {
                out += "[olt.cli]\n"
                if let p = cli.telnetPort { out += "telnet_port = \(p)\n" }
                if let p = cli.sshPort { out += "ssh_port = \(p)\n" }
            }
            for crew in olt.crewONTs {
                out += "[[olt.crew_ont]]\nserial = \(quoted(crew.serial.description))\n"
                if let tx = crew.txDBm { out += "tx_dbm = \(number(tx))\n" }
                out += list("faults", crew.faults)
                if crew.neverRegisters { out += "never_registers = true\n" }
            }
            for pon in olt.pons {
                out += "[[olt.pon]]\nport = \(quoted(pon.address.description))\nolt_tx_dbm = \(number(pon.oltTxDBm))\n"
                out += list("olt_port_faults", pon.oltPortFaults) + list("feeder_faults", pon.feederFaults)
                for s in pon.splitters {
                    out += "[[olt.pon.splitter]]\nname = \(quoted(s.name))\nratio = \(quoted(s.ratio.description))\n"
                    if let f = s.firstLevelRatio { out += "first_level_ratio = \(quoted(f.description))\n" }
                    out += "fibre_km = \(number(s.fibreKm))\nconnectors = \(s.connectors)\nsplices = \(s.splices)\n"
                    out += "drop_m = \(number(s.dropMetres))\n" + list("faults", s.faults)
                    for port in s.ports {
                        out += "[[olt.pon.splitter.port]]\nnumber = \(port.number)\n"
                        if let d = port.dropMetres { out += "drop_m = \(number(d))\n" }
                        out += list("connector_faults", port.connectorFaults) + list("drop_faults", port.dropFaults)
                    }
                }
            }
        }
        return out
    }

    /// The project export: one row per splitter, one project per OLT, the path as designed.
    static func csv(_ c: SimConfiguration, seed: UInt64) -> String {
        var rows = [csvColumns.joined(separator: ",")]
        var svlan = 1000
        for (o, olt) in c.olts.enumerated() {
            for pon in olt.pons {
                svlan = svlan % 4000 + 1
                for s in pon.splitters {
                    let row = [
                        "CITY\(seed)-\(o)", "Random city \(seed) OLT \(o)", "yes", olt.name, olt.address.description,
                        olt.dialect.rawValue, pon.address.description, String(svlan), s.name, s.ratio.description, "",
                        "no", "", number(s.fibreKm), metres(s.dropMetres),
                        s.firstLevelRatio.map(\.description) ?? "", String(s.connectors), String(s.splices),
                    ]
                    rows.append(row.map(csvField).joined(separator: ","))
                }
            }
        }
        return rows.joined(separator: "\n") + "\n"
    }

    /// Whole metres as an integer (`120`), anything else as a number.
    static func metres(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : number(value)
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func list(_ key: String, _ faults: [PathFault]) -> String {
        faults.isEmpty ? "" : "\(key) = [\(faults.map { quoted($0.description) }.joined(separator: ", "))]\n"
    }

    /// A TOML float that reads back to the same Double: `3.1`, `120.0`.
    static func number(_ value: Double) -> String {
        let text = "\(value)"
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
