import ArgumentParser
import Foundation
import OLTSim

/// `olt-sim city`: writes a random city with faults at known places, for testing the daemon's
/// diagnosis against the truth.
struct CityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "city",
        abstract: "Write a random city with faults at known places: olt-sim.toml, project.csv and truth.json.",
        discussion: """
            The same seed gives the same city. OLTs alternate Huawei MA5800 and ZTE C300 (SNMP and \
            Telnet on any free port); each PON feeds a 1:4 first-level splitter and 1:8 last-level \
            splitters, fibre 1-12 km, drops 20-300 m, 4-6 connectors, 2-6 splices, and \
            variation_seed = the seed, so no two ports read alike. No ONT sits in any port: each OLT \
            has --crews crew test ONTs ([[olt.crew_ont]]) that a test plugs port by port.

            olt-sim.toml is the city for `olt-sim serve --config`; project.csv the project export \
            for `ftthctl import projects` (with the designed feeder_km, drop_m, upstream_ratios, \
            connectors and splices of each splitter); truth.json every fault (place, OLT, PON, \
            splitter, port, ONT serial, kind, dB) and which crew ONT tests which splitters. Places: \
            olt_port, feeder, splitter_input, splitter_port, drop, ont_connector. One line per fault \
            is printed. A PON with an olt_port or feeder fault has no other fault; a splitter with a \
            splitter_input fault no port fault; a faulty crew ONT tests 2 splitters or more, all \
            otherwise healthy.
            """)

    @Option(name: .long, help: "The seed (0 to 9223372036854775807).")
    var seed: UInt64
    @Option(name: .long, help: "Directory to write into (created if missing; files in it are replaced).")
    var out: String
    @Option(name: .long, help: "OLTs (1-1000).")
    var olts = 2
    @Option(name: .long, help: "PON ports per OLT (1-64).")
    var pons = 4
    @Option(name: .long, help: "Last-level 1:8 splitters per PON, behind its 1:4 (1-4).")
    var splitters = 4
    @Option(name: .customLong("faulty-share"), help: "About this share of the splitters get a fault (0-1).")
    var faultyShare = 0.3
    @Option(name: .long, help: "Crews (crew test ONTs) per OLT (1-16).")
    var crews = 2
    @Option(name: .customLong("reading-error"), help: "Receive powers read up to this many dB off the truth (0-5).")
    var readingError = 0.0

    func validate() throws {
        guard seed <= UInt64(Int64.max) else { throw ValidationError("--seed must be 0-9223372036854775807") }
        guard (1...1000).contains(olts) else { throw ValidationError("--olts must be 1-1000") }
        guard (1...64).contains(pons) else { throw ValidationError("--pons must be 1-64") }
        guard (1...4).contains(splitters) else {
            throw ValidationError("--splitters must be 1-4: the last-level splitters sit behind a 1:4")
        }
        guard (0...1).contains(faultyShare) else { throw ValidationError("--faulty-share must be 0-1, such as 0.3") }
        guard (1...16).contains(crews) else { throw ValidationError("--crews must be 1-16") }
        guard (0...5).contains(readingError) else { throw ValidationError("--reading-error must be 0-5 dB, such as 1") }
    }

    func run() throws {
        let city = SimCity.random(
            seed: seed, olts: olts, ponsPerOLT: pons, splittersPerPON: splitters, faultyShare: faultyShare,
            crews: crews, readingErrorDB: readingError)
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try city.toml.write(to: directory.appendingPathComponent("olt-sim.toml"), atomically: true, encoding: .utf8)
        try city.projectCSV.write(
            to: directory.appendingPathComponent("project.csv"), atomically: true, encoding: .utf8)
        try encoder.encode(city.truth).write(to: directory.appendingPathComponent("truth.json"), options: .atomic)
        for fault in city.truth.faults { print(fault) }
        let splitterCount = city.configuration.olts.flatMap(\.pons).flatMap(\.splitters).count
        print(
            "city \(seed): \(city.configuration.olts.count) OLT(s), \(splitterCount) splitter(s), \(city.truth.faults.count) fault(s); wrote olt-sim.toml, project.csv, truth.json in \(out)"
        )
    }
}
