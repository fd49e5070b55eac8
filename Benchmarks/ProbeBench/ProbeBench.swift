import Foundation

/// `probe-bench`: the service probe against kernel PPP in one User-Mode Linux run, on the same
/// veth link and the same rp-pppoe server (scripts/uml-lab.sh --cases bench):
/// - PADI → IP address, ours vs Debian's pppd with the rp-pppoe plugin, timed on the wire by one
///   capture (`probe-bench capture`) for both, several runs each, medians;
/// - TCP throughput (iperf3, receiver's figure) through our session and pppd's, both up side by
///   side and measured in turn (several rounds, medians), and over the plain veth, each way;
/// - the probe's CPU seconds per Mbit/s while its session carries iperf3, and its peak RSS.
///
/// Speeds inside UML are no absolute baseline (one virtual CPU, everything in one process);
/// the ratios on the same link are the figures. Prints them; `docs/benchmarks.md` keeps them.
@main
struct ProbeBench {
    static let usage =
        "usage: probe-bench [--runs N] [--seconds S] [--rounds R]  (or: probe-bench capture …, inside the lab)"

    /// Prints what failed instead of a crash trace: usage mistakes exit 2, a failed run 1.
    static func main() {
        do {
            try run(Array(CommandLine.arguments.dropFirst()))
        } catch let error as UsageError {
            FileHandle.standardError.write(Data("error: \(error.message)\n\(usage)\n".utf8))
            exit(2)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(1)
        }
    }

    struct UsageError: Error { var message: String }

    static func run(_ arguments: [String]) throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(usage)
            return
        }
        if arguments.first == "capture" {
            func value(_ flag: String) throws -> String {
                guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else {
                    throw UsageError(message: "probe-bench capture needs \(flag) VALUE")
                }
                return arguments[index + 1]
            }
            try WireCapture.run(
                interface: try value("--interface"), output: try value("--output"), ready: try value("--ready"))
            return
        }
        var runs = 5
        var seconds = 4
        var rounds = 3
        var index = 0
        while index < arguments.count {
            let flag = arguments[index]
            guard ["--runs", "--seconds", "--rounds"].contains(flag) else {
                throw UsageError(message: "unknown argument '\(flag)'")
            }
            guard index + 1 < arguments.count, let number = Int(arguments[index + 1]), number > 0 else {
                throw UsageError(message: "\(flag) needs a whole number above 0")
            }
            switch flag {
            case "--runs": runs = number
            case "--seconds": seconds = number
            default: rounds = number
            }
            index += 2
        }
        try BenchRun(runs: runs, seconds: seconds, rounds: rounds).run()
    }
}

/// One benchmark: the lab booted with the bench case, then its files read and summarised.
struct BenchRun {
    var runs: Int
    var seconds: Int
    var rounds: Int

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
        environment["FTTH_LAB_BENCH_ROUNDS"] = String(rounds)
        process.environment = environment
        let started = Date()
        try process.run()
        process.waitUntilExit()
        let labSeconds = Date().timeIntervalSince(started)
        guard process.terminationStatus == 0 else {
            throw BenchError("the lab failed (exit \(process.terminationStatus)); its files are in \(results.path)")
        }
        let figures = try BenchFigures(directory: results)
        print(figures.report(labSeconds: labSeconds, runs: runs, seconds: seconds, rounds: rounds))
    }
}

/// The figures read from the lab's files.
struct BenchFigures {
    var oursWire: [Double] = []
    var pppdWire: [Double] = []
    var oursSelfReported: [Double] = []
    /// Mbit/s by path and direction ("ours-up"): one figure per round (the veth: one).
    var throughput: [String: [Double]] = [:]
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
        func megabits(_ name: String) -> Double? {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let end = object["end"] as? [String: Any],
                let received = end["sum_received"] as? [String: Any],
                let bits = (received["bits_per_second"] as? NSNumber)?.doubleValue
            else { return nil }
            return bits / 1e6
        }
        for direction in ["up", "down"] {
            for path in ["ours", "pppd"] {
                // Rounds in order, until the first one missing.
                var figures: [Double] = []
                while let figure = megabits("bench-\(path)-\(direction)-\(figures.count + 1).iperf.json") {
                    figures.append(figure)
                }
                throughput["\(path)-\(direction)"] = figures
            }
            throughput["veth-\(direction)"] = megabits("bench-veth-\(direction).iperf.json").map { [$0] } ?? []
        }
        // /proc/PID/stat of the probe before and after each of its iperf3 runs: utime + stime
        // (fields 14, 15), summed over the runs.
        var ticks = 100.0
        var before: (time: Double, cpu: Double)?
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
                if parts[0] == "before" {
                    before = (time, user + system)
                } else if let start = before {
                    cpuSeconds = (cpuSeconds ?? 0) + (user + system - start.cpu)
                    wallSeconds = (wallSeconds ?? 0) + (time - start.time)
                    before = nil
                }
            }
        }
        cpuSeconds = cpuSeconds.map { $0 / ticks }
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    func report(labSeconds: Double, runs: Int, seconds: Int, rounds: Int) -> String {
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
            "probe-bench: one User-Mode Linux run, \(format(labSeconds)) s; \(runs) dials each; iperf3 \(seconds) s "
                + "per run, \(rounds) rounds through each session in turn",
            "PADI → IP (wire, median of \(oursWire.count)/\(pppdWire.count) runs): ours \(format(ours)) ms, "
                + "pppd + rp-pppoe plugin \(format(pppd)) ms, ratio \(ratio(ours, pppd)) (goal ≤ 1.0×)",
            "  ours, each run (ms): \(oursWire.map { format($0) }.joined(separator: " ")); "
                + "pppd: \(pppdWire.map { format($0) }.joined(separator: " "))",
            "  ours as the probe reports it (total_ms, median): \(format(Self.median(oursSelfReported))) ms",
        ]
        for direction in ["down", "up"] {
            let mine = throughput["ours-\(direction)"] ?? []
            let theirs = throughput["pppd-\(direction)"] ?? []
            lines.append(
                "TCP \(direction) (Mbit/s, receiver, median of \(mine.count)/\(theirs.count) rounds): "
                    + "ours \(format(Self.median(mine))), pppd \(format(Self.median(theirs))), plain veth "
                    + "\(format(Self.median(throughput["veth-\(direction)"] ?? []))); ours/pppd "
                    + "\(ratio(Self.median(mine), Self.median(theirs))) (goal ≥ 0.9×)")
            lines.append(
                "  each round, ours / pppd: "
                    + zip(mine, theirs).map { "\(format($0)) / \(format($1)) (\(ratio($0, $1)))" }
                    .joined(separator: ", "))
        }
        if let cpuSeconds, let wallSeconds, wallSeconds > 0 {
            let rates = ["ours-up", "ours-down"].compactMap { (throughput[$0]).flatMap { Self.mean($0) } }
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
