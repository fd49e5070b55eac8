import ArgumentParser
import Dispatch
import FTTHProbe
import Foundation

/// `ftth-probe run`: the probe box's loop. It takes the service test of the port a crew has just
/// started, dials with the assigned test account, measures, and posts the result (through the
/// dialled line when that is the only way out). Results the daemon could not take yet are kept
/// in the spool and sent again, once, under their key.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Take service tests from the daemon, dial, measure and post the results.",
        discussion: """
            The token needs the role probe (`ftthctl token create --name NAME --role probe`): it may \
            only take service tests and post their results. With --once the probe carries out at \
            most one test and exits: 0 when the result reached the daemon (or none was waiting), 1 \
            when it is kept in the spool for a later run.
            """
    )

    @Option(name: .long, help: "Ethernet interface wired to the test ONT's LAN port (for example eth1).")
    var interface: String

    @Option(name: .long, help: "URL of the daemon, such as http://10.0.0.5:8080.")
    var server: String

    @Option(name: .customLong("token-file"), help: "File holding the probe's API token (role probe).")
    var tokenFile: String

    @Option(name: .long, help: "Directory keeping results until the daemon has them.")
    var spool: String = "/var/lib/ftth-probe/spool"

    @Option(name: .long, help: "Seconds between asks when no service test is waiting.")
    var pollInterval: Double = 3

    @Option(name: .long, help: "Seconds between LCP echo requests while a session is up.")
    var echoInterval: Double = 10

    @Option(name: .long, help: "Unanswered LCP echo requests after which a session counts as lost.")
    var echoMisses: Int = 3

    @Flag(name: .long, help: "Carry out at most one service test, then exit.")
    var once = false

    @Option(name: .long, help: "Give up after this many seconds with no waiting test (with --once).")
    var waitSeconds: Double = 0

    mutating func validate() throws {
        guard let url = URL(string: server), url.scheme == "http", url.host != nil,
            ServerAddress(url: server) != nil
        else {
            throw ValidationError(
                "--server must be the daemon's http URL, such as http://10.0.0.5:8080, not '\(server)'")
        }
        guard pollInterval > 0 else { throw ValidationError("--poll-interval must be more than 0 seconds") }
        guard echoInterval > 0, echoMisses >= 1 else {
            throw ValidationError("--echo-interval must be more than 0 and --echo-misses at least 1")
        }
    }

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: tokenFile),
            let token = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init),
            !token.isEmpty
        else {
            throw ValidationError(
                "cannot read a token from \(tokenFile): write the probe token (`ftthctl token create --role probe`) on its first line"
            )
        }
        let log: @Sendable (String) -> Void = { line in
            FileHandle.standardError.write(Data("ftth-probe: \(line)\n".utf8))
        }
        let spoolStore: ResultSpool
        do {
            spoolStore = try ResultSpool(directory: URL(fileURLWithPath: spool))
        } catch {
            throw ValidationError("\(error)")
        }
        let active = ActiveSession()
        let dialer = LinkDialer(
            echoInterval: .milliseconds(Int64(echoInterval * 1000)), echoMisses: echoMisses, log: log, active: active)
        // SIGTERM (systemd's stop) and SIGINT hang the session up cleanly; the result of a test cut
        // short is posted or spooled as any other, then the probe exits.
        let signals = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                log("signal \(number): hanging up and stopping")
                active.stop()
            }
            source.resume()
            return source
        }
        defer { for source in signals { source.cancel() } }
        let job = ServiceTestJob(
            interface: interface, dialer: dialer, daemon: ServerAddress(url: server)!, token: token, log: log)
        let runner = ProbeRunner(
            daemon: HTTPProbeDaemon(server: URL(string: server)!, token: token), job: job, spool: spoolStore, log: log)
        log("taking service tests from \(server) for \(interface)")
        let started = ContinuousClock.now
        while !active.stopping {
            do {
                switch try await runner.round() {
                case .idle:
                    if once && ContinuousClock.now - started >= .milliseconds(Int64(waitSeconds * 1000)) {
                        return
                    }
                case .tested(let id, let result, let delivered):
                    log("service test \(id): \(result.rawValue)\(delivered ? "" : " (kept in the spool)")")
                    if once { throw ExitCode(delivered ? 0 : 1) }
                    continue
                }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                log("\(error)")
                if once { throw ExitCode(1) }
            }
            // In short steps, so a signal is acted on at once.
            let until = ContinuousClock.now + .milliseconds(Int64(pollInterval * 1000))
            while !active.stopping && ContinuousClock.now < until {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
