// Polls the full optical tables of M simulated OLTs × N ONUs with our SNMP client and with
// net-snmp's snmpbulkwalk, in the same run against the same olt-sim, and prints throughput,
// CPU time, peak memory and per-walk latency for both, with the ratios.
//
//   swift build -c release   (every executable; several --product flags build only the last one)
//   .build/release/snmp-poll-bench --olts 64 --onus 512
import FTTHSNMP
import Foundation
import SNMPModel
import Synchronization

struct Options {
    var olts = 64
    var onus = 512
    var basePort = 21000
    var maxRepetitions = 25
    var rounds = 3
    var simulator: String?

    init(_ arguments: [String]) {
        var i = 1
        func value() -> String {
            i += 1
            guard i < arguments.count else { fatalError("\(arguments[i - 1]) needs a value") }
            return arguments[i]
        }
        while i < arguments.count {
            switch arguments[i] {
            case "--olts": olts = Int(value())!
            case "--onus": onus = Int(value())!
            case "--base-port": basePort = Int(value())!
            case "--max-repetitions": maxRepetitions = Int(value())!
            case "--rounds": rounds = Int(value())!
            case "--olt-sim": simulator = value()
            case "--help", "-h":
                print(
                    "snmp-poll-bench [--olts 64] [--onus 512] [--max-repetitions 25] [--rounds 3] [--base-port 21000] [--olt-sim PATH]"
                )
                exit(0)
            default: fatalError("unknown argument \(arguments[i])")
            }
            i += 1
        }
    }
}

/// The optical tables of each dialect: what a poller walks to read every ONU of an OLT.
func tables(forOLT index: Int) -> [OID] {
    // olt-sim --synthetic alternates Huawei MA5800 (even) and ZTE C300 (odd).
    index % 2 == 0
        ? ["1.3.6.1.4.1.2011.6.128.1.1.2.51.1", "1.3.6.1.4.1.2011.6.128.1.1.2.46.1.15"]
        : [
            "1.3.6.1.4.1.3902.1012.3.50.12.1.1", "1.3.6.1.4.1.3902.1015.1010.11.2.1.2",
            "1.3.6.1.4.1.3902.1012.3.28.2.1.4",
        ]
}

struct Usage {
    var cpuSeconds: Double
    var maxRSSKilobytes: Int

    static func of(_ who: __rusage_who) -> Usage {
        var u = rusage()
        getrusage(who.rawValue, &u)
        let cpu =
            Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec)
            + Double(u.ru_stime.tv_usec) / 1e6
        return Usage(cpuSeconds: cpu, maxRSSKilobytes: u.ru_maxrss)
    }
}

struct Result {
    var name: String
    var walks = 0
    var varbinds = 0
    var wallSeconds = 0.0
    var cpuSeconds = 0.0
    var peakRSSKilobytes = 0
    var walkMilliseconds: [Double] = []

    var median: Double {
        let s = walkMilliseconds.sorted()
        return s.isEmpty ? 0 : s[s.count / 2]
    }
    var p95: Double {
        let s = walkMilliseconds.sorted()
        return s.isEmpty ? 0 : s[min(s.count - 1, Int(Double(s.count) * 0.95))]
    }
}

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

let options = Options(CommandLine.arguments)
let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
let simPath = options.simulator ?? here.appendingPathComponent("olt-sim").path
guard FileManager.default.isExecutableFile(atPath: simPath) else {
    fatalError("olt-sim not found at \(simPath): build it (swift build -c release --product olt-sim) or pass --olt-sim")
}

// 1. The simulated city, in its own process so that its CPU is not counted against either poller.
let sim = Process()
sim.executableURL = URL(fileURLWithPath: simPath)
sim.arguments = [
    "--synthetic", String(options.olts), "--onus-per-olt", String(options.onus), "--base-port",
    String(options.basePort),
]
let simOut = Pipe()
sim.standardOutput = simOut
try sim.run()
var banner = ""
while !banner.contains("olt-sim ready") {
    let chunk = simOut.fileHandleForReading.availableData
    if chunk.isEmpty { fatalError("olt-sim exited before it was ready:\n\(banner)") }
    banner += String(decoding: chunk, as: UTF8.self)
}
let ports = (0..<options.olts).map { options.basePort + $0 }
print("olt-sim: \(options.olts) OLTs × \(options.onus) ONUs on UDP \(ports.first!)-\(ports.last!)")

// 2. Our client: every OLT in flight at once through one dispatcher thread.
func pollWithClient() async throws -> Result {
    let client = SNMPClient()
    var result = Result(name: "ftth SNMPClient")
    let before = Usage.of(RUSAGE_SELF)
    let start = now()
    let perOLT = try await withThrowingTaskGroup(of: (Int, [Double]).self) { group in
        for (index, port) in ports.enumerated() {
            let session = try client.session(
                for: SNMPTarget(
                    host: "127.0.0.1", port: port, credentials: .v2c(community: "public"), timeoutMilliseconds: 5000,
                    retries: 1),
                maxInFlight: 4)
            group.addTask {
                var count = 0
                var times: [Double] = []
                for root in tables(forOLT: index) {
                    let t0 = now()
                    count += try await session.walk(root, maxRepetitions: options.maxRepetitions).count
                    times.append((now() - t0) * 1000)
                }
                return (count, times)
            }
        }
        var all: [(Int, [Double])] = []
        for try await r in group { all.append(r) }
        return all
    }
    result.wallSeconds = now() - start
    let after = Usage.of(RUSAGE_SELF)
    await client.shutdown()
    result.varbinds = perOLT.reduce(0) { $0 + $1.0 }
    result.walkMilliseconds = perOLT.flatMap(\.1)
    result.walks = result.walkMilliseconds.count
    result.cpuSeconds = after.cpuSeconds - before.cpuSeconds
    result.peakRSSKilobytes = after.maxRSSKilobytes
    return result
}

// 3. net-snmp's snmpbulkwalk: one process per walk, all OLTs at once, the same repetitions.
func pollWithSnmpbulkwalk() throws -> Result {
    var result = Result(name: "snmpbulkwalk")
    let start = now()
    let totals = Mutex<[(varbinds: Int, milliseconds: Double, cpu: Double, rss: Int)]>([])
    let group = DispatchGroup()
    for (index, port) in ports.enumerated() {
        group.enter()
        Thread.detachNewThread {
            for root in tables(forOLT: index) {
                // Through /usr/bin/time, which reports snmpbulkwalk's own CPU and peak RSS: a child
                // spawned straight from this process would inherit this process's high-water mark.
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/usr/bin/time")
                p.arguments = [
                    "-f", "%M %U %S", "/usr/bin/snmpbulkwalk", "-v2c", "-c", "public", "-m", "", "-On", "-Oq", "-t",
                    "5", "-r", "1",
                    "-Cr\(options.maxRepetitions)",
                    "127.0.0.1:\(port)", root.description,
                ]
                let out = Pipe()
                let err = Pipe()
                p.standardOutput = out
                p.standardError = err
                let t0 = now()
                try! p.run()
                let data = out.fileHandleForReading.readDataToEndOfFile()
                let timing = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                p.waitUntilExit()
                let fields = timing.split(whereSeparator: \.isWhitespace).suffix(3)
                let rss = Int(fields.first ?? "") ?? 0
                let cpu = fields.dropFirst().compactMap { Double($0) }.reduce(0, +)
                // Count bindings only: snmpbulkwalk also prints "No more variables left in this MIB View".
                let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
                    .filter { $0.hasPrefix(".") && !$0.contains("No more variables") }.count
                let elapsed = (now() - t0) * 1000
                totals.withLock { $0.append((lines, elapsed, cpu, rss)) }
            }
            group.leave()
        }
    }
    group.wait()
    result.wallSeconds = now() - start
    let all = totals.withLock { $0 }
    result.varbinds = all.reduce(0) { $0 + $1.varbinds }
    result.walkMilliseconds = all.map(\.milliseconds)
    result.walks = all.count
    result.cpuSeconds = all.reduce(0) { $0 + $1.cpu }
    result.peakRSSKilobytes = all.map(\.rss).max() ?? 0
    return result
}

var ours: [Result] = []
var theirs: [Result] = []
for round in 1...options.rounds {
    ours.append(try await pollWithClient())
    theirs.append(try pollWithSnmpbulkwalk())
    print(
        "round \(round): client \(ours.last!.varbinds) varbinds in \(String(format: "%.2f", ours.last!.wallSeconds)) s, snmpbulkwalk \(theirs.last!.varbinds) in \(String(format: "%.2f", theirs.last!.wallSeconds)) s"
    )
}
sim.terminate()
sim.waitUntilExit()

func medianBy(_ results: [Result], _ key: (Result) -> Double) -> Result {
    results.sorted { key($0) < key($1) }[results.count / 2]
}
let a = medianBy(ours, \.wallSeconds)
let b = medianBy(theirs, \.wallSeconds)
func f(_ v: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", v) }
print("")
print(
    "median of \(options.rounds) rounds, \(options.olts) OLTs × \(options.onus) ONUs, all OLTs in flight at once, max-repetitions \(options.maxRepetitions)"
)
print("tool              walks  varbinds  wall s  varbinds/s  CPU s  peak RSS MB  walk ms median  walk ms p95")
for r in [a, b] {
    print(
        r.name.padding(toLength: 16, withPad: " ", startingAt: 0) + "  "
            + [
                String(r.walks), String(r.varbinds), f(r.wallSeconds), f(Double(r.varbinds) / r.wallSeconds, 0),
                f(r.cpuSeconds),
                f(Double(r.peakRSSKilobytes) / 1024, 1), f(r.median, 1), f(r.p95, 1),
            ].joined(separator: "  "))
}
print("")
print(
    "ratio snmpbulkwalk / client: wall \(f(b.wallSeconds / a.wallSeconds))×, CPU \(f(b.cpuSeconds / max(a.cpuSeconds, 0.001)))×, median walk \(f(b.median / max(a.median, 0.001)))×"
)
if a.varbinds != b.varbinds {
    print("WARNING: the two pollers read different numbers of varbinds (\(a.varbinds) vs \(b.varbinds))")
}
