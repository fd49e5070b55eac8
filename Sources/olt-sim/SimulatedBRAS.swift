import Foundation
import OLTSim
import PPPCore
import PPPoELink

/// olt-sim's BRAS (`[bras]`): PPPCore's access concentrator run by PPPoELink's server runner on
/// its own thread, with the test accounts, the plan rate and the faults of the configuration.
final class SimulatedBRAS: @unchecked Sendable {
    // `runner` is used only by the thread started in `start` (and its closer, which is Sendable);
    // `finished` is signalled once by that thread.
    private let runner: PPPoEServerRunner
    private let finished = DispatchSemaphore(value: 0)
    private var started = false
    let configuration: SimBRASConfiguration

    /// Opens the interface and makes the TUN interface. Throws `PPPoELinkError` saying which
    /// failed and what to check.
    init(_ configuration: SimBRASConfiguration) throws(PPPoELinkError) {
        self.configuration = configuration
        runner = try PPPoEServerRunner(
            interface: configuration.interface, config: Self.concentratorConfig(configuration),
            options: PPPoEServerRunner.Options(
                tunName: configuration.tunName, address: configuration.address,
                prefixLength: configuration.prefixLength),
            shaping: { username in Self.shaping(configuration, username: username) })
    }

    /// The access concentrator's configuration for `[bras]`: the BRAS holds each account's
    /// password (another one with `wrong_password`); `no_answer` and `echo_stops` are account faults.
    static func concentratorConfig(_ c: SimBRASConfiguration) -> PPPoEAccessConcentratorConfig {
        // The runner puts the interface's own address in place of this one.
        var config = PPPoEAccessConcentratorConfig(macAddress: [0x02, 0, 0, 0, 0, 0x01])
        config.acName = c.acName
        config.serviceNames = [c.serviceName]
        config.auth = c.auth == .pap ? .pap : .chapMD5
        config.serverAddress = c.address
        config.firstClientAddress = firstClientAddress(c)
        config.dns = c.dns
        for account in c.accounts {
            config.accounts[account.username] = account.passwordHeldByBRAS
            switch account.fault {
            case .noAnswer: config.accountFaults[account.username] = [.noAnswer]
            case .echoStops(let after): config.accountFaults[account.username] = [.stopEchoes(after: after)]
            case .wrongPassword, .slowLine, nil: break
            }
        }
        return config
    }

    /// The first session's address: the subnet's tenth host (10.67.0.10 for 10.67.0.1/24).
    static func firstClientAddress(_ c: SimBRASConfiguration) -> [UInt8] {
        let value = c.address.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let mask = c.prefixLength == 0 ? 0 : UInt32.max << (32 - UInt32(c.prefixLength))
        let first = (value & mask) + 10
        return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: first >> $0) }
    }

    /// An account's rate, and when its session goes silent with `echo_stops`; an unknown account
    /// (which cannot log in) gets the plan rate.
    static func shaping(_ c: SimBRASConfiguration, username: String) -> PPPoEServerRunner.Shaping {
        let account = c.accounts.first { $0.username == username }
        var cut: Duration?
        if case .echoStops(let after) = account?.fault { cut = after }
        return PPPoEServerRunner.Shaping(bitsPerSecond: c.rateBitsPerSecond(account: account), cutAfter: cut)
    }

    /// The line olt-sim prints once the BRAS serves.
    var readyLine: String {
        let c = configuration
        let faults = c.accounts.compactMap { a in a.fault.map { "\(a.username)=\($0)" } }
        return
            "BRAS \(c.acName) on \(c.interface) (MAC \(runner.link.macAddress.map { String(format: "%02x", $0) }.joined(separator: ":"))): "
            + "service \"\(c.serviceName)\", \(c.auth == .pap ? "PAP" : "CHAP-MD5"), "
            + "\(runner.tun.name) \(c.address.map(String.init).joined(separator: "."))/\(c.prefixLength), "
            + "plan \(Self.format(c.planMbps)) Mbit/s, \(c.accounts.count) account(s)"
            + (faults.isEmpty ? "" : ", faults: " + faults.joined(separator: " "))
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// Serves on a thread of its own; `say` prints each event (log lines prefixed `bras:`).
    func start(say: @escaping @Sendable (String) -> Void) {
        precondition(!started, "the BRAS is started once")
        started = true
        let thread = Thread { [self] in
            do {
                try runner.run { event in
                    switch event {
                    case .log(_, let line):
                        say("bras: \(line)")
                    case .sessionUp(let id, _, let address, let username, _):
                        say("bras: session \(id) up: \(username) at \(address.map(String.init).joined(separator: "."))")
                    case .sessionDown(let id, _, let reason, _):
                        say("bras: session \(id) down: \(reason)")
                    }
                }
            } catch {
                say("bras: stopped: \(error)")
            }
            finished.signal()
        }
        thread.name = "olt-sim BRAS"
        thread.start()
    }

    /// Ends every session (PADT) and waits for the thread to finish.
    func stop() async {
        guard started else { return }
        runner.closer.close()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { [finished] in
                finished.wait()
                continuation.resume()
            }
        }
    }
}
