import ArgumentParser
import Foundation
import OLTSim
import OLTSimServer
import SNMPModel

struct OLTSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract:
            "Simulated OLTs (Huawei and ZTE dialects) over a physical ODN model, for tests, benchmarks and the demo.",
        discussion: """
            Every OLT answers SNMP (v1, v2c, v3 with MD5/SHA/SHA-256 and AES) on 127.0.0.1 with its \
            vendor's optical tables, computed from the model: OLT transmit power, fibre length, \
            splitter ratio, connectors, splices, the drop, and injected faults (dirty connector, \
            macrobend, broken fibre, an ONT that never registers, a slow or silent agent) at the \
            place they sit: the OLT port, the feeder, a splitter's input, one splitter port, its \
            drop, or the test ONT itself (which carries its faults to every port it is plugged \
            into). variation_seed spreads connectors, splices, drops and ONT powers around their \
            typical figures, the same on every run; reading_error_db makes receive powers read off the \
            truth as real optics do. Huawei \
            test ONUs can be provisioned with SET on hwGponDeviceOntConfigInfoTable; an ONU comes \
            online registration_seconds after it is configured, if light reaches it both ways.

            The configuration file is TOML; config/olt-sim.toml is a documented sample city and \
            documents every key. `olt-sim city --seed N --out DIR` writes a random city with faults \
            at known places (olt-sim.toml, project.csv, truth.json). \
            --synthetic generates a city instead: N OLTs alternating Huawei MA5800 and ZTE C300, \
            each with M registered customer ONUs, agents on consecutive ports from --base-port.

            An OLT with [olt.cli] also serves its command line (docs/cli-dialects.md) on Telnet and \
            SSH on 127.0.0.1: login, the Huawei or ZTE commands and output formats, the pager, \
            a session cap and a latency per command. With --synthetic, --cli-base-port P gives \
            OLT i Telnet port P+2i and SSH port P+2i+1 (user admin, password admin unless \
            --cli-password). The ports and SSH host keys are printed on start.

            SIGUSR1 prints a `cli-stats {JSON}` line per OLT with a command line: sessions opened, \
            refused and at most open at once, and the commands typed by kind, counted since start; \
            the same lines are printed on stop. Runs until interrupted (Ctrl-C or SIGTERM).

            With a [bras] table olt-sim is also the BRAS behind the OLTs: a PPPoE access \
            concentrator in user space (libpcap) on the named interface, its sessions' IPv4 on a \
            TUN interface holding the BRAS's address, each session shaped to the plan rate, and \
            faults per test account (wrong password, no answer, echoes stopping, a slow line). It \
            needs root (or CAP_NET_RAW and CAP_NET_ADMIN).
            """)

    @Option(name: .long, help: "Configuration file (TOML), such as config/olt-sim.toml.")
    var config: String?
    @Option(name: .long, help: "Generate N OLTs instead of reading a file.")
    var synthetic: Int?
    @Option(name: .customLong("onus-per-olt"), help: "With --synthetic: registered ONUs per OLT.")
    var onusPerOLT = 512
    @Option(name: .customLong("base-port"), help: "With --synthetic: UDP port of the first OLT (0: any free ports).")
    var basePort = 20000
    @Option(name: .customLong("latency-ms"), help: "With --synthetic: agent latency per request.")
    var latencyMilliseconds = 0
    @Option(
        name: .customLong("ports-file"),
        help:
            "Write 'name address dialect port' per OLT to this file once listening, then 'cli name telnet=P ssh=P host-key=KEY' per OLT with a command line."
    )
    var portsFile: String?
    @Option(
        name: .customLong("cli-base-port"),
        help: "With --synthetic: serve each OLT's CLI, Telnet on P+2i and SSH on P+2i+1 (0: any free ports).")
    var cliBasePort: Int?
    @Option(name: .customLong("cli-password"), help: "With --cli-base-port: the password of user admin.")
    var cliPassword = "admin"
    @Flag(
        name: .customLong("list-onts"),
        help:
            "Print every ONT of the city, tab-separated: OLT, PON port, splitter, splitter port, serial, and the ONU id it is configured as (- for a test ONT waiting to be provisioned); then exit."
    )
    var listONTs = false

    func validate() throws {
        guard (config == nil) != (synthetic == nil) else {
            throw ValidationError("give either --config FILE or --synthetic N")
        }
        if let synthetic, !(1...4096).contains(synthetic) { throw ValidationError("--synthetic must be 1-4096") }
        guard (0...8192).contains(onusPerOLT) else { throw ValidationError("--onus-per-olt must be 0-8192") }
        guard (0...65000).contains(basePort) else { throw ValidationError("--base-port must be 0-65000") }
        if let cliBasePort {
            guard synthetic != nil else {
                throw ValidationError("--cli-base-port goes with --synthetic; in a file, add [olt.cli] to the OLTs")
            }
            guard (0...65000).contains(cliBasePort) else { throw ValidationError("--cli-base-port must be 0-65000") }
        }
        guard !cliPassword.isEmpty else { throw ValidationError("--cli-password must not be empty") }
    }

    func run() async throws {
        var configuration =
            if let config {
                try SimConfiguration(contentsOfFile: config)
            } else {
                SimConfiguration.synthetic(
                    olts: synthetic!, onusPerOLT: onusPerOLT, basePort: basePort,
                    latencyMilliseconds: latencyMilliseconds)
            }
        if let cliBasePort {
            for i in configuration.olts.indices {
                configuration.olts[i].cli = SimCLIConfiguration(
                    telnetPort: cliBasePort == 0 ? 0 : cliBasePort + 2 * i,
                    sshPort: cliBasePort == 0 ? 0 : cliBasePort + 2 * i + 1, username: "admin",
                    password: Secret(cliPassword))
            }
        }
        if listONTs {
            for olt in configuration.olts {
                for pon in olt.pons {
                    for splitter in pon.splitters {
                        for ont in splitter.onts {
                            let id = ont.provisionedID.map(String.init) ?? "-"
                            say("\(olt.name)\t\(pon.address)\t\(splitter.name)\t\(ont.port)\t\(ont.serial)\t\(id)")
                        }
                    }
                }
            }
            return
        }
        let simulator = OLTSimulator(configuration: configuration)
        let agents = try SimulatorAgents(simulator: simulator)
        let bound = try await agents.start()
        let cliServers = try SimulatorCLIServers(simulator: simulator)
        let cliBound: [SimulatorCLIServers.Endpoint]
        do {
            cliBound = try await cliServers.start()
        } catch {
            await agents.stop()
            throw error
        }
        var lines: [String] = []
        for (olt, port) in bound {
            let onus = olt.allConfigured().values.reduce(0) { $0 + $1.count }
            lines.append("\(olt.config.name) \(olt.config.address) \(olt.config.dialect.rawValue) \(port)")
            say(
                "\(olt.config.name) (\(olt.config.dialect.rawValue), \(olt.config.address)): SNMP udp:127.0.0.1:\(port), \(olt.config.pons.count) PON port(s), \(onus) ONU(s) configured"
            )
        }
        for e in cliBound {
            var parts = ["cli", e.olt.config.name]
            if let p = e.telnetPort { parts.append("telnet=\(p)") }
            if let p = e.sshPort { parts.append("ssh=\(p)") }
            if let k = e.hostKey { parts.append("host-key=\(k)") }
            lines.append(parts.joined(separator: " "))
            say(
                "\(e.olt.config.name) CLI:"
                    + (e.telnetPort.map { " telnet 127.0.0.1:\($0)" } ?? "")
                    + (e.sshPort.map { " ssh 127.0.0.1:\($0)" } ?? "")
                    + (e.hostKey.map { ", host key \($0)" } ?? ""))
        }
        var bras: SimulatedBRAS?
        if let configuration = configuration.bras {
            do {
                bras = try SimulatedBRAS(configuration)
            } catch {
                await cliServers.stop()
                await agents.stop()
                throw BRASStartError(
                    description:
                        "olt-sim: the BRAS ([bras]) cannot serve on interface \(configuration.interface): \(error)")
            }
        }
        if let portsFile {
            try (lines.joined(separator: "\n") + "\n").write(toFile: portsFile, atomically: true, encoding: .utf8)
        }
        let statistics = DispatchSource.makeSignalSource(signal: SIGUSR1, queue: .main)
        signal(SIGUSR1, SIG_IGN)
        statistics.setEventHandler { Self.sayStatistics(cliServers, cliBound) }
        statistics.resume()
        // Listening for SIGINT and SIGTERM before "ready" is said: a supervisor that stops
        // olt-sim as soon as it reads that line must not find the signal ignored or fatal.
        let termination = TerminationSignals()
        if let bras {
            bras.start(say: say)
            say(bras.readyLine)
        }
        say("olt-sim ready: \(bound.count) OLT(s). Ctrl-C to stop.")
        await termination.wait()
        statistics.cancel()
        await bras?.stop()
        Self.sayStatistics(cliServers, cliBound)
        await cliServers.stop()
        await agents.stop()
        say("olt-sim stopped")
    }

    /// One `cli-stats {JSON}` line per OLT with a command line: sessions and commands so far. Said
    /// on SIGUSR1 and on stop, so that a benchmark can count what a workload cost the OLTs.
    static func sayStatistics(_ servers: SimulatorCLIServers, _ endpoints: [SimulatorCLIServers.Endpoint]) {
        struct Line: Encodable {
            var olt: String
            var statistics: SimCLIStatistics
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for e in endpoints {
            let line = Line(olt: e.olt.config.name, statistics: servers.statistics(olt: e.index))
            guard let json = try? encoder.encode(line) else { continue }
            say("cli-stats " + String(decoding: json, as: UTF8.self))
        }
    }
}

/// The BRAS of `[bras]` could not start: which interface, why, and what to check.
struct BRASStartError: Error, CustomStringConvertible {
    var description: String
}

/// Writes a line to standard output at once (unbuffered), so a test or a supervisor reading the
/// pipe sees "ready" as soon as it is said.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// SIGINT and SIGTERM, turned from their default (ending the process at once) into an event
/// that ``wait()`` returns on, so olt-sim can print its counts and close its servers.
final class TerminationSignals: Sendable {
    private let signals: AsyncStream<Void>
    // Kept so that they live as long as olt-sim waits; only created and cancelled here.
    private nonisolated(unsafe) let sources: [DispatchSourceSignal]

    init() {
        let (signals, continuation) = AsyncStream<Void>.makeStream()
        self.signals = signals
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler { continuation.yield() }
            source.resume()
            return source
        }
    }

    /// Returns at the first SIGINT or SIGTERM since ``init()``.
    func wait() async {
        for await _ in signals { return }
    }

    deinit { sources.forEach { $0.cancel() } }
}
