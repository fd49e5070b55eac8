// Measures the daemon's port-test throughput end to end: olt-sim serves N simulated OLTs over
// Telnet with a latency per CLI command and an ONU registration time, ftth-acceptd runs every
// port test at once through its HTTP API, and the benchmark prints ports tested per minute, the
// lower bound the simulated latencies allow (with its derivation), the daemon's peak RSS and CPU,
// and the CLI commands olt-sim received. Figures: docs/benchmarks.md.
//
//   swift build -c release
//   .build/release/engine-bench --olts 4 --ports 200 --latency-ms 150 --registration-s 5
import Foundation
import ProcessLab

let options: BenchOptions
do {
    options = try BenchOptions(CommandLine.arguments)
} catch {
    FileHandle.standardError.write(Data("engine-bench: \(error)\n".utf8))
    exit(2)
}

/// Progress, to standard error; the figures go to standard output.
func note(_ line: String) { FileHandle.standardError.write(Data("· \(line)\n".utf8)) }

/// Runs a tool to its end and returns its standard output; throws with its words when it fails.
func runTool(_ path: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw BenchError(
            "\(path) \(arguments.joined(separator: " ")) failed: \(String(decoding: errors, as: UTF8.self))")
    }
    return String(decoding: output, as: UTF8.self)
}

/// olt-sim's `cli-stats` line for one OLT.
struct SimStatistics: Decodable {
    struct Counts: Decodable {
        var sessionsOpened: Int
        var sessionsRefused: Int
        var peakSessions: Int
        var commands: [String: Int]
    }
    var olt: String
    var statistics: Counts
}

/// Asks olt-sim for its counts (SIGUSR1) and waits for one line per OLT.
func simStatistics(_ sim: LabProcess, olts: Int) async throws -> [String: SimStatistics.Counts] {
    func lines() -> [Substring] { sim.standardOutput.split(separator: "\n").filter { $0.hasPrefix("cli-stats ") } }
    let before = lines().count
    sim.send(SIGUSR1)
    try await sim.waitFor("its cli-stats", timeout: 10) { _ in lines().count >= before + olts }
    var result: [String: SimStatistics.Counts] = [:]
    for line in lines().suffix(olts) {
        let s = try JSONDecoder().decode(SimStatistics.self, from: Data(line.dropFirst("cli-stats ".count).utf8))
        result[s.olt] = s.statistics
    }
    return result
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func f(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }

func megabytes(_ kilobytes: Int) -> String { f(Double(kilobytes) / 1024) + " MB" }

/// The machine, for the record: cores and CPU model.
func machine() -> String {
    let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
        .first { $0.hasPrefix("model name") }?.split(separator: ":", maxSplits: 1).last?
        .trimmingCharacters(in: .whitespaces)
    return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu ?? "unknown CPU")"
}

let city = BenchCity(
    olts: options.olts, ports: options.ports, dialects: options.dialects, faultEvery: options.faultEvery)
let work =
    options.workDirectory
    ?? FileManager.default.temporaryDirectory.appendingPathComponent("engine-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
let simConfig = "\(work)/olt-sim.toml"
let projectFile = "\(work)/project.csv"
let daemonConfig = "\(work)/ftth-acceptd.toml"
let store = "\(work)/store.sqlite"
let portsFile = "\(work)/olt-sim.ports"
try city.simulatorTOML(
    latencyMilliseconds: options.latencyMilliseconds, registrationSeconds: options.registrationSeconds,
    maxSessions: options.simSessions
).write(toFile: simConfig, atomically: true, encoding: .utf8)
try city.projectCSV.write(toFile: projectFile, atomically: true, encoding: .utf8)

// 1. The simulated OLTs, each with a Telnet CLI on a port olt-sim picks.
note("starting olt-sim: \(options.olts) OLTs, \(options.ports) test ONTs")
let sim = try LabProcess(
    "olt-sim", path: options.simulator, arguments: ["--config", simConfig, "--ports-file", portsFile])
var daemon: LabProcess?
func stopAll() async {
    await daemon?.stop()
    await sim.stop()
}

do {
    try await sim.waitFor("\"olt-sim ready\"", timeout: 120) { $0.standardOutput.contains("olt-sim ready") }
    var telnetPorts: [String: Int] = [:]
    for line in try String(contentsOfFile: portsFile, encoding: .utf8).split(separator: "\n")
    where line.hasPrefix("cli ") {
        let words = line.split(separator: " ")
        if let telnet = words.first(where: { $0.hasPrefix("telnet=") }), let port = Int(telnet.dropFirst(7)) {
            telnetPorts[String(words[1])] = port
        }
    }

    // 2. The daemon's configuration, the project and a crew token in its store.
    let apiPort = try freeTCPPort()
    try city.daemonTOML(store: store, apiPort: apiPort, telnetPorts: telnetPorts, options: options)
        .write(toFile: daemonConfig, atomically: true, encoding: .utf8)
    note(
        try runTool(options.ctl, ["import", "projects", "--config", daemonConfig, "--store", store, projectFile])
            .trimmingCharacters(in: .whitespacesAndNewlines))
    let token = try runTool(
        options.ctl,
        ["token", "create", "--config", daemonConfig, "--store", store, "--name", "bench", "--role", "crew"]
    ).trimmingCharacters(in: .whitespacesAndNewlines)
    if options.viewers > 0 {
        _ = try runTool(
            options.ctl,
            ["account", "create", "--config", daemonConfig, "--store", store, "--name", "viewer", "--role", "crew"])
    }

    // 3. The daemon: ready once its API accepts connections and the engine has reconciled the
    //    OLTs with the store (that reads every PON port; it is start-up, not the benchmark).
    note("starting ftth-acceptd on API port \(apiPort)")
    let acceptd = try LabProcess(
        "ftth-acceptd", path: options.daemon, arguments: ["--config", daemonConfig],
        environment: ["BENCH_OLT_PASSWORD": "admin"])
    daemon = acceptd
    try await acceptd.waitFor("its API and reconciliation", timeout: 300) {
        acceptsTCP(port: apiPort) && $0.standardError.contains("reconciled the OLTs")
    }
    let simBefore = try await simStatistics(sim, olts: options.olts)
    let daemonCPUBefore = acceptd.cpuSeconds()
    let simCPUBefore = sim.cpuSeconds()

    // 4. Every port test at once, as crews would start them, then poll until each has ended.
    let api = BenchAPI(port: apiPort, token: token)
    let clock = ContinuousClock()
    note("starting \(options.ports) port tests")
    let start = clock.now
    let runs: [Int64: String] = try await withThrowingTaskGroup(of: (Int64, String).self) { group in
        for (olt, port) in city.ports {
            group.addTask {
                let run = try await api.startTest(
                    project: BenchCity.projectCode, splitter: port.splitter, port: port.number, serial: port.serial)
                return (run.id, olt.name)
            }
        }
        var all: [Int64: String] = [:]
        for try await (id, olt) in group { all[id] = olt }
        return all
    }
    let posted = clock.now - start
    // The live views, opened as soon as the runs exist, as crews would open their test's page.
    var viewers: LiveViewers?
    if options.viewers > 0 {
        let link = try runTool(
            options.ctl,
            [
                "account", "code", "--config", daemonConfig, "--store", store, "--name", "viewer", "--base-url",
                "http://127.0.0.1:\(apiPort)",
            ]
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        let cookie = try LiveViewers.signIn(port: apiPort, code: String(link.split(separator: "/").last ?? ""))
        viewers = try LiveViewers(port: apiPort, cookie: cookie, runIDs: runs.keys.sorted(), count: options.viewers)
        note("\(options.viewers) live views open on \(runs.count) runs")
    }
    var ended: [Int64: BenchAPI.Run] = [:]
    var endedAt: [Int64: Duration] = [:]
    var gets = 0
    while ended.count < runs.count {
        guard clock.now - start < .seconds(3600) else { throw BenchError("runs still active after an hour") }
        try await Task.sleep(for: .seconds(options.apiPollSeconds))
        let active = runs.keys.filter { ended[$0] == nil }
        let seen = try await withThrowingTaskGroup(of: BenchAPI.Run.self) { group in
            for id in active { group.addTask { try await api.test(id) } }
            var all: [BenchAPI.Run] = []
            for try await run in group { all.append(run) }
            return all
        }
        gets += active.count
        let now = clock.now - start
        for run in seen where !run.active {
            ended[run.id] = run
            endedAt[run.id] = now
        }
        note("\(ended.count)/\(runs.count) ended after \(f(seconds(now))) s")
    }
    let wall = seconds(endedAt.values.max() ?? .zero)

    // 5. Memory and CPU, read before anything stops; what olt-sim received meanwhile.
    let daemonMemory = acceptd.memory()
    let daemonCPU = acceptd.cpuSeconds()
    let simMemory = sim.memory()
    let simCPU = sim.cpuSeconds()
    let simAfter = try await simStatistics(sim, olts: options.olts)
    let tally = viewers?.finish()
    try acceptd.standardError.write(toFile: "\(work)/ftth-acceptd.log", atomically: true, encoding: .utf8)
    await stopAll()

    // 6. The figures.
    let all = Array(ended.values)
    let passed = all.filter { $0.step == "finished" && ($0.outcome ?? "").hasPrefix("line pass") }.count
    let failedLine = all.filter { $0.step == "finished" && !($0.outcome ?? "").hasPrefix("line pass") }.count
    let errored = all.filter { $0.step == "failed" }
    let cancelled = all.filter { $0.step == "cancelled" }.count
    let perMinute = Double(runs.count) / wall * 60
    let latency = Double(options.latencyMilliseconds) / 1000
    let registration = Double(options.registrationSeconds)
    let parallel = min(options.sessions, options.simSessions, options.concurrency)

    print("engine-bench \(CommandLine.arguments.dropFirst().joined(separator: " "))")
    print("machine: \(machine())")
    print(
        "city: \(options.olts) OLTs (\(city.olts.map(\.dialect).joined(separator: ", "))), \(runs.count) ports, CLI over Telnet, \(options.latencyMilliseconds) ms per command, registration \(options.registrationSeconds) s"
    )
    print(
        "daemon: max_cli_sessions \(options.sessions), max_concurrent_per_olt \(options.concurrency), poll_s \(options.pollSeconds); olt-sim max_sessions \(options.simSessions)"
    )
    print("")
    print("results")
    print(
        "  port tests ended: \(all.count) — line pass \(passed), line fail \(failedLine), errored \(errored.count), cancelled \(cancelled)"
    )
    for run in errored.prefix(5) { print("    errored run \(run.id): \(run.outcome ?? "")") }
    print(
        "  wall time, first POST to last end seen: \(f(wall)) s (the \(runs.count) POSTs took \(f(seconds(posted), 2)) s; ends seen every \(f(options.apiPollSeconds, 1)) s, \(gets) GETs)"
    )
    print("  throughput: \(f(perMinute)) ports fully tested per minute")
    let durations = endedAt.values.map(seconds).sorted()
    print(
        "  each run's end seen, from the first POST: first \(f(durations.first ?? 0)) s, median \(f(durations[durations.count / 2])) s, last \(f(durations.last ?? 0)) s"
    )
    let dUser = daemonCPU.user - daemonCPUBefore.user
    let dSystem = daemonCPU.system - daemonCPUBefore.system
    print(
        "  ftth-acceptd: peak RSS (VmHWM) \(megabytes(daemonMemory.peakKilobytes)), RSS at the end \(megabytes(daemonMemory.currentKilobytes)); CPU during the run \(f(dUser + dSystem, 2)) s (user \(f(dUser, 2)), system \(f(dSystem, 2))), \(f((dUser + dSystem) / wall * 100)) % of one core; since start \(f(daemonCPU.user + daemonCPU.system, 2)) s"
    )
    if let tally {
        let sorted = tally.events.sorted()
        print(
            "  live views: \(options.viewers) opened (GET /runs/{id}/events, \(f(Double(options.viewers) / Double(runs.count), 1)) per run), \(tally.streaming) streaming, \(tally.failed.count) refused or cut off; progress events received: \(tally.events.reduce(0, +)) in all, per view min \(sorted.first ?? 0) / median \(sorted[sorted.count / 2]) / max \(sorted.last ?? 0); \(megabytes(tally.bytes / 1024)) read"
        )
        for problem in tally.failed.prefix(5) { print("    \(problem)") }
    }
    let sUser = simCPU.user - simCPUBefore.user
    let sSystem = simCPU.system - simCPUBefore.system
    print(
        "  olt-sim: peak RSS \(megabytes(simMemory.peakKilobytes)); CPU during the run \(f(sUser + sSystem, 2)) s"
    )

    // What olt-sim received during the run, per OLT.
    print("")
    print("CLI commands olt-sim received during the run")
    print("  OLT           dialect        ports  commands  per port  polls/port  sessions opened  peak open")
    var commandsByOLT: [String: Int] = [:]
    var kindsByDialect: [String: [String: Int]] = [:]
    var portsByDialect: [String: Int] = [:]
    for olt in city.olts {
        let model = CommandModel.of(dialect: olt.dialect)
        let before = simBefore[olt.name]
        let after = simAfter[olt.name]
        var kinds: [String: Int] = [:]
        for (kind, n) in after?.commands ?? [:] { kinds[kind] = n - (before?.commands[kind] ?? 0) }
        kinds = kinds.filter { $0.value > 0 }
        let total = kinds.values.reduce(0, +)
        commandsByOLT[olt.name] = total
        kindsByDialect[model.dialect, default: [:]].merge(kinds, uniquingKeysWith: +)
        let n = olt.ports.count
        portsByDialect[model.dialect, default: 0] += n
        let polls = Double((kinds[model.pollKind.kind] ?? 0) - model.pollKind.others * n) / Double(n)
        let opened = (after?.sessionsOpened ?? 0) - (before?.sessionsOpened ?? 0)
        print(
            "  "
                + [
                    olt.name.padding(toLength: 13, withPad: " ", startingAt: 0),
                    olt.dialect.padding(toLength: 14, withPad: " ", startingAt: 0),
                    String(n).leftPadded(5), String(total).leftPadded(9), f(Double(total) / Double(n)).leftPadded(9),
                    f(polls).leftPadded(11), String(opened).leftPadded(16),
                    String(after?.peakSessions ?? 0).leftPadded(10),
                ].joined(separator: " "))
        if let refused = after?.sessionsRefused, refused > 0 {
            print("    \(refused) sessions refused (olt-sim's cap)")
        }
    }
    for (dialect, kinds) in kindsByDialect.sorted(by: { $0.key < $1.key }) {
        let n = Double(portsByDialect[dialect] ?? 1)
        let list = kinds.sorted { $0.value > $1.value }.map { "\($0.key) \(f(Double($0.value) / n, 2))" }
        print("  \(dialect) per port: " + list.joined(separator: ", "))
    }

    // The lower bound and its derivation.
    print("")
    print("lower bound the simulated latencies allow")
    for model in [CommandModel.huawei, CommandModel.zte] where portsByDialect[model.dialect] != nil {
        print(
            "  \(model.dialect) port test, counted from the drivers: provision \(model.provision) commands (\(model.provisionUntilAdded.count) until the ONU is configured: \(model.provisionUntilAdded.joined(separator: "; "))), at least \(model.poll.count) run-state poll, read \(model.read.count) (\(model.read.joined(separator: "; "))) = \(model.minimumPerPort); session set-up \(model.sessionSetup.count), once per session"
        )
    }
    print(
        "  CLI commands in flight per OLT: min(max_cli_sessions \(options.sessions), olt-sim max_sessions \(options.simSessions), max_concurrent_per_olt \(options.concurrency)) = \(parallel)"
    )
    var critical = 0.0
    for model in [CommandModel.huawei, CommandModel.zte] where portsByDialect[model.dialect] != nil {
        let path =
            Double(model.provisionUntilAdded.count + model.poll.count + model.read.count) * latency + registration
        print(
            "  critical path of one \(model.dialect) port: (\(model.provisionUntilAdded.count) + \(model.poll.count) + \(model.read.count)) × \(f(latency, 2)) s + \(f(registration, 0)) s registration = \(f(path, 2)) s"
        )
        critical = max(critical, path)
    }
    var busiest = 0.0
    var workSent = 0.0
    for olt in city.olts {
        let model = CommandModel.of(dialect: olt.dialect)
        let n = olt.ports.count
        let minimum = Double(n * model.minimumPerPort) * latency / Double(parallel)
        let sent = Double(commandsByOLT[olt.name] ?? 0) * latency / Double(parallel)
        print(
            "  \(olt.name): \(n) ports × \(model.minimumPerPort) commands × \(f(latency, 2)) s / \(parallel) = \(f(minimum)) s (with the \(commandsByOLT[olt.name] ?? 0) commands actually sent: \(f(sent)) s; sessions busy \(f(sent / wall * 100)) % of the wall time)"
        )
        busiest = max(busiest, minimum)
        workSent = max(workSent, sent)
    }
    let bound = max(critical, busiest)
    print(
        "  lower bound = max(critical path \(f(critical, 2)) s, busiest OLT's work \(f(busiest)) s) = \(f(bound)) s → \(f(Double(runs.count) / bound * 60)) ports/min"
    )
    print(
        "  measured \(f(wall)) s / bound \(f(bound)) s = \(f(wall / bound, 2))×; against the floor of the commands actually sent (\(f(max(critical, workSent))) s): \(f(wall / max(critical, workSent), 2))×"
    )
    if !options.keep && options.workDirectory == nil { try? FileManager.default.removeItem(atPath: work) }
} catch {
    FileHandle.standardError.write(Data("engine-bench: \(error)\n(work directory kept: \(work))\n".utf8))
    if let daemon {
        try? daemon.standardError.write(toFile: "\(work)/ftth-acceptd.log", atomically: true, encoding: .utf8)
    }
    await stopAll()
    exit(1)
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
