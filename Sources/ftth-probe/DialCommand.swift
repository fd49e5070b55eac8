import ArgumentParser
import Foundation
import PPPCore
import PPPoELink

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
        case discoveryAttempts, hold, tun, route
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
        } else if exec.isEmpty {
            options.hold = .zero
        }

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
        output.finish(report)
        if report.result != "pass" { throw ExitCode.failure }
    }
}
