import SNMPModel
import Synchronization

/// The SNMP client: one engine over net-snmp serving many agents.
///
/// A client owns one dispatcher thread that runs net-snmp's single-session API for every agent
/// (`snmp_sess_async_send`, then `poll` on all sessions' sockets, `snmp_sess_read`,
/// `snmp_sess_timeout`); async callers suspend on continuations and never block the concurrency
/// pool. Get one ``SNMPSession`` per agent with ``session(for:maxInFlight:)``; keep the client
/// alive while its sessions are in use and call ``shutdown()`` when done (dropping the last
/// reference shuts it down too, without waiting).
///
/// ```swift
/// let client = SNMPClient()
/// let olt = try client.session(for: SNMPTarget(host: "10.0.0.1", credentials: .v2c(community: "public")))
/// let rows = try await olt.walk("1.3.6.1.4.1.2011.6.128.1.1.2.23", maxRepetitions: 10)
/// await client.shutdown()
/// ```
public final class SNMPClient: Sendable {
    private let dispatcher = Dispatcher()
    private let sessions = Mutex<Registry>(Registry())

    private struct Registry {
        var byTarget: [SNMPTarget: SNMPSession] = [:]
        var nextID: UInt64 = 1
        var shutDown = false
    }

    /// A client with no sessions; its thread starts with the first request.
    public init() {}

    deinit {
        dispatcher.requestShutdown()
    }

    /// The session for `target`, created on first use and cached per target (same host, port,
    /// credentials, timeout and retries): every caller shares its in-flight limit.
    ///
    /// The session opens with its first request. A host name is resolved then, on the dispatcher
    /// thread, holding up every agent while it resolves: give OLTs by IP address. For SNMPv3,
    /// net-snmp holds one key set per agent (engine ID) and user in the whole process: while one
    /// session uses a user on an agent, another session with the same user and other keys fails
    /// with ``SNMPError/Code/invalidRequest``.
    ///
    /// - Parameter maxInFlight: how many requests may wait for an answer from this agent at once;
    ///   further requests queue in order. Real OLTs time out when hammered: keep it small. Applies
    ///   when the session is created; a cached session keeps its limit.
    /// - Throws: ``SNMPError`` with ``SNMPError/Code/invalidRequest`` for a target that cannot work
    ///   (bad port, timeout, a key shorter than 8 characters, DES where this build has none), and
    ///   ``SNMPError/Code/transport`` after ``shutdown()``.
    public func session(for target: SNMPTarget, maxInFlight: Int = 4) throws(SNMPError) -> SNMPSession {
        if let existing = sessions.withLock({ $0.byTarget[target] }) {
            return existing
        }
        // Validation and key derivation (a million hash rounds per key) happen outside the lock.
        let configuration = try AgentConfiguration(target: target, maxInFlight: maxInFlight)
        let result = sessions.withLock { registry -> Result<SNMPSession, SNMPError> in
            if registry.shutDown {
                return .failure(.shutDown(target.description))
            }
            if let existing = registry.byTarget[target] {
                return .success(existing)
            }
            let id = registry.nextID
            registry.nextID += 1
            let statistics = SessionStatistics()
            let session = SNMPSession(
                id: id, target: target, configuration: configuration, statistics: statistics, dispatcher: dispatcher)
            registry.byTarget[target] = session
            // Registered under the registry lock so that no request of this session can overtake it.
            dispatcher.send(.register(id: id, configuration: configuration, statistics: statistics))
            return .success(session)
        }
        return try result.get()
    }

    /// Counters about the dispatcher thread, for tests.
    var diagnostics: DispatcherDiagnostics { dispatcher.diagnostics }

    /// Closes every session and stops the dispatcher thread. Requests still queued or in flight
    /// fail with ``SNMPError/Code/transport`` ("the SNMP client was shut down"); later requests
    /// fail the same way at once.
    public func shutdown() async {
        sessions.withLock { $0.shutDown = true }
        await dispatcher.shutdown()
    }
}
