import CLIModel
import NIOCore
import NIOPosix

/// The sessions to one OLT: reuses idle sessions, opens new ones up to
/// ``CLITarget/maxSessions``, and otherwise queues callers (first come, first served) for at most
/// the login timeout before throwing ``CLIError/Code/sessionLimit``. A session whose body threw a
/// ``CLIError`` is closed, never handed out again. Bodies run outside the actor.
public actor CLIConnectionPool: CLIConnector {
    /// `telnet 10.0.0.1:23`, for messages.
    public nonisolated let target: String
    private let limit: Int
    private let waitLimit: Duration
    private let clock: any Clock<Duration>
    private let open: @Sendable () async throws -> any CLISession

    /// Sessions logged in and not in use, the most recently returned last.
    private var idle: [any CLISession] = []
    /// Sessions open or being opened, in use or idle.
    private var count = 0
    private var waiters: [Waiter] = []
    private var nextWaiterID = 0
    private var isShutDown = false

    /// What a queued caller is given: a session, or the right to open one (a slot came free).
    private enum Lease {
        case session(any CLISession)
        case open
    }

    private struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<Lease, any Error>
        var timer: Task<Void, Never>
    }

    /// A pool of sessions to `target`, dialect `style`: ``CLIShellSession`` over Telnet,
    /// ``LibSSHShellSession`` over SSH. `sessionSetup` runs once on
    /// each new session after login (privileged mode, pager off); what the OLT answers to it is
    /// ignored, since an account may not be allowed every set-up command.
    ///
    /// `permits`: in a cluster, a permit per open session counted across every daemon (at most
    /// ``CLITarget/maxSessions`` to the OLT in all); sessions then close after `idleClose` unused,
    /// so an idle session of one daemon does not keep another waiting.
    public init(
        target: CLITarget, style: CLITerminalStyle, sessionSetup: [String] = [],
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, permits: (any CLISessionPermits)? = nil,
        idleClose: Duration = .seconds(2)
    ) {
        self.init(target: target, permits: permits, idleClose: idleClose) {
            // SSH on libssh: the algorithms OLTs offer, legacy ones where the OLT opted in.
            let session: any CLISession =
                switch target.transport {
                case .ssh: try await LibSSHShellSession.connect(target, style: style)
                case .telnet: try await CLIShellSession.connect(target, style: style, group: group)
                }
            do {
                for line in sessionSetup { _ = try await session.run(line, timeout: target.commandTimeout) }
            } catch {
                await session.close()
                throw error
            }
            return session
        }
    }

    /// A pool whose sessions come from `open` (a test double, another transport); waiting for a
    /// free session is timed on `clock`.
    public init(
        target: CLITarget, clock: any Clock<Duration> = ContinuousClock(), permits: (any CLISessionPermits)? = nil,
        idleClose: Duration = .seconds(2), open: @escaping @Sendable () async throws -> any CLISession
    ) {
        let name = target.description
        let limit = target.maxSessions
        let waitLimit = target.loginTimeout
        self.target = name
        self.limit = limit
        self.waitLimit = waitLimit
        self.clock = clock
        self.idleClose = permits == nil ? nil : idleClose
        guard let permits else {
            self.open = open
            return
        }
        self.open = {
            guard let slot = try await permits.acquire(name, limit: limit, wait: waitLimit) else {
                throw CLIError(
                    .sessionLimit, target: name,
                    message:
                        "all \(limit) sessions to this OLT, counted across the daemons of the cluster, stayed busy for \(waitLimit); raise max_sessions if the OLT allows more VTY sessions, or run fewer jobs against it at once"
                )
            }
            do {
                return PermittedSession(try await open(), resource: name, slot: slot, permits: permits)
            } catch {
                await permits.release(name, slot: slot)
                throw error
            }
        }
    }

    /// In a cluster: how long a session stays open unused before it is closed, giving its
    /// permit back. Nil: idle sessions stay open.
    private let idleClose: Duration?

    /// Runs `body` with a session of its own. Throws what `body` throws, or a ``CLIError``
    /// from opening a session (`.sessionLimit` when none came free within the login timeout).
    public nonisolated func withSession<T: Sendable>(_ body: (any CLISession) async throws -> T) async throws -> T {
        let session = try await checkOut()
        do {
            let result = try await body(session)
            await checkIn(session)
            return result
        } catch let error as CLIError {
            await discard(session)
            throw error
        } catch {
            await checkIn(session)
            throw error
        }
    }

    /// Closes every idle session; sessions in use are closed when they come back.
    public func shutdown() async {
        isShutDown = true
        let closing = idle
        idle.removeAll()
        count -= closing.count
        for session in closing {
            await session.close()
        }
    }

    /// Sessions open now, in use or idle: for tests and status pages.
    public var openSessions: Int { count }

    /// Callers waiting for a session to come free: for tests and status pages.
    public var waitingCallers: Int { waiters.count }

    private func checkOut() async throws -> any CLISession {
        if let session = idle.popLast() {
            return session
        }
        if count < limit {
            count += 1
            return try await openReserved()
        }
        switch try await waitForLease() {
        case .session(let session): return session
        case .open: return try await openReserved()
        }
    }

    /// Opens a session in a slot already counted; gives the slot back when that fails.
    private func openReserved() async throws -> any CLISession {
        do {
            return try await open()
        } catch {
            release()
            throw error
        }
    }

    private func waitForLease() async throws -> Lease {
        let id = nextWaiterID
        nextWaiterID += 1
        let clock = clock
        let waitLimit = waitLimit
        return try await withCheckedThrowingContinuation { continuation in
            let timer = Task {
                try? await clock.sleep(for: waitLimit)
                guard !Task.isCancelled else { return }
                self.expire(id)
            }
            waiters.append(Waiter(id: id, continuation: continuation, timer: timer))
        }
    }

    private func expire(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.continuation.resume(
            throwing: CLIError(
                .sessionLimit, target: target,
                message: "all \(limit) sessions to this OLT stayed busy for \(waitLimit); raise max_sessions if "
                    + "the OLT allows more VTY sessions, or run fewer jobs against it at once"))
    }

    private func checkIn(_ session: any CLISession) async {
        if isShutDown {
            count -= 1
            await session.close()
            return
        }
        if !waiters.isEmpty {
            let waiter = waiters.removeFirst()
            waiter.timer.cancel()
            waiter.continuation.resume(returning: .session(session))
            return
        }
        idle.append(session)
        if let idleClose {
            let clock = clock
            Task {
                try? await clock.sleep(for: idleClose)
                await self.closeIfIdle(session)
            }
        }
    }

    /// Closes `session` when it has stayed idle since it was checked in (not taken again).
    private func closeIfIdle(_ session: any CLISession) async {
        guard let index = idle.lastIndex(where: { $0 === session }) else { return }
        idle.remove(at: index)
        await session.close()
        release()
    }

    private func discard(_ session: any CLISession) async {
        await session.close()
        release()
    }

    /// A slot came free: the first waiter may open a session in it.
    private func release() {
        if !waiters.isEmpty {
            let waiter = waiters.removeFirst()
            waiter.timer.cancel()
            waiter.continuation.resume(returning: .open)
            return
        }
        count -= 1
    }
}

/// Sessions to an OLT counted across the daemons of a cluster: a permit per open session.
public protocol CLISessionPermits: Sendable {
    /// A permit for one more session to `target`, at most `limit` held across the cluster,
    /// waiting up to `wait` for one; nil when none came free in time.
    func acquire(_ target: String, limit: Int, wait: Duration) async throws -> Int?
    /// Gives permit `slot` of `target` back.
    func release(_ target: String, slot: Int) async
}

/// A session holding a permit, which it gives back when it closes.
final class PermittedSession: CLISession {
    let base: any CLISession
    let resource: String
    let slot: Int
    let permits: any CLISessionPermits

    init(_ base: any CLISession, resource: String, slot: Int, permits: any CLISessionPermits) {
        self.base = base
        self.resource = resource
        self.slot = slot
        self.permits = permits
    }

    var target: String { base.target }

    func run(_ line: String, timeout: Duration) async throws -> CLIOutput {
        try await base.run(line, timeout: timeout)
    }

    func close() async {
        await base.close()
        await permits.release(resource, slot: slot)
    }
}
