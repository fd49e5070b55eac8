internal import CNetSNMP
import SNMPModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One agent as the dispatcher thread sees it: the net-snmp single-session handle, SNMPv3 engine
/// discovery, the requests in flight and the FIFO of requests waiting for a slot.
///
/// Confined to the dispatcher thread; every method runs with ``NetSNMPLibrary/lock`` held.
final class AgentConnection {
    let id: UInt64
    let configuration: AgentConfiguration
    let statistics: SessionStatistics
    unowned let dispatcher: Dispatcher

    /// The `snmp_sess_open` handle, nil until the first request and after a transport failure.
    private(set) var handle: UnsafeMutableRawPointer?
    /// The UDP socket of `handle`.
    private(set) var socket: Int32 = -1
    /// Set when a request completed, so the dispatcher sends the next queued ones.
    var needsPump = false

    private enum Engine {
        /// v1 and v2c have no engine.
        case notNeeded
        case unknown
        case discovering(token: UInt64)
        case known
    }

    private struct Waiting {
        let operation: SNMPOperation
        let continuation: ResponseContinuation
    }

    private struct InFlight {
        /// nil for the engine discovery probe.
        let request: Waiting?
        let tag: UnsafeMutablePointer<ftth_request_tag>
        /// Beyond net-snmp's own timeout × (retries + 1): only a request net-snmp lost track of
        /// gets here.
        let watchdog: ContinuousClock.Instant
    }

    private var engine: Engine
    private var queue: [Waiting] = []
    private var queueHead = 0
    private var inFlight: [UInt64: InFlight] = [:]
    private var requestsInFlight = 0
    /// While closing, the error outstanding requests fail with.
    private var closingError: SNMPError?
    /// A failure seen inside a callback that closes the session once net-snmp has returned.
    private var pendingFailure: SNMPError?

    init(id: UInt64, configuration: AgentConfiguration, statistics: SessionStatistics, dispatcher: Dispatcher) {
        self.id = id
        self.configuration = configuration
        self.statistics = statistics
        self.dispatcher = dispatcher
        self.engine = configuration.usm == nil ? .notNeeded : .unknown
    }

    var hasOutstanding: Bool { !inFlight.isEmpty }
    private var queuedCount: Int { queue.count - queueHead }

    // MARK: - Requests

    func enqueue(_ operation: SNMPOperation, continuation: ResponseContinuation) {
        queue.append(Waiting(operation: operation, continuation: continuation))
        needsPump = true
        recordStatistics()
    }

    /// Sends queued requests while fewer than `maxInFlight` are in flight, opening the session and
    /// discovering the v3 engine first when needed.
    func pump() {
        needsPump = false
        guard queuedCount > 0 else { return }
        if handle == nil {
            if let error = open() {
                failQueued(error)
                return
            }
        }
        switch engine {
        case .unknown:
            sendProbe()
            return
        case .discovering:
            return
        case .known, .notNeeded:
            break
        }
        while requestsInFlight < configuration.maxInFlight, queuedCount > 0, handle != nil {
            let next = queue[queueHead]
            queueHead += 1
            send(next)
        }
        compactQueue()
        recordStatistics()
    }

    private func send(_ request: Waiting) {
        guard let handle else {
            request.continuation.resume(returning: .failure(.shutDown(configuration.description)))
            return
        }
        guard let pdu = NetSNMPPDU.make(request.operation) else {
            request.continuation.resume(
                returning: .failure(
                    SNMPError(
                        .invalidRequest, target: configuration.description, oid: request.operation.bindings.first?.oid,
                        message: "net-snmp could not build the \(request.operation.name) PDU for these bindings")))
            return
        }
        let (token, tag) = dispatcher.makeTag(connection: id)
        ftth_clear_error_detail()
        guard snmp_sess_async_send(handle, pdu, ftthRequestCallback, tag) != 0 else {
            snmp_free_pdu(pdu)
            dispatcher.retire(tag)
            request.continuation.resume(returning: .failure(sendError(request.operation)))
            return
        }
        inFlight[token] = InFlight(request: request, tag: tag, watchdog: watchdogDeadline())
        requestsInFlight += 1
    }

    private func sendProbe() {
        guard let handle else { return }
        guard let pdu = ftth_engine_probe_pdu() else {
            failQueued(
                SNMPError(
                    .transport, target: configuration.description,
                    message: "net-snmp could not build the SNMPv3 engine ID discovery request (out of memory?)"))
            return
        }
        let (token, tag) = dispatcher.makeTag(connection: id)
        ftth_clear_error_detail()
        guard snmp_sess_async_send(handle, pdu, ftthRequestCallback, tag) != 0 else {
            snmp_free_pdu(pdu)
            dispatcher.retire(tag)
            failQueued(sendError(nil))
            return
        }
        inFlight[token] = InFlight(request: nil, tag: tag, watchdog: watchdogDeadline())
        engine = .discovering(token: token)
    }

    private func watchdogDeadline() -> ContinuousClock.Instant {
        let budget = configuration.timeoutMilliseconds * (configuration.retries + 1)
        return .now + .milliseconds(2 * budget + 1000)
    }

    private func sendError(_ operation: SNMPOperation?) -> SNMPError {
        guard let handle, let session = snmp_sess_session(handle) else {
            return .shutDown(configuration.description)
        }
        return .netSNMP(
            session.pointee.s_snmp_errno, systemError: session.pointee.s_errno, configuration: configuration,
            operation: operation, action: "sending \(operation?.name ?? "SNMPv3 engine ID discovery") failed")
    }

    // MARK: - Callbacks from net-snmp

    /// net-snmp's callback for one of this connection's requests. Returns what net-snmp expects:
    /// 1 when the request is done, 0 to keep it outstanding.
    func handleCallback(
        operation: Int32, session: UnsafeMutablePointer<netsnmp_session>?, pdu: UnsafeMutablePointer<netsnmp_pdu>?,
        token: UInt64
    ) -> Int32 {
        guard let entry = inFlight[token] else { return 1 }
        if operation == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE, let pdu,
            Int32(pdu.pointee.command) == Int32(ftth_SNMP_MSG_REPORT),
            snmpv3_get_report_type(pdu) == SNMPERR_NOT_IN_TIME_WINDOW
                || session?.pointee.s_snmp_errno == SNMPERR_NOT_IN_TIME_WINDOW
        {
            // The Report brought the agent's clock. Answering 1 would let net-snmp resend the request
            // itself while the client thinks it done; 0 keeps it outstanding, and net-snmp sends it
            // again (now in the time window) when it times out, or reports the timeout.
            return 0
        }
        switch operation {
        case NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE, NETSNMP_CALLBACK_OP_TIMED_OUT:
            break
        case NETSNMP_CALLBACK_OP_SEND_FAILED:
            // Whether net-snmp still holds the request is not certain: close the session once
            // net-snmp has returned, which ends every request it holds.
            if pendingFailure == nil {
                pendingFailure = closingError ?? sendError(entry.request?.operation)
            }
            return 1
        default:
            // Informational (a resend, a connection): the request goes on.
            return 1
        }
        guard let request = entry.request else {
            handleProbe(operation: operation, pdu: pdu, token: token)
            return 1
        }
        guard operation == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE, let pdu else {
            finish(
                token, request: request,
                with: .failure(closingError ?? .timeout(configuration, operation: request.operation)))
            return 1
        }
        if Int32(pdu.pointee.command) == Int32(ftth_SNMP_MSG_REPORT) {
            let type = snmpv3_get_report_type(pdu)
            if type == SNMPERR_UNKNOWN_ENG_ID, let handle, let session = snmp_sess_session(handle) {
                ftth_session_clear_engine(session)
                USMUserRegistry.shared.release(ObjectIdentifier(self))
                engine = .unknown
            }
            let error = SNMPError.report(type, reportOID: NetSNMPPDU.firstOID(pdu), configuration: configuration)
            finish(token, request: request, with: .failure(error))
            return 1
        }
        finish(token, request: request, with: .success(NetSNMPPDU.response(pdu)))
        return 1
    }

    private func handleProbe(operation: Int32, pdu: UnsafeMutablePointer<netsnmp_pdu>?, token: UInt64) {
        guard let entry = inFlight.removeValue(forKey: token) else { return }
        dispatcher.retire(entry.tag)
        needsPump = true
        engine = .unknown
        if let closingError {
            failQueued(closingError)
            return
        }
        switch operation {
        case NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE:
            guard let pdu, let engineID = pdu.pointee.securityEngineID, pdu.pointee.securityEngineIDLen > 0,
                let handle, let session = snmp_sess_session(handle)
            else {
                failQueued(
                    SNMPError(
                        .authenticationFailure, target: configuration.description,
                        message:
                            "the agent answered SNMPv3 engine ID discovery without an engine ID; "
                            + "check that the agent speaks SNMPv3 (USM)"))
                return
            }
            let engineBytes = Array(UnsafeBufferPointer(start: engineID, count: pdu.pointee.securityEngineIDLen))
            let claim = claimUSMUser(engineID: engineBytes)
            guard claim != .conflict else {
                let hex = engineBytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
                failQueued(
                    SNMPError(
                        .invalidRequest, target: configuration.description,
                        message:
                            "another open session of this process uses SNMPv3 user '\(configuration.usm?.user ?? "?")' "
                            + "on this agent (engine ID \(hex)) with other keys or protocols; net-snmp holds one key "
                            + "set per agent and user: configure the same keys for both, or another user"))
                return
            }
            let status = ftth_session_set_engine(
                session, engineID, pdu.pointee.securityEngineIDLen, claim == .fresh ? 1 : 0)
            guard status == SNMPERR_SUCCESS else {
                USMUserRegistry.shared.release(ObjectIdentifier(self))
                failQueued(
                    SNMPError(
                        .authenticationFailure, target: configuration.description,
                        message:
                            "net-snmp could not set up SNMPv3 user '\(configuration.usm?.user ?? "?")' for the "
                            + "agent's engine: \(NetSNMPLibrary.errorText(status))"))
                return
            }
            engine = .known
        default:
            failQueued(.discoveryTimeout(configuration))
        }
    }

    private func claimUSMUser(engineID: [UInt8]) -> USMUserRegistry.Claim {
        guard let usm = configuration.usm else { return .fresh }
        return USMUserRegistry.shared.claim(
            USMUserRegistry.User(engineID: engineID, name: usm.user),
            keys: USMUserRegistry.Keys(
                authProtocol: usm.authProtocol, authKey: usm.authKey, privProtocol: usm.privProtocol,
                privKey: usm.privKey),
            owner: ObjectIdentifier(self))
    }

    private func finish(_ token: UInt64, request: Waiting, with result: Result<SNMPResponse, SNMPError>) {
        guard let entry = inFlight.removeValue(forKey: token) else { return }
        dispatcher.retire(entry.tag)
        requestsInFlight -= 1
        needsPump = true
        recordStatistics()
        request.continuation.resume(returning: result)
    }

    // MARK: - Reading and timeouts

    /// The socket is readable: let net-snmp read and dispatch one datagram.
    func read() {
        guard let handle else { return }
        _ = ftth_sess_read(handle)
        closeIfFailed()
    }

    private func closeIfFailed() {
        if let failure = pendingFailure {
            pendingFailure = nil
            close(with: failure)
        }
    }

    /// Lets net-snmp resend or expire requests whose time is up; closes the session when net-snmp
    /// could not resend or lost a request.
    func checkTimeouts(now: ContinuousClock.Instant) {
        guard let handle, !inFlight.isEmpty, let session = snmp_sess_session(handle) else { return }
        session.pointee.s_snmp_errno = 0
        session.pointee.s_errno = 0
        snmp_sess_timeout(handle)
        if pendingFailure != nil {
            closeIfFailed()
            return
        }
        if session.pointee.s_snmp_errno == SNMPERR_BAD_SENDTO {
            close(
                with: .netSNMP(
                    SNMPERR_BAD_SENDTO, systemError: session.pointee.s_errno, configuration: configuration,
                    operation: nil, action: "resending a request failed"))
            return
        }
        if inFlight.values.contains(where: { $0.watchdog < now }) {
            close(
                with: SNMPError(
                    .timeout, target: configuration.description,
                    message:
                        "a request got no answer long after timeout × (retries + 1); the session was reopened: "
                        + "check that the agent is up and reachable"))
        }
    }

    /// Milliseconds until this session's requests need looking at again (net-snmp's next
    /// retransmission or expiry, or a watchdog), or nil when nothing is outstanding.
    func nextTimeoutMilliseconds(now: ContinuousClock.Instant) -> Int? {
        guard let handle, let watchdog = inFlight.values.map(\.watchdog).min() else { return nil }
        let untilWatchdog = now.duration(to: watchdog).components
        let watchdogMilliseconds = untilWatchdog.seconds * 1000 + untilWatchdog.attoseconds / 1_000_000_000_000_000
        var due = max(0, Int(watchdogMilliseconds) + 1)
        var tv = timeval()
        if ftth_sess_next_timeout(handle, &tv) != 0 {
            let microseconds = Int(tv.tv_sec) * 1_000_000 + Int(tv.tv_usec)
            due = min(due, (microseconds + 999) / 1000)
        }
        return due
    }

    // MARK: - Opening and closing

    /// Opens the net-snmp session; nil on success, else why not.
    private func open() -> SNMPError? {
        var session = netsnmp_session()
        snmp_sess_init(&session)
        session.version = configuration.version
        session.timeout = configuration.timeoutMilliseconds * 1000
        session.retries = Int32(clamping: configuration.retries)
        var owned: [UnsafeMutableRawPointer] = []
        defer { owned.forEach { free($0) } }
        func cString(_ text: String) -> UnsafeMutablePointer<CChar>? {
            guard let copy = strdup(text) else { return nil }
            owned.append(UnsafeMutableRawPointer(copy))
            return copy
        }
        session.peername = cString(configuration.peerName)
        if let usm = configuration.usm {
            session.securityModel = Int32(SNMP_SEC_MODEL_USM)
            session.securityLevel = usm.level
            session.securityName = cString(usm.user)
            session.securityNameLen = usm.user.utf8.count
            session.contextName = cString(usm.context)
            session.contextNameLen = usm.context.utf8.count
            var length = 0
            session.securityAuthProto = ftth_auth_protocol(usm.authProtocol, &length)
            session.securityAuthProtoLen = length
            withUnsafeMutableBytes(of: &session.securityAuthKey) { $0.copyBytes(from: usm.authKey) }
            session.securityAuthKeyLen = usm.authKey.count
            session.securityPrivProto = ftth_priv_protocol(usm.privProtocol, &length)
            session.securityPrivProtoLen = length
            withUnsafeMutableBytes(of: &session.securityPrivKey) { $0.copyBytes(from: usm.privKey) }
            session.securityPrivKeyLen = usm.privKey.count
            // net-snmp's own discovery blocks for up to timeout × (retries + 1): the connection
            // discovers the engine ID itself, asynchronously.
            session.flags |= UInt(SNMP_FLAGS_DONT_PROBE)
        } else if let community = malloc(configuration.community.count) {
            owned.append(community)
            community.copyMemory(from: configuration.community, byteCount: configuration.community.count)
            session.community = community.assumingMemoryBound(to: u_char.self)
            session.community_len = configuration.community.count
        }
        ftth_clear_error_detail()
        let opened = snmp_sess_open(&session)
        // The session copied what it needs; wipe the keys from this stack copy.
        withUnsafeMutableBytes(of: &session.securityAuthKey) { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) }
        withUnsafeMutableBytes(of: &session.securityPrivKey) { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) }
        guard let opened, let openedSession = snmp_sess_session(opened) else {
            return .netSNMP(
                session.s_snmp_errno, systemError: session.s_errno, configuration: configuration, operation: nil,
                action: "opening a UDP session to the agent failed")
        }
        if configuration.usm != nil {
            // snmp_sess_open clears the flag once it has (not) probed; keep net-snmp from probing
            // synchronously in snmp_sess_async_send.
            openedSession.pointee.flags |= UInt(SNMP_FLAGS_DONT_PROBE)
            engine = .unknown
        }
        handle = opened
        socket = ftth_sess_socket(opened)
        return nil
    }

    /// Closes the session: requests in flight fail with `error`, queued ones stay for a reopen.
    func close(with error: SNMPError) {
        guard let handle else { return }
        closingError = error
        // Calls back every outstanding request with "timed out": they fail with `closingError`.
        snmp_sess_close(handle)
        USMUserRegistry.shared.release(ObjectIdentifier(self))
        self.handle = nil
        socket = -1
        for (token, entry) in inFlight {
            if let request = entry.request {
                finish(token, request: request, with: .failure(error))
            } else {
                inFlight.removeValue(forKey: token)
                dispatcher.retire(entry.tag)
            }
        }
        engine = configuration.usm == nil ? .notNeeded : .unknown
        closingError = nil
        pendingFailure = nil
        needsPump = true
    }

    /// Closes the session and fails everything, queued requests included.
    func shutDown() {
        let error = SNMPError.shutDown(configuration.description)
        close(with: error)
        failQueued(error)
    }

    private func failQueued(_ error: SNMPError) {
        let waiting = queue[queueHead...]
        queue = []
        queueHead = 0
        recordStatistics()
        for request in waiting {
            request.continuation.resume(returning: .failure(error))
        }
    }

    private func compactQueue() {
        if queueHead > 64, queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
    }

    private func recordStatistics() {
        statistics.record(inFlight: requestsInFlight, queued: queuedCount)
    }
}

/// net-snmp's response callback for every request the dispatchers send; `magic` is the request's
/// ``ftth_request_tag``. Runs on a dispatcher thread inside `snmp_sess_read`, `snmp_sess_timeout`
/// or `snmp_sess_close`.
func ftthRequestCallback(
    operation: Int32, session: UnsafeMutablePointer<netsnmp_session>?, requestID: Int32,
    pdu: UnsafeMutablePointer<netsnmp_pdu>?, magic: UnsafeMutableRawPointer?
) -> Int32 {
    guard let magic else { return 1 }
    let tag = magic.assumingMemoryBound(to: ftth_request_tag.self)
    guard let owner = tag.pointee.owner else { return 1 }
    let dispatcher = Unmanaged<Dispatcher>.fromOpaque(owner).takeUnretainedValue()
    return dispatcher.handleCallback(operation: operation, session: session, pdu: pdu, tag: tag)
}
