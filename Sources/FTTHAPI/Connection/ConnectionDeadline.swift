/// Which timeout governs an HTTP/1 connection at each moment, as a state machine that returns
/// what to do with the connection's one timer. It holds no clock and no channel: the handler
/// (``ConnectionGuard``) feeds it the connection's events and carries out the actions.
///
/// - A new connection, and a kept-alive one whose next request has begun, must complete the
///   request's head within `head` (a total, not renewed by each byte: half a header sent slowly
///   is closed all the same).
/// - While a body arrives, each read renews `body`: a body shorter than its Content-Length stops
///   arriving and is closed once `body` passes.
/// - Between a response and the next request's first byte, `idle` applies.
/// - While the server answers (a long download, the event stream) no timeout runs.
struct ConnectionDeadline {
    /// What the connection waits for.
    enum Phase: String, Equatable, Sendable {
        case idle, head, body, responding
    }

    /// The three timeouts; ``APIServer`` takes them from `[api]`.
    struct Timeouts: Sendable, Equatable {
        var idle: Duration
        var head: Duration
        var body: Duration
    }

    /// What the handler does with the timer.
    enum Action: Equatable {
        /// (Re)start the timer for `phase`, cancelling the one that runs.
        case arm(Phase, Duration)
        /// Stop the timer that runs.
        case disarm
        case none
    }

    let timeouts: Timeouts
    /// The phase whose timer runs, if any.
    private(set) var armed: Phase?
    private var readingBody = false
    private var unanswered = 0
    /// A request has begun (or the connection is new) and its head is not complete.
    private var requestBegun = false

    init(timeouts: Timeouts) { self.timeouts = timeouts }

    /// What the connection waits for now.
    var phase: Phase {
        if readingBody { return .body }
        if unanswered > 0 { return .responding }
        return requestBegun ? .head : .idle
    }

    /// The connection was accepted: its first request's head is due.
    mutating func connected() -> Action {
        requestBegun = true
        return update(renew: false)
    }

    /// Bytes arrived: they begin a request when the connection was idle, and renew a body's timeout.
    mutating func bytesRead() -> Action {
        if unanswered == 0 { requestBegun = true }
        return update(renew: readingBody)
    }

    /// A request's head was parsed; its body (or its end) comes next.
    mutating func headRead() -> Action {
        unanswered += 1
        readingBody = true
        requestBegun = false
        return update(renew: true)
    }

    /// A request's end was parsed: the server answers, no timeout runs.
    mutating func endRead() -> Action {
        readingBody = false
        return update(renew: false)
    }

    /// A response was written whole: idle again once nothing else is unanswered.
    mutating func responseEnded() -> Action {
        unanswered = max(0, unanswered - 1)
        return update(renew: false)
    }

    /// The timer of `phase` fired: true when the connection is to be closed (the timer is the
    /// one that runs; a stale one is ignored).
    mutating func timerFired(_ phase: Phase) -> Bool {
        guard armed == phase, self.phase == phase else { return false }
        armed = nil
        return true
    }

    private mutating func update(renew: Bool) -> Action {
        let phase = self.phase
        let timeout: Duration? =
            switch phase {
            case .idle: timeouts.idle
            case .head: timeouts.head
            case .body: timeouts.body
            case .responding: nil
            }
        guard let timeout else {
            guard armed != nil else { return .none }
            armed = nil
            return .disarm
        }
        if armed == phase, !renew { return .none }
        armed = phase
        return .arm(phase, timeout)
    }
}
