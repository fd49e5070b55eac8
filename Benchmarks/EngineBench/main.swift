// Measures the daemon's port-test throughput end to end: olt-sim serves N simulated OLTs over
// Telnet with a latency per CLI command and an ONU registration time, ftth-acceptd runs every
// port test at once through its HTTP API, and the benchmark prints ports tested per minute, the
// lower bound the simulated latencies allow (with its derivation), the daemon's peak RSS and CPU,
// and the CLI commands olt-sim received. With `--store postgres` the daemons (`--daemons`, 1 to
// 3) share a PostgreSQL server the benchmark starts, and the OLTs' limits with it; `--kill`
// SIGKILLs the first daemon while the runs are under way and times until another daemon executes
// each run it held. Figures: docs/benchmarks.md.
//
//   swift build -c release --product P    (P: ftth-acceptd, ftthctl, olt-sim, engine-bench)
//   .build/release/engine-bench --olts 4 --ports 200 --latency-ms 150 --registration-s 5
//   .build/release/engine-bench --store postgres --daemons 2 --kill
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
var daemons: [BenchDaemon] = []
@MainActor func stopAll() async {
    for daemon in daemons { await daemon.process?.stop() }
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

    // 2. The store, each daemon's configuration, the project and a crew token in the store.
    if options.store == .postgres { note("starting a PostgreSQL server of the benchmark's own") }
    let store = try await BenchStore(options.store, work: work)
    for index in 0..<options.daemons {
        let name = options.store == .postgres ? "bench-\(index + 1)" : "ftth-acceptd"
        let daemon = BenchDaemon(name: name, configuration: "\(work)/\(name).toml", apiPort: try freeTCPPort())
        try city.daemonTOML(
            store: store.table, apiPort: daemon.apiPort, telnetPorts: telnetPorts, options: options,
            clusterName: options.store == .postgres ? name : nil
        ).write(toFile: daemon.configuration, atomically: true, encoding: .utf8)
        daemons.append(daemon)
    }
    /// ftthctl on the store, with the first daemon's configuration (the others name the same store).
    func ctl(_ arguments: [String]) throws -> String {
        try runTool(options.ctl, arguments + ["--config", daemons[0].configuration] + store.ctlArguments)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    note(try ctl(["import", "projects", projectFile]))
    let token = try ctl(["token", "create", "--name", "bench", "--role", "crew"])
    if options.viewers > 0 { _ = try ctl(["account", "create", "--name", "viewer", "--role", "crew"]) }

    // 3. The daemons, started together: each is ready once its API accepts connections and its
    //    engine has reconciled the OLTs with the store (that reads every PON port; it is
    //    start-up, not the benchmark).
    for daemon in daemons {
        note("starting \(daemon.name) on API port \(daemon.apiPort)")
        daemon.process = try LabProcess(
            daemon.name, path: options.daemon, arguments: ["--config", daemon.configuration],
            environment: ["BENCH_OLT_PASSWORD": "admin"])
        daemon.api = BenchAPI(port: daemon.apiPort, token: token)
    }
    for daemon in daemons {
        try await daemon.process!.waitFor("its API and reconciliation", timeout: 300) {
            acceptsTCP(port: daemon.apiPort) && $0.standardError.contains("reconciled the OLTs")
        }
    }
    let simBefore = try await simStatistics(sim, olts: options.olts)
    for daemon in daemons { daemon.cpuBefore = daemon.process!.cpuSeconds() }
    let simCPUBefore = sim.cpuSeconds()
    let storeCPUBefore = store.serverCPUSeconds()
    let transactionsBefore = store.transactions()

    // 4. Every port test at once, as crews would start them, through each daemon in turn; then
    //    poll until each has ended.
    let apis = daemons.map { $0.api! }
    let clock = ContinuousClock()
    note("starting \(options.ports) port tests through \(daemons.count) daemon(s)")
    let start = clock.now
    // A start the daemon refuses is counted and its answer kept: it is a figure, not the
    // benchmark's failure.
    let (runs, refusedStarts, startTimes) = await withTaskGroup(of: (Int64?, Int, String?, Duration).self) {
        group in
        for (index, (_, port)) in city.ports.enumerated() {
            let through = index % apis.count
            group.addTask {
                let sent = clock.now
                do {
                    let run = try await apis[through].startTest(
                        project: BenchCity.projectCode, splitter: port.splitter, port: port.number,
                        serial: port.serial)
                    return (run.id, through, nil, clock.now - sent)
                } catch {
                    return (nil, through, "\(error)", clock.now - sent)
                }
            }
        }
        var all: [Int64: Int] = [:]
        var refused: [String] = []
        var times: [Double] = []
        for await (id, through, problem, took) in group {
            if let id { all[id] = through }
            if let problem { refused.append(problem) }
            times.append(seconds(took))
        }
        return (all, refused, times.sorted())
    }
    let posted = clock.now - start
    guard !runs.isEmpty else { throw BenchError("every start was refused: \(refusedStarts.first ?? "")") }
    if !refusedStarts.isEmpty { note("\(refusedStarts.count) starts refused, the first: \(refusedStarts[0])") }
    // The live views, opened as soon as the runs exist, as crews would open their test's page,
    // on the last daemon (the first is the one a kill ends).
    var viewers: LiveViewers?
    if options.viewers > 0 {
        let viewed = daemons[daemons.count - 1].apiPort
        let link = try ctl(["account", "code", "--name", "viewer", "--base-url", "http://127.0.0.1:\(viewed)"])
        let cookie = try LiveViewers.signIn(port: viewed, code: String(link.split(separator: "/").last ?? ""))
        viewers = try LiveViewers(port: viewed, cookie: cookie, runIDs: runs.keys.sorted(), count: options.viewers)
        note("\(options.viewers) live views open on \(runs.count) runs")
    }
    var ended: [Int64: BenchAPI.Run] = [:]
    var endedAt: [Int64: Duration] = [:]
    var gets = 0
    var watch: TakeoverWatch?
    var victim: BenchDaemon?
    while ended.count < runs.count {
        guard clock.now - start < .seconds(3600) else { throw BenchError("runs still active after an hour") }
        // The kill, when it falls due before the next look.
        if let after = options.killAfterSeconds, victim == nil {
            let due = start + .milliseconds(Int64(after * 1000))
            if due < clock.now + .seconds(options.apiPollSeconds) {
                if due > clock.now { try await Task.sleep(until: due) }
                let daemon = daemons[0]
                daemon.readFigures()
                let killed = clock.now
                let killedAt = Date()
                daemon.process!.crash()
                daemon.killedAfter = seconds(killed - start)
                victim = daemon
                watch = try TakeoverWatch(store: store, victim: daemon.name, killed: killed, killedAt: killedAt)
                note("SIGKILLed \(daemon.name) \(f(seconds(killed - start))) s after the first POST")
            }
        }
        try await Task.sleep(for: .seconds(options.apiPollSeconds))
        let active = runs.keys.filter { ended[$0] == nil }
        let alive = daemons.filter { $0.killedAfter == nil }.map { $0.api! }
        let seen = try await withThrowingTaskGroup(of: BenchAPI.Run.self) { group in
            for (index, id) in active.enumerated() {
                group.addTask { try await alive[index % alive.count].test(id) }
            }
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
    for daemon in daemons where daemon.killedAfter == nil { daemon.readFigures() }
    let simMemory = sim.memory()
    let simCPU = sim.cpuSeconds()
    let storeCPU = store.serverCPUSeconds()
    let simAfter = try await simStatistics(sim, olts: options.olts)
    let tally = viewers?.finish()
    // Every run of the dead daemon has ended, so each was taken; the watch's last read may lag.
    for _ in 0..<40 where watch?.isDone == false { try await Task.sleep(for: .milliseconds(100)) }
    let takeover = watch?.finish()
    let logs = daemons.map { $0.saveLog(in: work) }
    await stopAll()
    // After the daemons closed their connections, each of which reported its counts as it closed.
    let transactionsAfter = store.transactions()

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
        "daemon: max_cli_sessions \(options.sessions), max_concurrent_per_olt \(options.concurrency), poll_s \(options.pollSeconds), command_timeout_s \(options.commandTimeoutSeconds); olt-sim max_sessions \(options.simSessions)"
    )
    print("store: \(store.description)")
    if options.store == .postgres {
        print(
            "cluster: \(daemons.count) daemon(s) (\(daemons.map(\.name).joined(separator: ", "))), lease_s \(options.leaseSeconds), poll_s \(options.clusterPollSeconds), max_runs \(options.maxRuns); the port tests started through each in turn"
        )
    }
    print("")
    print("results")
    print(
        "  port tests ended: \(all.count) — line pass \(passed), line fail \(failedLine), errored \(errored.count), cancelled \(cancelled)"
    )
    for run in errored.prefix(5) { print("    errored run \(run.id): \(run.outcome ?? "")") }
    if !refusedStarts.isEmpty {
        print(
            "  starts refused by the API: \(refusedStarts.count) of \(city.ports.count) (those ports were not tested)"
        )
        for problem in refusedStarts.prefix(3) { print("    \(problem)") }
    }
    print(
        "  wall time, first POST to last end seen: \(f(wall)) s (the \(runs.count) POSTs took \(f(seconds(posted), 2)) s; ends seen every \(f(options.apiPollSeconds, 1)) s, \(gets) GETs)"
    )
    print(
        "  each POST …/tests answered after: median \(f(startTimes[startTimes.count / 2], 2)) s, slowest \(f(startTimes.last ?? 0, 2)) s"
    )
    print(
        "  throughput: \(f(perMinute)) ports fully tested per minute\(victim == nil ? "" : ", the takeover's wait included")"
    )
    let durations = endedAt.values.map(seconds).sorted()
    print(
        "  each run's end seen, from the first POST: first \(f(durations.first ?? 0)) s, median \(f(durations[durations.count / 2])) s, last \(f(durations.last ?? 0)) s"
    )
    for (index, daemon) in daemons.enumerated() {
        let cpu = daemon.cpuDuringRun
        let span = daemon.killedAfter ?? wall
        let started = runs.values.filter { $0 == index }.count
        let tookOver = logs[index].split(separator: "\n").filter { $0.contains("took over run") }.count
        let label = daemons.count == 1 ? "ftth-acceptd" : "ftth-acceptd \(daemon.name)"
        print(
            "  \(label): \(started) tests started through it\(options.store == .postgres ? ", \(tookOver) runs taken over" : ""); peak RSS (VmHWM) \(megabytes(daemon.memoryAtEnd.peakKilobytes)), RSS at the end \(megabytes(daemon.memoryAtEnd.currentKilobytes)); CPU during the run \(f(cpu.user + cpu.system, 2)) s (user \(f(cpu.user, 2)), system \(f(cpu.system, 2))), \(f((cpu.user + cpu.system) / span * 100)) % of one core; since start \(f(daemon.cpuAtEnd.user + daemon.cpuAtEnd.system, 2)) s\(daemon.killedAfter.map { " (SIGKILLed at \(f($0)) s: figures until then)" } ?? "")"
        )
    }
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
    if let storeCPU, let storeCPUBefore {
        var line =
            "  PostgreSQL: CPU during the run \(f(storeCPU - storeCPUBefore, 2)) s (server and backends), \(f((storeCPU - storeCPUBefore) / wall * 100)) % of one core"
        if let before = transactionsBefore, let after = transactionsAfter {
            let committed = after.committed - before.committed
            line +=
                "; transactions committed \(committed) (\(f(Double(committed) / Double(runs.count))) per port test), rolled back \(after.rolledBack - before.rolledBack) (to the daemons' stop)"
        }
        print(line)
    }

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
    // The limit holds across the cluster: olt-sim accepts more sessions than the daemons may open.
    let peak = simAfter.values.map(\.peakSessions).max() ?? 0
    let refused = simAfter.values.map(\.sessionsRefused).reduce(0, +)
    print(
        "  peak sessions open on one OLT (olt-sim's count since it started, the daemons' start-up included): \(peak), against max_cli_sessions \(options.sessions)\(daemons.count > 1 ? " counted across the \(daemons.count) daemons" : ""): \(peak <= options.sessions ? "within the limit" : "OVER THE LIMIT"); sessions refused by olt-sim (its max_sessions \(options.simSessions)): \(refused)"
    )

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
    if daemons.count > 1 {
        print(
            "  the \(daemons.count) daemons share these limits (permits in the store), so the bound is the same as one daemon's"
        )
    }
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

    if let takeover, let victim {
        printTakeover(takeover, victim: victim, runs: runs, endedAt: endedAt, errored: errored)
    }
    if !options.keep && options.workDirectory == nil { try? FileManager.default.removeItem(atPath: work) }
} catch {
    FileHandle.standardError.write(Data("engine-bench: \(error)\n(work directory kept: \(work))\n".utf8))
    for daemon in daemons { daemon.saveLog(in: work) }
    await stopAll()
    exit(1)
}

/// What became of the runs of the SIGKILLed daemon, and how long they waited.
func printTakeover(
    _ report: TakeoverWatch.Report, victim: BenchDaemon, runs: [Int64: Int], endedAt: [Int64: Duration],
    errored: [BenchAPI.Run]
) {
    print("")
    print("takeover after SIGKILL of \(victim.name) at \(f(victim.killedAfter ?? 0)) s")
    print(
        "  it held \(report.runs.count) runs under way (of the \(runs.values.filter { $0 == 0 }.count) started through it) and \(report.permits.count) OLT slots: \(report.permits.filter { $0.kind == "cli-session" }.count) CLI session permits, \(report.permits.filter { $0.kind == "olt-work" }.count) olt-work permits (max_concurrent_per_olt)"
    )
    guard !report.runs.isEmpty else { return }
    let leases = report.leaseEnds.sorted()
    print(
        "  its leases ran out \(f(leases.first ?? 0)) to \(f(leases.last ?? 0)) s after the kill (its last renewal + lease_s \(options.leaseSeconds); renewed every lease_s / 3)"
    )
    if let permitEnd = report.permits.map(\.endsAfter).max() {
        print("  its permits ran out by \(f(permitEnd)) s after the kill; until then its slots stayed taken")
    }
    let taken = report.taken.map(\.after)
    let byDaemon = Dictionary(grouping: report.taken, by: \.by).mapValues(\.count).sorted { $0.key < $1.key }
    print(
        "  taken over: \(taken.count) of \(report.runs.count) (\(byDaemon.map { "\($0.key) \($0.value)" }.joined(separator: ", "))), seen by reading run_leases every \(f(report.interval, 2)) s (\(report.reads) reads, \(report.failedReads) failed)"
    )
    if let first = taken.first, let last = taken.last {
        print(
            "  time from the kill to a run executing on another daemon: first \(f(first)) s, median \(f(taken[taken.count / 2])) s, last \(f(last)) s — every run it held was executing again \(f(last)) s after the kill"
        )
        let leaseEnd = Dictionary(uniqueKeysWithValues: zip(report.runs, report.leaseEnds))
        let waits = report.taken.compactMap { t in leaseEnd[t.run].map { t.after - $0 } }.sorted()
        if let most = waits.last {
            print(
                "  after its lease ran out, a run waited: median \(f(waits[waits.count / 2])) s, at most \(f(most)) s (poll_s \(options.clusterPollSeconds), max_runs \(options.maxRuns), read every \(f(report.interval, 2)) s)"
            )
        }
    }
    let heldIDs = Set(report.runs)
    let heldErrored = errored.filter { heldIDs.contains($0.id) }.count
    let heldEnds = report.runs.compactMap { endedAt[$0] }.map(seconds).sorted()
    print(
        "  its runs ended \(f(heldEnds.first ?? 0)) to \(f(heldEnds.last ?? 0)) s after the first POST; \(heldErrored) of them errored, \(errored.count - heldErrored) other runs errored"
    )
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
