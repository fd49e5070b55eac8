import Foundation

/// The simulated city under test: OLTs alternating Huawei MA5800 and ZTE C300/C600, their PON
/// ports, 1:8 splitters behind a 1:4, and one unconfigured test ONT on every splitter port, so
/// that every port can be tested at once. Writes olt-sim's TOML and the project CSV.
struct BenchCity {
    struct Port {
        var splitter: String
        var number: Int
        var serial: String
        var faulty: Bool
    }

    struct PON {
        var address: String
        var svlan: Int
        var splitters: [(name: String, ports: [Port])]
    }

    struct OLT {
        var name: String
        var address: String
        var dialect: String
        var pons: [PON]

        var isHuawei: Bool { dialect.hasPrefix("huawei") }
        var ports: [Port] { pons.flatMap { $0.splitters.flatMap(\.ports) } }
    }

    static let projectCode = "P-BENCH"

    var olts: [OLT] = []

    /// `ports` split as evenly as can be over `olts`, whose dialects are `dialects` in turn;
    /// every `faultEvery`th ONT has a dirty connector.
    init(olts count: Int, ports: Int, dialects: [String], faultEvery: Int) {
        var serial = 0
        for o in 0..<count {
            let dialect = dialects[o % dialects.count]
            let huawei = dialect.hasPrefix("huawei")
            let portsHere = ports / count + (o < ports % count ? 1 : 0)
            // At most 64 test ONUs per PON port keeps within both dialects' ONU ids.
            let ponCount = max(1, (portsHere + 63) / 64)
            var pons = (0..<ponCount).map { p in
                PON(
                    address: huawei ? "0/1/\(p)" : "1/2/\(p + 1)", svlan: 1000 + 10 * o + p, splitters: [])
            }
            var left = portsHere
            var splitter = 0
            while left > 0 {
                let p = splitter % ponCount
                let name = "B\(o + 1)-PON\(p + 1)-SP\(splitter / ponCount + 1)"
                var list: [Port] = []
                for number in 1...min(8, left) {
                    serial += 1
                    let hex = String(format: "%08X", 0xBE00_0000 + serial)
                    list.append(
                        Port(
                            splitter: name, number: number, serial: (huawei ? "HWTC" : "ZTEG") + hex,
                            faulty: faultEvery > 0 && serial % faultEvery == 0))
                }
                left -= list.count
                pons[p].splitters.append((name, list))
                splitter += 1
            }
            olts.append(
                OLT(
                    name: "BENCH-\(huawei ? "HW" : "ZTE")-\(o + 1)", address: "10.99.0.\(o + 1)", dialect: dialect,
                    pons: pons))
        }
    }

    var ports: [(olt: OLT, port: Port)] { olts.flatMap { olt in olt.ports.map { (olt, $0) } } }

    /// olt-sim's configuration (config/olt-sim.toml documents the keys): CLI over Telnet on a
    /// free port chosen by olt-sim (written to its ports file), no SNMP port fixed.
    func simulatorTOML(latencyMilliseconds: Int, registrationSeconds: Int, maxSessions: Int) -> String {
        var t = "# Written by engine-bench.\nregistration_seconds = \(registrationSeconds)\n"
        for olt in olts {
            t += "\n[[olt]]\nname = \"\(olt.name)\"\naddress = \"\(olt.address)\"\ndialect = \"\(olt.dialect)\"\n"
            t += "[olt.snmp]\nport = 0\n"
            t += "[olt.cli]\ntelnet_port = 0\nusername = \"admin\"\npassword = \"admin\"\n"
            t += "latency_ms = \(latencyMilliseconds)\nmax_sessions = \(maxSessions)\n"
            for pon in olt.pons {
                t += "[[olt.pon]]\nport = \"\(pon.address)\"\nolt_tx_dbm = 3.0\n"
                for splitter in pon.splitters {
                    t += "[[olt.pon.splitter]]\nname = \"\(splitter.name)\"\nratio = \"1:8\"\n"
                    t += "first_level_ratio = \"1:4\"\nfibre_km = 3.0\n"
                    for port in splitter.ports {
                        t += "[[olt.pon.splitter.ont]]\nport = \(port.number)\nserial = \"\(port.serial)\"\n"
                        if port.faulty { t += "faults = [\"dirty-connector:8\"]\n" }
                    }
                }
            }
        }
        return t
    }

    /// The project export (columns of config/sample-project.csv): one row per splitter.
    var projectCSV: String {
        var lines = [
            "project_code,project_name,acceptance_required,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports"
        ]
        for olt in olts {
            for pon in olt.pons {
                for splitter in pon.splitters {
                    lines.append(
                        "\(Self.projectCode),Engine benchmark,yes,\(olt.name),\(olt.address),\(olt.dialect),\(pon.address),\(pon.svlan),\(splitter.name),1:8,\(splitter.ports.count)"
                    )
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension BenchCity {
    /// ftth-acceptd's configuration (config/ftth-acceptd.toml documents the keys): every OLT over
    /// Telnet on olt-sim's port, the scheduler off so that nothing but the benchmark's tests
    /// talks to the OLTs. `store` is the `[store]` table; `clusterName`, with PostgreSQL, the
    /// daemon's `[cluster] name`.
    func daemonTOML(
        store: String, apiPort: Int, telnetPorts: [String: Int], options: BenchOptions, clusterName: String?
    ) throws -> String {
        var t = """
            # Written by engine-bench.
            [api]
            host = "127.0.0.1"
            port = \(apiPort)
            # Every viewer is a connection from 127.0.0.1, beside the benchmark's API requests.
            max_connections = \(max(512, options.viewers + 64))
            max_connections_per_address = \(max(64, options.viewers + 64))

            \(store)

            [[cvlan_ranges]]
            name = "bench"
            first = 100
            last = \(min(4094, 100 + options.ports + 100))

            [southbound]
            max_cli_sessions = \(options.sessions)
            command_timeout_s = \(options.commandTimeoutSeconds)
            login_timeout_s = 20

            [engine]
            poll_s = \(options.pollSeconds)
            max_concurrent_per_olt = \(options.concurrency)
            online_timeout_s = 120

            [scheduler]
            tick_s = 0

            """
        if let clusterName {
            t += """

                [cluster]
                name = "\(clusterName)"
                lease_s = \(options.leaseSeconds)
                poll_s = \(options.clusterPollSeconds)
                max_runs = \(options.maxRuns)

                """
        }
        for olt in olts {
            guard let port = telnetPorts[olt.name] else {
                throw BenchError("olt-sim did not say which Telnet port \(olt.name) listens on")
            }
            t += """

                [[olt]]
                address = "\(olt.address)"
                transport = "telnet"
                host = "127.0.0.1"
                port = \(port)
                username = "admin"
                password_env = "BENCH_OLT_PASSWORD"

                """
        }
        return t
    }
}
