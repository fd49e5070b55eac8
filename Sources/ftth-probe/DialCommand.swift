import ArgumentParser
import FTTHProbe
import Foundation
import PPPCore
import PPPoELink
import Synchronization

/// `ftth-probe dial`: one PPPoE dial with a test account, each phase timed, the outcome printed
/// (or one JSON object with --json). The session can be held or used by a command, then hung up.
struct DialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dial",
        abstract: "Dial PPPoE with a test account and report each phase's time and the outcome.",
        discussion: """
            Without --hold or --exec the probe hangs up as soon as the session is up (a dial test). \
            With --exec it runs the command while the session is up, with FTTH_PROBE_IP, FTTH_PROBE_PEER \
            and FTTH_PROBE_TUN in its environment, then hangs up. With --json one JSON object goes to \
            standard output and the log to standard error.
            """
    )

    @Option(name: .long, help: "Ethernet interface facing the test ONT (for example eth1).")
    var interface: String

    @Option(name: .long, help: "PPPoE account (user name) of the test account.")
    var username: String

    @Option(name: .long, help: "File holding the account's password (its first line is used).")
    var passwordFile: String

    @Option(name: .long, help: "Service-Name to ask for (default: any).")
    var service: String = ""

    @Option(name: .customLong("ac"), help: "Take only the access concentrator with this AC-Name (default: the first).")
    var acName: String?

    @Option(name: .long, help: "802.1Q VLAN id for the session's frames (1-4094).")
    var vlan: UInt16?

    @Option(name: .long, help: "Seconds between LCP echo requests once the session is up.")
    var echoInterval: Double = 10

    @Option(name: .long, help: "Unanswered LCP echo requests after which the session counts as lost.")
    var echoMisses: Int = 3

    @Option(name: .long, help: "Seconds to wait for a PADO (doubling on each retry).")
    var discoveryTimeout: Double = 2

    @Option(name: .long, help: "PADIs sent before giving up on finding an access concentrator.")
    var discoveryAttempts: Int = 5

    @Option(name: .long, help: "Keep the session up this many seconds before hanging up.")
    var hold: Double?

    @Option(name: .long, help: "Name of the TUN interface the session's traffic goes through (%d numbers it).")
    var tun: String = "ftth%d"

    @Option(name: .long, help: "A route (CIDR or `default`) through the session, once it is up; repeatable.")
    var route: [String] = []

    @Option(
        name: .long,
        help:
            "Measure throughput both ways through the session against this iperf3 server (host or host:port), then hang up."
    )
    var iperf3: String?

    @Option(name: .long, help: "Seconds each direction of the --iperf3 measurement runs.")
    var duration: Int = 10

    @Flag(name: .long, help: "Print one JSON object with the result; the log goes to standard error.")
    var json = false

    @Option(
        name: .long, parsing: .remaining,
        help: "Run this command (and its arguments: the rest of the line) while the session is up, then hang up.")
    var exec: [String] = []

    /// The password from `--password-file`, read in `validate`.
    private var password = ""

    enum CodingKeys: String, CodingKey {
        case interface, username, passwordFile, service, acName, vlan, echoInterval, echoMisses, discoveryTimeout
        case discoveryAttempts, hold, tun, route, iperf3, duration
        case json, exec
    }

    mutating func validate() throws {
        guard let data = FileManager.default.contents(atPath: passwordFile) else {
            throw ValidationError(
                "cannot read the password file \(passwordFile): check the path and that the probe's user may read it")
        }
        let firstLine = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first ?? ""
        guard !firstLine.isEmpty else {
            throw ValidationError(
                "the password file \(passwordFile) is empty: write the test account's password on its first line")
        }
        password = String(firstLine)
        if let vlan, !(1...4094).contains(vlan) {
            throw ValidationError("--vlan \(vlan) is not a VLAN id: use 1 to 4094 (the port's CVLAN)")
        }
        guard echoInterval > 0, echoInterval <= 3600 else {
            throw ValidationError("--echo-interval \(echoInterval) must be between 0 and 3600 seconds")
        }
        guard discoveryTimeout > 0, discoveryTimeout <= 60 else {
            throw ValidationError("--discovery-timeout \(discoveryTimeout) must be between 0 and 60 seconds")
        }
        guard discoveryAttempts >= 1 else { throw ValidationError("--discovery-attempts must be at least 1") }
        guard echoMisses >= 1 else { throw ValidationError("--echo-misses must be at least 1") }
        if let hold, hold < 0 { throw ValidationError("--hold must not be negative") }
        guard !username.isEmpty else { throw ValidationError("--username must not be empty") }
        if let iperf3 {
            guard !exec.isEmpty || hold == nil else {
                throw ValidationError("--iperf3 hangs up when the measurement ends: leave out --hold")
            }
            guard exec.isEmpty else { throw ValidationError("use either --iperf3 or --exec, not both") }
            guard HostResolver.ipv4(IperfRunner(server: iperf3).endpoint.host) != nil else {
                throw ValidationError("--iperf3 \(iperf3): no IPv4 address for that host; give the server's address")
            }
        }
        guard (1...300).contains(duration) else { throw ValidationError("--duration must be 1 to 300 seconds") }
    }

    func run() throws {
        var config = PPPoEClientConfig(
            macAddress: [0, 0, 0, 0, 0, 0], username: username, password: password,
            hostUniq: (0..<8).map { _ in UInt8.random(in: 0...255) })
        config.serviceName = service
        config.acName = acName
        config.vlan = vlan
        config.echoInterval = .milliseconds(Int64(echoInterval * 1000))
        config.echoMisses = echoMisses
        config.discoveryTimeout = .milliseconds(Int64(discoveryTimeout * 1000))
        config.discoveryAttempts = discoveryAttempts

        var options = PPPoESessionRunner.Options(tunName: tun, routes: route)
        if let hold {
            options.hold = .milliseconds(Int64(hold * 1000))
        } else if exec.isEmpty && iperf3 == nil {
            options.hold = .zero
        }
        // The measured server is reached through the session.
        if let iperf3, let address = HostResolver.ipv4(IperfRunner(server: iperf3).endpoint.host) {
            options.routes.append("\(address)/32")
        }
        let throughput = DialThroughput()

        var report = DialReport(interface: interface, vlan: vlan)
        let output = DialOutput(json: json)
        let runner: PPPoESessionRunner
        do {
            runner = try PPPoESessionRunner(interface: interface, config: config, options: options)
        } catch {
            report.failLink(error)
            output.finish(report)
            throw ExitCode.failure
        }

        let signals = SignalWatcher(closer: runner.closer) { signal in
            output.line("signal \(signal): hanging up")
        }
        defer { signals.cancel() }
        var command: ExecCommand?
        do {
            let outcome = try runner.run { event in
                switch event {
                case .log(let elapsed, let line):
                    report.log(elapsed: elapsed, line)
                    output.log(elapsed: elapsed, line)
                case .up(let info, let tunName, let elapsed):
                    report.up(info, tunName: tunName)
                    output.up(info, tunName: tunName, elapsed: elapsed)
                    if let iperf3 {
                        throughput.start(
                            server: iperf3, duration: .seconds(duration), bindAddress: TunDevice.dotted(info.localIP),
                            closer: runner.closer)
                    }
                    if !exec.isEmpty {
                        command = ExecCommand(
                            exec, info: info, tunName: tunName, outputToStandardError: json,
                            closer: runner.closer)
                        if let failure = command?.startError {
                            report.log(elapsed: elapsed, failure)
                            output.line(failure)
                        }
                    }
                case .finished:
                    break
                }
            }
            report.finish(outcome, timings: runner.timings)
        } catch {
            report.failLink(error)
        }
        if let command {
            report.execStatus = command.waitAfterHangUp()
        }
        if iperf3 != nil { report.throughput(throughput.wait()) }
        output.finish(report)
        if report.result != "pass" { throw ExitCode.failure }
    }
}

/// `dial --iperf3`: iperf3 both ways through the session on a thread of its own (the runner's
/// thread keeps carrying the session's frames), then the hang-up.
final class DialThroughput: Sendable {
    struct Figures: Sendable {
        var down: Double?
        var up: Double?
        var rtt: Double?
        var error: String?
    }
    private let figures = Mutex(Figures())
    private let finished = DispatchSemaphore(value: 0)
    private let started = Mutex(false)

    func start(server: String, duration: Duration, bindAddress: String, closer: PPPoESessionRunner.Closer) {
        started.withLock { $0 = true }
        Thread.detachNewThread {
            let done = DispatchSemaphore(value: 0)
            Task {
                let runner = IperfRunner(server: server)
                do {
                    let down = try await runner.run(direction: .download, duration: duration, bindAddress: bindAddress)
                    let up = try await runner.run(direction: .upload, duration: duration, bindAddress: bindAddress)
                    self.figures.withLock {
                        $0.down = down.megabitsPerSecond
                        $0.up = up.megabitsPerSecond
                        $0.rtt = up.meanRTT.map { $0.milliseconds }
                    }
                } catch {
                    self.figures.withLock { $0.error = "\(error)" }
                }
                done.signal()
            }
            done.wait()
            closer.close()
            self.finished.signal()
        }
    }

    /// The figures, once the measurement ended (at once when it never started: the dial failed).
    func wait() -> Figures {
        if started.withLock({ $0 }) { finished.wait() }
        return figures.withLock { $0 }
    }
}
