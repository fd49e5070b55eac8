import Foundation

/// `probe-bench`: the service probe against kernel PPP in one User-Mode Linux run, on the same
/// veth link and the same rp-pppoe server (scripts/uml-lab.sh --cases bench):
/// - PADI → IP address, ours vs Debian's pppd with the rp-pppoe plugin, timed on the wire by one
///   capture (`probe-bench capture`) for both, several runs each, medians;
/// - TCP throughput (iperf3, receiver's figure) through our session, through pppd's, and over the
///   plain veth, each way;
/// - the probe's CPU seconds per Mbit/s while its session carries iperf3, and its peak RSS.
///
/// Speeds inside UML are no absolute baseline (one virtual CPU, everything in one process);
/// the ratios on the same link are the figures. Prints them; `docs/benchmarks.md` keeps them.
@main
struct ProbeBench {
    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "capture" {
            func value(_ flag: String) throws -> String {
                guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else {
                    throw BenchError("probe-bench capture needs \(flag) VALUE")
                }
                return arguments[index + 1]
            }
            try WireCapture.run(
                interface: try value("--interface"), output: try value("--output"), ready: try value("--ready"))
            return
        }
        var runs = 5
        var seconds = 4
        var index = 0
        while index < arguments.count {
            switch arguments[index] {
            case "--runs" where index + 1 < arguments.count: runs = Int(arguments[index + 1]) ?? runs
            case "--seconds" where index + 1 < arguments.count: seconds = Int(arguments[index + 1]) ?? seconds
            default:
                throw BenchError(
                    "usage: probe-bench [--runs N] [--seconds S]  (or: probe-bench capture …, inside the lab)")
            }
            index += 2
        }
        try BenchRun(runs: runs, seconds: seconds).run()
    }
}

/// One benchmark: the lab booted with the bench case, then its files read and summarised.
struct BenchRun {
    var runs: Int
    var seconds: Int

    /// The executables beside this one (the same build directory).
    static let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent()
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func run() throws {
        let results = FileManager.default.temporaryDirectory.appendingPathComponent("ftth-probe-bench")
        let process = Process()
        process.executableURL = Self.root.appendingPathComponent("scripts/uml-lab.sh")
        process.arguments = [
            "--probe", Self.binDirectory.appendingPathComponent("ftth-probe").path,
            "--bench", Self.binDirectory.appendingPathComponent("probe-bench").path,
            "--results", results.path, "--cases", "bench",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["FTTH_LAB_BENCH_RUNS"] = String(runs)
        environment["FTTH_LAB_BENCH_SECONDS"] = String(seconds)
        process.environment = environment
        let started = Date()
        try process.run()
        process.waitUntilExit()
        let labSeconds = Date().timeIntervalSince(started)
        guard process.terminationStatus == 0 else {
            throw BenchError("the lab failed (exit \(process.terminationStatus)); its files are in \(results.path)")
        }
        let figures = try BenchFigures(directory: results)
        print(figures.report(labSeconds: labSeconds, runs: runs, seconds: seconds))
    }
}

/// The figures read from the lab's files.
struct BenchFigures {
    var oursWire: [Double] = []
    var pppdWire: [Double] = []
    var oursSelfReported: [Double] = []
    var throughput: [String: Double] = [:]
    var cpuSeconds: Double?
    var wallSeconds: Double?
    var peakRSSKilobytes: Int?

    init(directory: URL) throws {
        func text(_ name: String) -> String {
            (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
        }
        // Wire milestones and the start of each run: each run's PADI → second IPCP Configure-Ack.
        let wire = text("bench-wire.txt").split(separator: "\n").compactMap { line -> (Double, String)? in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let time = Double(parts[0]) else { return nil }
            return (time, String(parts[1]))
        }
        let starts = text("bench-runs.txt").split(separator: "\n").compactMap { line -> (String, Double)? in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let time = Double(parts[1]) else { return nil }
            return (String(parts[0]), time)
        }
        for (index, start) in starts.enumerated() {
            let end = index + 1 < starts.count ? starts[index + 1].1 : .infinity
            let window = wire.filter { $0.0 >= start.1 && $0.0 < end }
            guard let padi = window.first(where: { $0.1 == "PADI" })?.0 else { continue }
            let acks = window.filter { $0.1 == "IPCP-ACK" && $0.0 > padi }
            guard acks.count >= 2 else { continue }
            let milliseconds = (acks[1].0 - padi) * 1000
            if start.0 == "ours" { oursWire.append(milliseconds) } else { pppdWire.append(milliseconds) }
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        where name.hasPrefix("bench-ours-") && name.hasSuffix(".json") && !name.contains("iperf") {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let phases = object["phases"] as? [String: Any],
                let total = (phases["total_ms"] as? NSNumber)?.doubleValue
            else { continue }
            oursSelfReported.append(total)
        }
        for path in ["ours", "pppd", "veth"] {
            for direction in ["up", "down"] {
                let name = "bench-\(path)-\(direction).iperf.json"
                guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let end = object["end"] as? [String: Any],
                    let received = end["sum_received"] as? [String: Any],
                    let bits = (received["bits_per_second"] as? NSNumber)?.doubleValue
                else { continue }
                throughput["\(path)-\(direction)"] = bits / 1e6
            }
        }
        // /proc/PID/stat of the probe before and after its iperf3 runs: utime + stime (fields 14, 15).
        var ticks = 100.0
        var samples: [String: (time: Double, cpu: Double)] = [:]
        for line in text("bench-ours-cpu.txt").split(separator: "\n") {
            let parts = line.split(whereSeparator: \.isWhitespace)
            if parts.first == "clock_ticks", parts.count > 1 { ticks = Double(parts[1]) ?? ticks }
            if parts.first == "VmHWM:", parts.count > 1 { peakRSSKilobytes = Int(parts[1]) }
            if parts.first == "before" || parts.first == "after", parts.count > 2, let time = Double(parts[1]),
                let close = line.lastIndex(of: ")")
            {
                let fields = line[line.index(after: close)...].split(separator: " ")
                guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else {
                    continue
                }
                samples[String(parts[0])] = (time, user + system)
            }
        }
        if let before = samples["before"], let after = samples["after"] {
            cpuSeconds = (after.cpu - before.cpu) / ticks
            wallSeconds = after.time - before.time
        }
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    func report(labSeconds: Double, runs: Int, seconds: Int) -> String {
        func format(_ value: Double?, _ digits: Int = 1) -> String {
            value.map { String(format: "%.\(digits)f", $0) } ?? "—"
        }
        func ratio(_ a: Double?, _ b: Double?) -> String {
            guard let a, let b, b > 0 else { return "—" }
            return String(format: "%.2f×", a / b)
        }
        let ours = Self.median(oursWire)
        let pppd = Self.median(pppdWire)
        var lines = [
            "probe-bench: one User-Mode Linux run, \(format(labSeconds)) s; \(runs) dials each; iperf3 \(seconds) s per run",
            "PADI → IP (wire, median of \(oursWire.count)/\(pppdWire.count) runs): ours \(format(ours)) ms, "
                + "pppd + rp-pppoe plugin \(format(pppd)) ms, ratio \(ratio(ours, pppd)) (goal ≤ 1.0×)",
            "  ours, each run (ms): \(oursWire.map { format($0) }.joined(separator: " ")); "
                + "pppd: \(pppdWire.map { format($0) }.joined(separator: " "))",
            "  ours as the probe reports it (total_ms, median): \(format(Self.median(oursSelfReported))) ms",
        ]
        for direction in ["down", "up"] {
            let mine = throughput["ours-\(direction)"]
            let theirs = throughput["pppd-\(direction)"]
            lines.append(
                "TCP \(direction) (Mbit/s, receiver): ours \(format(mine)), pppd \(format(theirs)), "
                    + "plain veth \(format(throughput["veth-\(direction)"])); ours/pppd \(ratio(mine, theirs)) (goal ≥ 0.9×)"
            )
        }
        if let cpuSeconds, let wallSeconds, wallSeconds > 0 {
            let rates = ["ours-up", "ours-down"].compactMap { throughput[$0] }
            let meanRate = rates.isEmpty ? nil : rates.reduce(0, +) / Double(rates.count)
            let utilisation = cpuSeconds / wallSeconds
            lines.append(
                "probe CPU while carrying iperf3: \(format(cpuSeconds, 2)) s over \(format(wallSeconds)) s "
                    + "(\(format(utilisation * 100)) % of a CPU); per Mbit/s: "
                    + "\(meanRate.map { format(utilisation / $0, 5) } ?? "—") CPU-seconds per second per Mbit/s")
        }
        lines.append("ftth-probe peak RSS (VmHWM): \(peakRSSKilobytes.map { "\($0) kB" } ?? "—")")
        return lines.joined(separator: "\n")
    }
}
