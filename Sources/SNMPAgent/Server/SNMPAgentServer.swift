import NIOCore
import NIOPosix
import SNMPModel
import Synchronization

/// An SNMP agent on a UDP socket (v1, v2c and v3 with USM) answering GET, GETNEXT, GETBULK and
/// SET from a ``MIBView``. Each request is handled in its own task, so a slow view or the
/// configured response delay never holds up other managers. The delay, the rate limit and
/// whether to answer at all can be changed while it runs, for fault injection.
///
/// Serve with ``run()`` (until the task is cancelled, as a service) or ``start()``/``stop()``.
public final class SNMPAgentServer: Sendable {
    private typealias DatagramChannel = NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>

    private struct State {
        var isAnswering: Bool
        var responseDelay: Duration
        var rateLimit: TokenBucket?
        var isRunning = false
        var port: Int?
        var task: Task<Void, Never>?
        var nextWaiterID: UInt64 = 0
        var portWaiters: [UInt64: CheckedContinuation<Int?, Never>] = [:]
        /// Waiters cancelled before they were registered.
        var cancelledWaiters: Set<UInt64> = []

        /// Records the outcome of a bind and hands back the waiters to resume with it.
        mutating func bound(_ port: Int?) -> [CheckedContinuation<Int?, Never>] {
            self.port = port
            defer { portWaiters = [:] }
            return Array(portWaiters.values)
        }
    }

    /// The configuration the server was created with; see the properties for runtime changes.
    public let configuration: SNMPAgentConfiguration
    private let engine: SNMPAgentEngine
    private let counters: SNMPAgentCounters
    private let clock: AgentClock
    private let state: Mutex<State>

    /// Creates a server on the continuous clock.
    /// - Throws: ``SNMPAgentError`` when the configuration is invalid (a DES user, a bad port…).
    public convenience init(configuration: SNMPAgentConfiguration, view: any MIBView) throws(SNMPAgentError) {
        try self.init(configuration: configuration, view: view, clock: ContinuousClock())
    }

    /// Creates a server whose engine time, rate limit and response delay follow `clock` (a test
    /// clock makes them deterministic).
    /// - Throws: ``SNMPAgentError`` when the configuration is invalid (a DES user, a bad port…).
    public init<C: Clock>(configuration: SNMPAgentConfiguration, view: any MIBView, clock: C) throws(SNMPAgentError)
    where C.Duration == Duration {
        try configuration.validate()
        let agentClock = AgentClock(clock)
        let counters = SNMPAgentCounters()
        self.configuration = configuration
        self.clock = agentClock
        self.counters = counters
        self.engine = SNMPAgentEngine(
            configuration: configuration, view: view, counters: counters, elapsed: agentClock.elapsed)
        self.state = Mutex(
            State(
                isAnswering: configuration.isAnswering, responseDelay: configuration.responseDelay,
                rateLimit: configuration.maxRequestsPerSecond.map { TokenBucket(rate: $0, now: agentClock.elapsed()) }))
    }

    /// The engine ID v3 managers discover.
    public var engineID: [UInt8] { engine.engineID }

    /// The UDP port the server is bound to, nil when it is not serving.
    public var port: Int? { state.withLock { $0.port } }

    /// Waits until ``run()`` or ``start()`` has bound the socket and returns the port (the way
    /// to learn the port picked for port 0 when serving with ``run()``); nil if binding fails or
    /// the waiting task is cancelled.
    public func waitForPort() async -> Int? {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Int?, Never>) in
                let answer: Int?? = state.withLock { state in
                    if let port = state.port { return .some(port) }
                    if state.cancelledWaiters.remove(id) != nil { return .some(nil) }
                    state.portWaiters[id] = continuation
                    return .none
                }
                if let answer { continuation.resume(returning: answer) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                guard let waiter = state.portWaiters.removeValue(forKey: id) else {
                    state.cancelledWaiters.insert(id)
                    return CheckedContinuation<Int?, Never>?.none
                }
                return waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// The counters so far.
    public var statistics: SNMPAgentStatistics { counters.snapshot }

    /// Whether requests are answered; false drops every request, including responses not yet sent.
    public var isAnswering: Bool {
        get { state.withLock { $0.isAnswering } }
        set { state.withLock { $0.isAnswering = newValue } }
    }

    /// How long each response waits before it is sent (a request's delay is fixed when it arrives).
    public var responseDelay: Duration {
        get { state.withLock { $0.responseDelay } }
        set {
            precondition(newValue >= .zero, "a response delay cannot be negative")
            state.withLock { $0.responseDelay = newValue }
        }
    }

    /// Requests accepted per second, nil for no limit; setting it starts a full bucket.
    public var maxRequestsPerSecond: Int? {
        get { state.withLock { $0.rateLimit?.rate } }
        set {
            precondition(newValue.map { $0 > 0 } ?? true, "a rate limit must be positive")
            let now = clock.elapsed()
            state.withLock { $0.rateLimit = newValue.map { TokenBucket(rate: $0, now: now) } }
        }
    }

    /// Binds the socket and serves until the calling task is cancelled, then closes the socket
    /// and returns.
    /// - Throws: ``SNMPAgentError`` when the socket cannot be bound or the server already runs.
    public func run() async throws {
        try claim()
        defer { finished() }
        let channel = try await bind()
        do {
            try await serve(channel)
        } catch is CancellationError {
            // Cancellation is how a service is told to stop: not a failure.
        }
    }

    /// Binds the socket and serves in a background task until ``stop()``.
    /// - Returns: The bound UDP port (useful with port 0).
    /// - Throws: ``SNMPAgentError`` when the socket cannot be bound or the server already runs.
    @discardableResult
    public func start() async throws(SNMPAgentError) -> Int {
        try claim()
        let channel: DatagramChannel
        do {
            channel = try await bind()
        } catch {
            finished()
            throw error
        }
        let task = Task {
            // Errors end the serving task; stop() is how it is meant to end, by cancellation.
            try? await self.serve(channel)
            self.finished()
        }
        return state.withLock {
            $0.task = task
            return $0.port ?? 0
        }
    }

    /// Stops a server started with ``start()`` and waits until its socket is closed.
    public func stop() async {
        let task = state.withLock { state in
            defer { state.task = nil }
            return state.task
        }
        task?.cancel()
        await task?.value
    }

    /// Marks the server as stopped: no port, free to run again.
    private func finished() {
        state.withLock { state in
            state.isRunning = false
            state.port = nil
        }
    }

    private func claim() throws(SNMPAgentError) {
        let claimed = state.withLock { state in
            defer { state.isRunning = true }
            return !state.isRunning
        }
        guard claimed else {
            throw SNMPAgentError(.alreadyRunning, "The SNMP agent is already serving; stop it first.")
        }
    }

    private func bind() async throws(SNMPAgentError) -> DatagramChannel {
        let host = configuration.host
        let port = configuration.port
        let channel: DatagramChannel
        do {
            channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.so_rcvbuf), value: 1 << 20)
                // A datagram can be up to 64 KiB; NIO's default buffer would cut it at 2 KiB.
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try DatagramChannel(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            for waiter in state.withLock({ $0.bound(nil) }) { waiter.resume(returning: nil) }
            throw SNMPAgentError(
                .bindFailed,
                "Could not bind the SNMP agent to udp:\(host):\(port); is the address local and the port free?",
                underlying: error)
        }
        let boundPort = channel.channel.localAddress?.port
        for waiter in state.withLock({ $0.bound(boundPort) }) { waiter.resume(returning: boundPort) }
        return channel
    }

    private func serve(_ channel: DatagramChannel) async throws {
        try await channel.executeThenClose { inbound, outbound in
            try await withThrowingDiscardingTaskGroup { group in
                for try await envelope in inbound {
                    guard let delay = admit() else { continue }
                    let intake = engine.intake(Array(envelope.data.readableBytesView))
                    if case .drop = intake { continue }
                    let address = envelope.remoteAddress
                    group.addTask {
                        await self.answer(intake, after: delay, to: address, through: outbound)
                    }
                }
            }
        }
    }

    /// Counts the request and applies the answering switch and the rate limit; the response
    /// delay when the request may go on, nil when it is dropped.
    private func admit() -> Duration? {
        counters.increment(.requests)
        let now = clock.elapsed()
        let (delay, refusal): (Duration, SNMPAgentCounters.Counter?) = state.withLock { state in
            guard state.isAnswering else { return (.zero, .droppedWhileNotAnswering) }
            guard state.rateLimit?.take(now: now) ?? true else { return (.zero, .rateLimited) }
            return (state.responseDelay, nil)
        }
        guard let refusal else { return delay }
        counters.increment(refusal)
        counters.increment(.dropped)
        return nil
    }

    private func answer(
        _ intake: SNMPAgentEngine.Intake, after delay: Duration, to address: SocketAddress,
        through outbound: NIOAsyncChannelOutboundWriter<AddressedEnvelope<ByteBuffer>>
    ) async {
        let reply: SNMPAgentEngine.Reply?
        switch intake {
        case .drop: reply = nil
        case .reply(let ready): reply = ready
        case .request(let request): reply = await engine.process(request)
        }
        guard let reply else { return }
        if delay > .zero {
            do {
                try await clock.sleep(delay)
            } catch {
                counters.increment(.dropped)
                return
            }
        }
        guard isAnswering else {
            counters.increment(.droppedWhileNotAnswering)
            counters.increment(.dropped)
            return
        }
        do {
            try await outbound.write(AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: reply.bytes)))
            counters.increment(reply.kind == .report ? .reports : .responses)
        } catch {
            counters.increment(.dropped)
        }
    }
}
