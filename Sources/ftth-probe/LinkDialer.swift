import FTTHCore
import FTTHProbe
import Foundation
import PPPCore
import PPPoELink
import Synchronization

/// `ftth-probe run`'s dialer: PPPCore's client carried out by PPPoELink's runner on its own
/// thread. `dial` returns once the session is up (or the dial failed); the session stays up until
/// `hangUp`, which closes it cleanly and waits for the runner to finish.
struct LinkDialer: SessionDialer {
    var echoInterval: Duration = .seconds(10)
    var echoMisses = 3
    var tunName = "ftth%d"
    var log: @Sendable (String) -> Void
    /// Told of each session's closer while it runs, and nil once it has ended, so a signal can hang up.
    var active: ActiveSession = ActiveSession()

    func dial(_ request: DialRequest) async -> DialOutcome {
        var config = PPPoEClientConfig(
            macAddress: [0, 0, 0, 0, 0, 0], username: request.username, password: request.password,
            hostUniq: (0..<8).map { _ in UInt8.random(in: 0...255) })
        config.serviceName = request.serviceName
        config.acName = request.acName
        config.vlan = request.vlan.map { UInt16($0) }
        config.echoInterval = echoInterval
        config.echoMisses = echoMisses
        let options = PPPoESessionRunner.Options(tunName: tunName, routes: request.routes.map { "\($0)/32" })
        let runner: PPPoESessionRunner
        do {
            runner = try PPPoESessionRunner(interface: request.interface, config: config, options: options)
        } catch {
            return .failed(code: error.code.rawValue, message: "\(error)", phases: ServicePhases())
        }
        let done = Completion()
        let first = FirstAnswer()
        let closer = runner.closer
        let unsafeRunner = UnsafeTransfer(runner)
        let log = self.log
        let active = self.active
        active.set(closer)
        return await withCheckedContinuation { continuation in
            first.set(continuation)
            Thread.detachNewThread {
                let runner = unsafeRunner.value
                do {
                    let outcome = try runner.run { event in
                        switch event {
                        case .log(let elapsed, let line):
                            log(String(format: "%8.1f ms  ", elapsed.milliseconds) + line)
                        case .up(let info, _, _):
                            first.answer(
                                .up(LinkSession(info: info, closer: closer, done: done)))
                        case .finished(let outcome, _):
                            if case .failed(let failure) = outcome {
                                first.answer(
                                    .failed(
                                        code: failure.code, message: failure.description,
                                        phases: Self.phases(runner.timings)))
                            } else {
                                first.answer(
                                    .failed(
                                        code: "hung_up", message: "the probe hung up before the session was up",
                                        phases: Self.phases(runner.timings)))
                            }
                        }
                    }
                    if case .failed(let failure) = outcome {
                        log("session ended: \(failure)")
                        done.failed(code: failure.code, message: failure.description)
                    }
                } catch let error as PPPoELinkError {
                    first.answer(.failed(code: error.code.rawValue, message: "\(error)", phases: ServicePhases()))
                } catch {
                    first.answer(.failed(code: "link_error", message: "\(error)", phases: ServicePhases()))
                }
                active.set(nil)
                done.finish()
            }
        }
    }

    /// PPPCore's phase times as the service test reports them (whole milliseconds).
    static func phases(_ timings: PPPoETimings?) -> ServicePhases {
        let ms = timings?.milliseconds ?? [:]
        func value(_ key: String) -> Int? { ms[key].map { Int($0.rounded()) } }
        return ServicePhases(
            padiToPADO: value("padi_pado"), padrToPADS: value("padr_pads"), lcp: value("lcp"),
            authentication: value("auth"), ipcp: value("ipcp"), total: value("total"))
    }
}

/// The session `LinkDialer` brought up.
struct LinkSession: DialedSession {
    let info: PPPoESessionInfo
    let closer: PPPoESessionRunner.Closer
    let done: Completion

    var localAddress: String { TunDevice.dotted(info.localIP) }
    var dns: [String] { info.dns.map(TunDevice.dotted) }
    var mru: Int { info.mru }
    var mss: Int { info.mss }
    var acName: String { info.acName }
    var phases: ServicePhases { LinkDialer.phases(info.timings) }
    var endedWith: (code: String, message: String)? { done.failure }

    func hangUp() async {
        closer.close()
        await done.wait()
    }
}

/// Resumes the dial's continuation with the first answer only.
final class FirstAnswer: Sendable {
    private let state = Mutex<(CheckedContinuation<DialOutcome, Never>?, Bool)>((nil, false))
    func set(_ continuation: CheckedContinuation<DialOutcome, Never>) {
        state.withLock { $0.0 = continuation }
    }
    func answer(_ outcome: DialOutcome) {
        let continuation = state.withLock { s -> CheckedContinuation<DialOutcome, Never>? in
            if s.1 { return nil }
            s.1 = true
            return s.0
        }
        continuation?.resume(returning: outcome)
    }
}

/// Set once the runner's thread has finished; `wait` returns from then on.
final class Completion: Sendable {
    private let state = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    private let ended = Mutex<(code: String, message: String)?>(nil)

    /// The session ended by itself with this failure.
    func failed(code: String, message: String) { ended.withLock { $0 = (code, message) } }
    var failure: (code: String, message: String)? { ended.withLock { $0 } }

    func finish() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.done = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.done { return true }
                s.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}

/// The runner moves to its thread once and is used only there (its closer is the thread-safe part).
struct UnsafeTransfer<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// The closer of the session running now, if any: SIGTERM and SIGINT hang it up cleanly.
final class ActiveSession: Sendable {
    private let state = Mutex<(closer: PPPoESessionRunner.Closer?, stopping: Bool)>((nil, false))

    func set(_ closer: PPPoESessionRunner.Closer?) {
        let hangUpNow = state.withLock { s -> Bool in
            s.closer = closer
            return s.stopping
        }
        if hangUpNow { closer?.close() }
    }

    /// Hangs up the running session (LCP Terminate, PADT), and every later one at once.
    func stop() {
        let closer = state.withLock { s -> PPPoESessionRunner.Closer? in
            s.stopping = true
            return s.closer
        }
        closer?.close()
    }

    var stopping: Bool { state.withLock { $0.stopping } }
}
