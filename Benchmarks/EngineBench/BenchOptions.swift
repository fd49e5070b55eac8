import Foundation

/// The benchmark's flags: the city's size and latencies, the daemon's limits, the store and the
/// daemons sharing it, and where the executables are.
struct BenchOptions {
    /// Where the daemons keep their records.
    enum StoreKind: String {
        /// A SQLite file, for the one daemon.
        case sqlite
        /// A database on a PostgreSQL server of the benchmark's own, shared by every daemon.
        case postgres
    }

    var olts = 4
    var ports = 200
    var latencyMilliseconds = 150
    var registrationSeconds = 5
    /// The daemon's `max_cli_sessions` per OLT.
    var sessions = 2
    /// olt-sim's `max_sessions` per OLT (what the simulated OLT accepts).
    var simSessions = 4
    /// The daemon's `max_concurrent_per_olt`.
    var concurrency = 4
    /// The daemon's `poll_s`: how often a test ONU's run state is asked.
    var pollSeconds = 5
    /// Every Nth test ONT gets a dirty connector, so its line test fails; 0 for none.
    var faultEvery = 25
    /// How often the benchmark asks the API for the runs still active.
    var apiPollSeconds = 1.0
    /// People watching the tests live in the web pages (GET /runs/{id}/events), spread over the runs.
    var viewers = 0
    var simulator = ".build/release/olt-sim"
    var daemon = ".build/release/ftth-acceptd"
    var ctl = ".build/release/ftthctl"
    /// Where the configurations, the store and the logs go; a new temporary directory by default.
    var workDirectory: String?
    var keep = false
    var store = StoreKind.sqlite
    /// Daemons sharing the store (PostgreSQL only); the port tests are started through each in turn.
    var daemons = 1
    /// Seconds after the first POST at which the first daemon is SIGKILLed; nil: none is.
    var killAfterSeconds: Double?
    /// `[cluster] lease_s`: how long another daemon waits before it takes a dead one's runs.
    var leaseSeconds = 90
    /// `[cluster] poll_s`: how often a daemon looks for runs nobody holds.
    var clusterPollSeconds = 2
    /// `[cluster] max_runs`: runs one daemon executes at most at once (those it takes over).
    var maxRuns = 100
    /// `[southbound] command_timeout_s`; `lease_s` must be more than twice it.
    var commandTimeoutSeconds = 30
    /// The OLTs' dialects in turn.
    var dialects = ["huawei-ma5800", "zte-c300", "huawei-ma5800", "zte-c600"]

    static let usage = """
        engine-bench: the daemon's port-test throughput against simulated OLTs (docs/benchmarks.md)

          --olts N              simulated OLTs, alternating Huawei MA5800 and ZTE C300/C600 (4)
          --ports N             splitter ports under test in all, each with its test ONT (200)
          --latency-ms MS       olt-sim's time per CLI command (150)
          --registration-s S    olt-sim's ONU registration time (5)
          --sessions N          the daemon's max_cli_sessions per OLT (2)
          --sim-sessions N      olt-sim's max_sessions per OLT (4)
          --concurrency N       the daemon's max_concurrent_per_olt (4)
          --poll-s S            the daemon's poll_s, run-state polling while a test ONU registers (5)
          --dialects A,B,…      the OLTs' dialects in turn (huawei-ma5800,zte-c300,huawei-ma5800,zte-c600)
          --fault-every N       every Nth test ONT has a dirty connector and fails its line test (25; 0 none)
          --api-poll-s S        how often the benchmark asks GET /v1/tests/{id} (1)
          --viewers N           web live views held open while the tests run, spread over the runs (0)
          --store sqlite|postgres
                                where the daemons keep their records: a SQLite file, or a database
                                on a PostgreSQL server the benchmark starts (sqlite)
          --daemons N           daemons sharing the PostgreSQL store, 1 to 3; the port tests are
                                started through their APIs in turn (1)
          --kill-after-s S      SIGKILL the first daemon S s after the first POST and time until
                                every run it held executes on another daemon (2 or more daemons)
          --kill                the same, 20 s after the first POST
          --lease-s S           [cluster] lease_s (90, the daemon's default)
          --cluster-poll-s S    [cluster] poll_s (2)
          --max-runs N          [cluster] max_runs (100)
          --command-timeout-s S [southbound] command_timeout_s (30); lease_s must be more than twice it
          --olt-sim PATH        (.build/release/olt-sim)
          --ftth-acceptd PATH   (.build/release/ftth-acceptd)
          --ftthctl PATH        (.build/release/ftthctl)
          --work-dir DIR        configurations, store and logs (a new temporary directory)
          --keep                keep the work directory afterwards

        Build first (make bench-engine does): swift build -c release --product P for P in
        ftth-acceptd, ftthctl, olt-sim and engine-bench, one at a time (several --product flags
        would build only the last; a plain -c release also builds ftth-fuzz, debug only).
        """

    init(_ arguments: [String]) throws {
        var i = 1
        func value() throws -> String {
            i += 1
            guard i < arguments.count else { throw BenchError("\(arguments[i - 1]) needs a value") }
            return arguments[i]
        }
        func int(_ range: ClosedRange<Int>) throws -> Int {
            let name = arguments[i]
            let text = try value()
            guard let n = Int(text), range.contains(n) else {
                throw BenchError(
                    "\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound), not '\(text)'")
            }
            return n
        }
        while i < arguments.count {
            switch arguments[i] {
            case "--olts": olts = try int(1...64)
            case "--ports": ports = try int(1...8192)
            case "--latency-ms": latencyMilliseconds = try int(0...10000)
            case "--registration-s": registrationSeconds = try int(0...600)
            case "--sessions": sessions = try int(1...16)
            case "--sim-sessions": simSessions = try int(1...64)
            case "--concurrency": concurrency = try int(1...64)
            case "--poll-s": pollSeconds = try int(1...600)
            case "--fault-every": faultEvery = try int(0...100_000)
            case "--viewers": viewers = try int(0...5000)
            case "--api-poll-s":
                let text = try value()
                guard let s = Double(text), s > 0 else { throw BenchError("--api-poll-s must be seconds above 0") }
                apiPollSeconds = s
            case "--dialects":
                dialects = try value().split(separator: ",").map(String.init)
                let known = ["huawei-ma5600t", "huawei-ma5800", "zte-c300", "zte-c600"]
                guard !dialects.isEmpty, dialects.allSatisfy(known.contains) else {
                    throw BenchError("--dialects takes a list of \(known.joined(separator: ", ")), separated by commas")
                }
            case "--store":
                let text = try value()
                guard let kind = StoreKind(rawValue: text) else {
                    throw BenchError("--store takes sqlite or postgres, not '\(text)'")
                }
                store = kind
            case "--daemons": daemons = try int(1...3)
            case "--kill": killAfterSeconds = 20
            case "--kill-after-s":
                let text = try value()
                guard let s = Double(text), s >= 0 else {
                    throw BenchError("--kill-after-s must be seconds, 0 or more")
                }
                killAfterSeconds = s
            case "--lease-s": leaseSeconds = try int(5...3600)
            case "--cluster-poll-s": clusterPollSeconds = try int(1...600)
            case "--max-runs": maxRuns = try int(1...10000)
            case "--command-timeout-s": commandTimeoutSeconds = try int(1...600)
            case "--olt-sim": simulator = try value()
            case "--ftth-acceptd": daemon = try value()
            case "--ftthctl": ctl = try value()
            case "--work-dir": workDirectory = try value()
            case "--keep": keep = true
            case "--help", "-h":
                print(Self.usage)
                exit(0)
            default: throw BenchError("unknown argument \(arguments[i]); see --help")
            }
            i += 1
        }
        guard ports >= olts else { throw BenchError("--ports must be at least --olts: every OLT needs a port") }
        guard daemons == 1 || store == .postgres else {
            throw BenchError(
                "--daemons \(daemons) needs --store postgres: only PostgreSQL is shared by several daemons")
        }
        guard killAfterSeconds == nil || daemons >= 2 else {
            throw BenchError("--kill needs --daemons 2 or 3: another daemon must be left to take over the runs")
        }
        guard store == .sqlite || leaseSeconds > 2 * commandTimeoutSeconds else {
            throw BenchError(
                "--lease-s \(leaseSeconds) is not more than twice --command-timeout-s \(commandTimeoutSeconds), which the daemon refuses: raise the one or lower the other"
            )
        }
        for path in [simulator, daemon, ctl] where !FileManager.default.isExecutableFile(atPath: path) {
            throw BenchError(
                "\(path) is not an executable: build it (swift build -c release) or give its path"
            )
        }
    }
}

/// A failure of the benchmark itself, with a sentence saying what to do.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
