import ArgumentParser
import FTTHCore
import FTTHWire
import Foundation

struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Start, follow, show or cancel a port test on the running daemon.",
        discussion: """
            These commands talk to ftth-acceptd over its API: --server or FTTH_SERVER (default \
            \(DaemonOptions.defaultServer)), the token in FTTH_TOKEN or in the file given with --token-file.
            """,
        subcommands: [TestStart.self, TestShow.self, TestCancel.self]
    )
}

struct TestStart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Test one splitter port and follow the test until it ends.",
        discussion: """
            Provisions the test ONU on the OLT, waits for the test ONT to come online, reads the four \
            powers, and prints them with both attenuations, the verdict and its reasons.

            Ctrl-C stops waiting but does NOT cancel the test: it goes on in the daemon; \
            `ftthctl test show ID` shows it and `ftthctl test cancel ID` cancels it.

            A project that needs the service test waits, after a passed line, for a probe \
            (`ftth-probe run`) to dial and measure through the test ONT; its result is printed too.

            Exit status: 0 the line (and the service, when tested) passed; 1 either failed, or the \
            test failed or was cancelled; \
            2 the daemon refused the request (no or wrong token, missing role, unknown port, port \
            already under test); 3 no daemon answered at the URL; 64 wrong command-line usage.
            """)

    @OptionGroup var daemon: DaemonOptions
    @Option(name: .long, help: "Project code, such as P2026-0412.")
    var project: String
    @Option(name: .long, help: "Splitter name as in the activation list (Chinese names are fine).")
    var splitter: String
    @Option(name: .long, help: "Splitter port number, from 1.")
    var port: Int
    @Option(name: .long, help: "Serial of the test ONT plugged into the port (default: the one stored for the port).")
    var serial: String?
    @Option(name: .long, help: "Threshold profile: build (at build time) or user (at the user's socket).")
    var profile = "build"
    @Flag(name: .customLong("no-wait"), help: "Print the test's id and return at once, without following it.")
    var noWait = false
    @Flag(name: .long, help: "Print JSON (the run and the port's results) on stdout; progress goes to stderr.")
    var json = false
    @Option(name: .customLong("poll-ms"), help: "How often the test's state is asked while waiting, in milliseconds.")
    var pollMilliseconds = 500

    func validate() throws {
        guard port >= 1 else { throw ValidationError("--port must be a splitter port number from 1, not \(port)") }
        guard !splitter.isEmpty else { throw ValidationError("--splitter must name the splitter") }
        guard ["build", "user"].contains(profile) else {
            throw ValidationError("--profile must be build or user, not '\(profile)'")
        }
        guard (50...60000).contains(pollMilliseconds) else {
            throw ValidationError("--poll-ms must be 50-60000, not \(pollMilliseconds)")
        }
    }

    func run() async throws {
        var lineFailed = false
        try await reportingDaemonErrors {
            lineFailed = try await startAndFollow()
        }
        if lineFailed { throw ExitCode(1) }
    }

    /// Returns whether the line failed (or the run failed or was cancelled).
    func startAndFollow() async throws -> Bool {
        let client = try daemon.client()
        let label = "\(project) \(splitter) port \(port)"
        let body = TestStartRequest(serial: serial, profile: profile)
        let (started, startedData) = try await client.send(
            "POST", ["v1", "projects", project, "ports", splitter, String(port), "tests"], json: body,
            as: TestRunResponse.self, action: "starting a test of \(label)")
        // With --json stdout holds only JSON, so the progress goes to stderr.
        let progress: (String) -> Void =
            json ? { FileHandle.standardError.write(line: $0) } : { print($0) }
        progress(
            "test \(started.id) started on \(label): test ONU \(started.onuName) on OLT \(started.oltIP) PON \(started.pon), "
                + "SVLAN \(started.svlan) CVLAN \(started.cvlan), profile \(started.profile)")
        if noWait {
            if json { print(String(decoding: startedData, as: UTF8.self)) }
            progress(
                "follow it with `ftthctl test show \(started.id)`; cancel it with `ftthctl test cancel \(started.id)`")
            return false
        }
        // Ctrl-C ends only the waiting, never the test: say how to find it again.
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let id = started.id
        interrupt.setEventHandler {
            FileHandle.standardError.write(
                line:
                    "\nstopped waiting; test \(id) goes on in the daemon: `ftthctl test show \(id)`, `ftthctl test cancel \(id)`"
            )
            Foundation.exit(130)
        }
        interrupt.resume()
        defer { interrupt.cancel() }

        // Polling GET /v1/tests/{id}, not the /v1/events stream: on Linux, FoundationNetworking's
        // `URLSession.data(for:)` returns a body only once it is complete, which an event stream never
        // is, and reading it chunk by chunk would need a delegate-driven reader. A poll is one small
        // request, and a daemon restart in between costs nothing. A step shorter than one poll may go
        // unseen; the run's end never does.
        var run = started
        var shown = progressLine(run)
        while run.active {
            try await Task.sleep(for: .milliseconds(pollMilliseconds))
            do {
                (run, _) = try await client.send(
                    "GET", ["v1", "tests", String(id)], as: TestRunResponse.self,
                    action: "following test \(id) of \(label)"
                )
            } catch let error as DaemonError {
                throw DaemonError(
                    kind: error.kind,
                    message: error.message
                        + "\n  → the test may go on in the daemon: `ftthctl test show \(id)` once it answers again")
            }
            let line = progressLine(run)
            if line != shown {
                progress(line)
                shown = line
            }
        }
        guard run.step == "finished" else {
            if json { print(String(decoding: try await runJSON(client, id: id, label: label), as: UTF8.self)) }
            progress("test \(id) of \(label) \(run.step): \(run.outcome ?? "no reason recorded")")
            return true
        }
        let (results, resultsData) = try await client.send(
            "GET", ["v1", "projects", project, "ports", splitter, String(port), "results"],
            as: PortResultsResponse.self,
            action: "reading the results of \(label)")
        if json {
            let runData = try await runJSON(client, id: id, label: label)
            print(
                "{\n\"run\": \(String(decoding: runData, as: UTF8.self)),\n\"results\": \(String(decoding: resultsData, as: UTF8.self))\n}"
            )
            return results.results.last { $0.runID == id }?.verdict != "pass" || run.service?.verdict == "fail"
        }
        // This run's own result, never an older one of the port.
        guard let own = results.results.last(where: { $0.runID == id }) else {
            print("test \(id) finished but \(label) has no result recorded by it: \(run.outcome ?? "")")
            return true
        }
        print(PortResultText.summary(own, of: label))
        // The diagnosis is of the port's latest result: this run's, unless another was recorded since.
        if results.results.last?.runID == id, let line = PortResultText.diagnosis(results) { print(line) }
        if let service = run.service {
            print(
                "service \(service.verdict?.uppercased() ?? "NOT JUDGED"): \(service.reason?.message ?? "no result")")
        }
        return own.verdict != "pass" || run.service?.verdict == "fail"
    }

    func runJSON(_ client: DaemonClient, id: Int64, label: String) async throws -> Data {
        try await client.send("GET", ["v1", "tests", String(id)], action: "reading test \(id) of \(label)")
    }

    /// One line per step (and per retry), in the engine's words where the run carries them.
    func progressLine(_ run: TestRunResponse) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        let time = formatter.string(from: run.updatedAt)
        let text: String
        switch run.step {
        case "provisioning":
            text =
                run.attempt > 0
                ? "provisioning: \(run.outcome ?? "retrying") (attempt \(run.attempt + 1))"
                : "provisioning test ONU \(run.onuName) (CVLAN \(run.cvlan))"
        case "awaiting_online":
            text =
                "awaiting_online: test ONU \(run.onuName) provisioned as ONU \(run.onuID.map(String.init) ?? "?"); "
                + "waiting for the test ONT to come online"
                + (run.attempt > 0 ? "; \(run.outcome ?? "retrying") (attempt \(run.attempt + 1))" : "")
        case "reading":
            text =
                "reading: " + (run.outcome ?? "ONU \(run.onuID.map(String.init) ?? "?") is online; reading the optics")
        case "awaiting_service":
            let service = run.service
            let state =
                service?.state == "claimed"
                ? "probe \(service?.claimedBy ?? "?") is dialling with test account \(service?.username ?? "?")"
                : "waiting for a probe (`ftth-probe run`) to dial with test account \(service?.username ?? "?")"
            text = "awaiting_service: line \(run.verdict ?? "?"); \(state)"
        case "finished":
            // The outcome holds the verdict and every reason; the summary printed next lists them.
            let outcome = run.outcome ?? "line result recorded"
            text = "finished: " + (outcome.components(separatedBy: ": ").first ?? outcome)
        default:
            text = "\(run.step): \(run.outcome ?? "")"
        }
        return "[\(time)] \(text)"
    }
}

struct TestShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one test run.")

    @OptionGroup var daemon: DaemonOptions
    @Argument(help: "Test id, as printed by `ftthctl test start`.")
    var id: Int64
    @Flag(name: .long, help: "Print the daemon's JSON.")
    var json = false

    func run() async throws {
        try await reportingDaemonErrors {
            let client = try daemon.client()
            let (run, data) = try await client.send(
                "GET", ["v1", "tests", String(id)], as: TestRunResponse.self, action: "reading test \(id)")
            if json {
                print(String(decoding: data, as: UTF8.self))
                return
            }
            var table = TextTable("FIELD", "VALUE")
            var rows: [(String, String)] = [
                ("test", String(run.id)), ("port", run.portLabel), ("step", run.step),
                ("active", run.active ? "yes" : "no"), ("profile", run.profile), ("OLT", run.oltIP), ("PON", run.pon),
                ("test ONU", run.onuName), ("ONU id", run.onuID.map(String.init) ?? "-"),
                ("SVLAN", String(run.svlan)), ("CVLAN", String(run.cvlan)), ("attempt", String(run.attempt)),
                ("started", run.startedAt.formatted(.iso8601)), ("updated", run.updatedAt.formatted(.iso8601)),
                ("outcome", run.outcome ?? "-"), ("line verdict", run.verdict ?? "-"),
            ]
            if let service = run.service {
                let m = service.measurement
                rows += [
                    ("service test", "\(service.state), account \(service.username ?? "none free")"),
                    ("service verdict", service.verdict ?? "-"),
                    ("service reason", service.reason.map { "\($0.code): \($0.message)" } ?? "-"),
                    (
                        "throughput",
                        "down \(m?.downMbps.map { String($0) } ?? "-"), up \(m?.upMbps.map { String($0) } ?? "-") Mbit/s of plan \(service.planMbps)"
                    ),
                ]
                // The one rule of FTTHCore: line ∧ service.
                let overall = PortVerdict(
                    line: run.verdict.flatMap(Verdict.init(rawValue:)),
                    service: service.verdict.flatMap(Verdict.init(rawValue:)), serviceRequired: true
                ).overall
                rows.append(("overall verdict", overall?.rawValue ?? "-"))
            } else {
                rows.append(("overall verdict", run.verdict ?? "-"))
            }
            for (field, value) in rows { table.add([field, value]) }
            print(table.rendered())
        }
    }
}

struct TestCancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a running test: it stops after its current step; a provisioned test ONU stays.")

    @OptionGroup var daemon: DaemonOptions
    @Argument(help: "Test id, as printed by `ftthctl test start`.")
    var id: Int64

    func run() async throws {
        try await reportingDaemonErrors {
            let client = try daemon.client()
            let (run, _) = try await client.send(
                "DELETE", ["v1", "tests", String(id)], as: TestRunResponse.self, action: "cancelling test \(id)")
            print(
                "cancel of test \(id) (\(run.portLabel)) requested: it stops after its current step (\(run.step)); "
                    + "`ftthctl test show \(id)` shows when it has")
        }
    }
}
