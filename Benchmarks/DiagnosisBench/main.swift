import DiagnosisLab
import FTTHCore
import Foundation
import OLTSim

// diagnosis-bench: random cities with faults at known places, tested port by port through the
// real acceptance engine, olt-sim and a SQLite store, then diagnosed; prints the confusion matrix
// of the true place against the diagnosed one. `diagnosis-bench --help` lists the options.

struct Options {
    var cities = 20
    var seed: UInt64 = 1
    var olts = 2
    var pons = 4
    var splitters = 4
    var ports = 8
    var faultyShare = 0.3
    var crews = 2
    var design = true
    var faultDB: ClosedRange<Double> = 2...8
    var readingError = 0.0
    var verbose = false

    static let help = """
        usage: diagnosis-bench [--cities N] [--seed S] [--olts N] [--pons N] [--splitters N] [--ports N]
                               [--faulty-share F] [--crews N] [--fault-db MIN-MAX] [--reading-error DB]
                               [--no-design] [--verbose]

        Generates N random cities (seeds S, S+1, …) with olt-sim's generator: faults at known places,
        a share of the city healthy, crews carrying one test ONT each from port to port. Every port is
        tested through the acceptance engine (CLI drivers on olt-sim in process, SQLite store, a
        simulated clock), then every port and splitter is diagnosed. Prints the confusion matrix
        (true place × diagnosed place, per port), the accuracy per place, the share of faulty
        splitters and faulty ports located at the right place, and the share of healthy ports given
        a false diagnosis. --no-design imports the projects without the design columns, so the
        prediction rests on the OLT's ranging. --fault-db sets the size of the faults olt-sim places
        (2-8 dB by default); --reading-error makes receive powers read up to that many dB off the
        truth, as real optics do (half a fixed offset per ONT, half a jitter per port).

        defaults: --cities 20 --seed 1 --olts 2 --pons 4 --splitters 4 --ports 8 --faulty-share 0.3 --crews 2
        """

    init(_ arguments: [String]) throws {
        var it = arguments.makeIterator()
        func value(_ flag: String) throws -> String {
            guard let v = it.next() else { throw BenchError("\(flag) needs a value; see --help") }
            return v
        }
        func int(_ flag: String, _ range: ClosedRange<Int>) throws -> Int {
            let t = try value(flag)
            guard let v = Int(t), range.contains(v) else {
                throw BenchError("\(flag) \(t): give a whole number \(range.lowerBound)…\(range.upperBound)")
            }
            return v
        }
        while let a = it.next() {
            switch a {
            case "--cities": cities = try int(a, 1...10_000)
            case "--seed": seed = UInt64(try int(a, 0...Int(Int32.max)))
            case "--olts": olts = try int(a, 1...16)
            case "--pons": pons = try int(a, 1...64)
            case "--splitters": splitters = try int(a, 1...4)
            case "--ports": ports = try int(a, 2...64)
            case "--crews": crews = try int(a, 1...16)
            case "--faulty-share":
                let t = try value(a)
                guard let v = Double(t), (0...1).contains(v) else {
                    throw BenchError("--faulty-share \(t): give a share 0…1, such as 0.3")
                }
                faultyShare = v
            case "--no-design": design = false
            case "--fault-db":
                let t = try value(a)
                let parts = t.split(separator: "-").compactMap { Double($0) }
                guard parts.count == 2, parts[0] >= 0.1, parts[0] <= parts[1], parts[1] <= 20 else {
                    throw BenchError("--fault-db \(t): give MIN-MAX in dB, 0.1…20, such as 1.5-4")
                }
                faultDB = parts[0]...parts[1]
            case "--reading-error":
                let t = try value(a)
                guard let v = Double(t), (0...5).contains(v) else {
                    throw BenchError("--reading-error \(t): give dB 0…5, such as 1")
                }
                readingError = v
            case "--verbose": verbose = true
            case "--help", "-h":
                print(Self.help)
                exit(0)
            default: throw BenchError("unknown option \(a); see --help")
            }
        }
        guard SplitRatio(outputs: ports) != nil else { throw BenchError("--ports \(ports): a power of two 2…64") }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The diagnosis's places, as the benchmark scores them.
typealias Place = Diagnosis.Place

struct Tally {
    /// true place → diagnosed place → ports.
    var matrix: [Place: [Place: Int]] = [:]
    var faultySplitters = 0
    var faultySplittersRight = 0
    var ports = 0

    func total(_ truth: Place) -> Int { matrix[truth]?.values.reduce(0, +) ?? 0 }
    func right(_ truth: Place) -> Int { matrix[truth]?[truth] ?? 0 }

    mutating func add(_ run: CityRun, verbose: Bool) {
        for p in run.ports {
            let said = p.diagnosis?.place ?? .unknown
            matrix[p.truth, default: [:]][said, default: 0] += 1
            ports += 1
            if verbose && said != p.truth {
                print("  port \(p.port): true \(p.truth.rawValue), said \(p.diagnosis?.summary ?? "nothing")")
            }
        }
        for s in run.splitters {
            faultySplitters += 1
            if s.summary?.place == s.truth {
                faultySplittersRight += 1
            } else if verbose {
                print("  splitter \(s.splitter): true \(s.truth.rawValue), said \(s.summary?.summary ?? "nothing")")
            }
        }
    }
}

func percent(_ a: Int, _ b: Int) -> String {
    b == 0 ? "  —  " : String(format: "%5.1f %%", 100 * Double(a) / Double(b))
}

let options: Options
do {
    options = try Options(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("diagnosis-bench: \(error)\n".utf8))
    exit(2)
}

var tally = Tally()
let started = ContinuousClock.now
for i in 0..<options.cities {
    let seed = options.seed + UInt64(i)
    let city = SimCity.random(
        seed: seed, olts: options.olts, ponsPerOLT: options.pons, splittersPerPON: options.splitters,
        portsPerSplitter: options.ports, faultyShare: options.faultyShare, crews: options.crews,
        faultDB: options.faultDB, readingErrorDB: options.readingError)
    if options.verbose { print("city \(seed): \(city.truth.faults.count) faults") }
    do {
        tally.add(try await CityRun.run(city, design: options.design), verbose: options.verbose)
    } catch {
        FileHandle.standardError.write(Data("diagnosis-bench: city \(seed): \(error)\n".utf8))
        exit(1)
    }
}
let elapsed = ContinuousClock.now - started
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18

let places: [Place] = [.none, .oltOrFeeder, .splitter, .portOrDrop, .testONT]
let columns: [Place] = places + [.unknown]
print(
    "diagnosis-bench: \(options.cities) cities (seeds \(options.seed)…\(options.seed + UInt64(options.cities - 1))), \(options.olts) OLTs × \(options.pons) PONs × \(options.splitters) splitters × \(options.ports) ports, faulty share \(options.faultyShare), faults \(options.faultDB.lowerBound)–\(options.faultDB.upperBound) dB, reading error ±\(options.readingError) dB, \(options.crews) crews per OLT, design \(options.design ? "imported" : "absent (ranging)")"
)
print("\(tally.ports) ports tested through the engine in \(String(format: "%.1f", seconds)) s\n")
print("ports: true place (rows) × diagnosed place (columns)")
print(
    "true \\ said".padding(toLength: 14, withPad: " ", startingAt: 0)
        + columns.map { $0.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0) }.joined() + "accuracy")
for t in places {
    var line = t.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)
    for c in columns { line += String(tally.matrix[t]?[c] ?? 0).padding(toLength: 14, withPad: " ", startingAt: 0) }
    line += percent(tally.right(t), tally.total(t))
    print(line)
}
let faultyPorts = places.filter { $0 != .none }.reduce(0) { $0 + tally.total($1) }
let faultyRight = places.filter { $0 != .none }.reduce(0) { $0 + tally.right($1) }
let healthy = tally.total(.none)
let falseAlarms = (tally.matrix[.none] ?? [:]).filter { $0.key != .none && $0.key != .unknown }.values.reduce(0, +)
print("")
print(
    "faulty splitters located (summary place = true place): \(percent(tally.faultySplittersRight, tally.faultySplitters)) of \(tally.faultySplitters)   goal ≥ 95 %"
)
print(
    "faulty ports located (port place = true place):       \(percent(faultyRight, faultyPorts)) of \(faultyPorts)   goal ≥ 90 %"
)
print(
    "healthy ports given a false diagnosis:                 \(percent(falseAlarms, healthy)) of \(healthy)   goal ≤ 2 %"
)
