internal import CNetSNMP
import Foundation
import SNMPModel
import Synchronization

/// The one thread of an ``SNMPClient`` that talks to net-snmp: it opens the sessions, sends the
/// requests, and waits in `poll` on every session's socket plus a wake-up pipe, so a new request
/// goes out at once and a response or a timeout is handled when it is due. The Swift concurrency
/// pool never blocks on SNMP.
///
/// `@unchecked Sendable`: callers only touch `inbox` (a `Mutex`) and the wake-up pipe's write end
/// (a file descriptor written with `write(2)`, which is thread-safe). Everything else
/// (`connections`, `retiredTags`, `nextToken`) is touched only on the dispatcher thread, with
/// ``NetSNMPLibrary/lock`` held.
final class Dispatcher: @unchecked Sendable {
    enum Command: Sendable {
        case register(id: UInt64, configuration: AgentConfiguration, statistics: SessionStatistics)
        case submit(id: UInt64, target: String, operation: SNMPOperation, continuation: ResponseContinuation)
    }

    private enum State {
        case idle
        case running
        case stopping
        case stopped
    }

    private struct Inbox {
        var state = State.idle
        var commands: [Command] = []
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let inbox = Mutex(Inbox())
    private let wakeReadEnd: Int32
    private let wakeWriteEnd: Int32

    /// What tests read to see the one-thread design at work.
    let diagnostics = DispatcherDiagnostics()

    // Dispatcher thread only.
    private var dispatcherThread: pthread_t?
    private var connections: [UInt64: AgentConnection] = [:]
    private var retiredTags: [UnsafeMutablePointer<ftth_request_tag>] = []
    private var nextToken: UInt64 = 1

    init() {
        NetSNMPLibrary.initialize()
        var ends: [Int32] = [-1, -1]
        let status = ends.withUnsafeMutableBufferPointer { ftth_wake_pipe($0.baseAddress) }
        precondition(status == 0, "cannot create the SNMP dispatcher's wake-up pipe: errno \(errno)")
        wakeReadEnd = ends[0]
        wakeWriteEnd = ends[1]
    }

    deinit {
        close(wakeReadEnd)
        close(wakeWriteEnd)
    }

    // MARK: - Any thread

    /// Hands `command` to the dispatcher thread, starting it on first use. A submission after
    /// shutdown fails at once.
    func send(_ command: Command) {
        enum Outcome {
            case queued(start: Bool)
            case rejected
        }
        let outcome = inbox.withLock { inbox -> Outcome in
            switch inbox.state {
            case .stopping, .stopped:
                return .rejected
            case .idle:
                inbox.state = .running
                inbox.commands.append(command)
                return .queued(start: true)
            case .running:
                inbox.commands.append(command)
                return .queued(start: false)
            }
        }
        switch outcome {
        case .rejected:
            if case .submit(_, let target, _, let continuation) = command {
                continuation.resume(returning: .failure(.shutDown(target)))
            }
        case .queued(let start):
            if start {
                Thread { [self] in self.run() }.start()
            } else {
                wake()
            }
        }
    }

    /// Closes every session, fails what is outstanding, and returns when the thread has ended.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = inbox.withLock { inbox -> Bool in
                switch inbox.state {
                case .idle, .stopped:
                    inbox.state = .stopped
                    return true
                case .running, .stopping:
                    inbox.state = .stopping
                    inbox.stopWaiters.append(continuation)
                    return false
                }
            }
            if resumeNow {
                continuation.resume()
            } else {
                wake()
            }
        }
    }

    /// Like ``shutdown()`` without waiting; for `deinit`.
    func requestShutdown() {
        let running = inbox.withLock { inbox -> Bool in
            switch inbox.state {
            case .idle, .stopped:
                inbox.state = .stopped
                return false
            case .running, .stopping:
                inbox.state = .stopping
                return true
            }
        }
        if running { wake() }
    }

    private func wake() {
        var byte: UInt8 = 1
        // A full pipe already holds a wake-up: EAGAIN is fine.
        _ = write(wakeWriteEnd, &byte, 1)
    }

    // MARK: - Dispatcher thread

    private func run() {
        dispatcherThread = pthread_self()
        Thread.current.name = "snmp-dispatcher"
        var descriptors: [pollfd] = []
        var polled: [AgentConnection?] = []
        while true {
            var timeout: Int32 = -1
            let keepRunning = NetSNMPLibrary.lock.withLock { _ -> Bool in
                let (commands, stopping) = takeCommands()
                for command in commands { apply(command) }
                if stopping {
                    for connection in connections.values { connection.shutDown() }
                    connections = [:]
                    freeRetiredTags()
                    return false
                }
                for connection in connections.values where connection.needsPump { connection.pump() }
                freeRetiredTags()
                diagnostics.noteBusyAgents(connections.values.count(where: \.hasOutstanding))

                descriptors = [pollfd(fd: wakeReadEnd, events: Int16(POLLIN), revents: 0)]
                polled = [nil]
                var earliest: Int?
                let now = ContinuousClock.now
                for connection in connections.values where connection.handle != nil {
                    descriptors.append(pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0))
                    polled.append(connection)
                    if let due = connection.nextTimeoutMilliseconds(now: now) {
                        earliest = min(earliest ?? due, due)
                    }
                }
                if let earliest { timeout = Int32(clamping: earliest) }
                return true
            }
            guard keepRunning else { break }

            let ready = descriptors.withUnsafeMutableBufferPointer {
                poll($0.baseAddress, nfds_t($0.count), timeout)
            }

            NetSNMPLibrary.lock.withLock { _ in
                if ready > 0 {
                    if descriptors[0].revents != 0 { drainWakePipe() }
                    for index in descriptors.indices.dropFirst() where descriptors[index].revents != 0 {
                        polled[index]?.read()
                    }
                }
                let now = ContinuousClock.now
                for connection in connections.values where connection.hasOutstanding {
                    connection.checkTimeouts(now: now)
                }
                freeRetiredTags()
            }
        }
        let waiters = inbox.withLock { inbox -> [CheckedContinuation<Void, Never>] in
            inbox.state = .stopped
            let waiters = inbox.stopWaiters
            inbox.stopWaiters = []
            return waiters
        }
        drainWakePipe()
        for waiter in waiters { waiter.resume() }
    }

    /// The queued commands, and whether to stop. Once stopping, nothing more is accepted.
    private func takeCommands() -> ([Command], Bool) {
        inbox.withLock { inbox in
            let commands = inbox.commands
            inbox.commands = []
            return (commands, inbox.state == .stopping)
        }
    }

    private func apply(_ command: Command) {
        switch command {
        case .register(let id, let configuration, let statistics):
            connections[id] = AgentConnection(
                id: id, configuration: configuration, statistics: statistics, dispatcher: self)
        case .submit(let id, let target, let operation, let continuation):
            guard let connection = connections[id] else {
                continuation.resume(returning: .failure(.shutDown(target)))
                return
            }
            connection.enqueue(operation, continuation: continuation)
        }
    }

    private func drainWakePipe() {
        var buffer = [UInt8](repeating: 0, count: 256)
        while buffer.withUnsafeMutableBytes({ read(wakeReadEnd, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// A callback data block for a request of `connection`, and its token.
    func makeTag(connection: UInt64) -> (UInt64, UnsafeMutablePointer<ftth_request_tag>) {
        let token = nextToken
        nextToken += 1
        let tag = UnsafeMutablePointer<ftth_request_tag>.allocate(capacity: 1)
        tag.initialize(
            to: ftth_request_tag(
                netsnmp_scratch: 0, reserved: 0, owner: Unmanaged.passUnretained(self).toOpaque(),
                connection: connection, token: token))
        return (token, tag)
    }

    /// A tag net-snmp is done with. Freed only after the net-snmp call that made the callback
    /// returns: net-snmp may still write into it after the callback (see `ftth_request_tag`).
    func retire(_ tag: UnsafeMutablePointer<ftth_request_tag>) {
        retiredTags.append(tag)
    }

    private func freeRetiredTags() {
        for tag in retiredTags {
            tag.deinitialize(count: 1)
            tag.deallocate()
        }
        retiredTags.removeAll(keepingCapacity: true)
    }

    func handleCallback(
        operation: Int32, session: UnsafeMutablePointer<netsnmp_session>?, pdu: UnsafeMutablePointer<netsnmp_pdu>?,
        tag: UnsafeMutablePointer<ftth_request_tag>
    ) -> Int32 {
        diagnostics.noteCallback(
            onDispatcherThread: dispatcherThread.map { pthread_equal($0, pthread_self()) != 0 } ?? false)
        guard let connection = connections[tag.pointee.connection] else { return 1 }
        return connection.handleCallback(operation: operation, session: session, pdu: pdu, token: tag.pointee.token)
    }
}

/// Counters about the dispatcher thread itself, for tests and troubleshooting.
final class DispatcherDiagnostics: Sendable {
    private let callbacks = Atomic<Int>(0)
    private let callbacksElsewhere = Atomic<Int>(0)
    private let busyAgentsPeak = Atomic<Int>(0)

    /// net-snmp callbacks handled so far.
    var callbackCount: Int { callbacks.load(ordering: .relaxed) }
    /// Callbacks that ran on a thread other than the dispatcher's: always 0.
    var callbacksOffDispatcherThread: Int { callbacksElsewhere.load(ordering: .relaxed) }
    /// The most agents that had requests in flight at the same time.
    var peakBusyAgents: Int { busyAgentsPeak.load(ordering: .relaxed) }

    func noteCallback(onDispatcherThread: Bool) {
        callbacks.add(1, ordering: .relaxed)
        if !onDispatcherThread { callbacksElsewhere.add(1, ordering: .relaxed) }
    }

    func noteBusyAgents(_ count: Int) {
        if count > busyAgentsPeak.load(ordering: .relaxed) { busyAgentsPeak.store(count, ordering: .relaxed) }
    }
}
