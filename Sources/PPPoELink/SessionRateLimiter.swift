/// A token bucket policing one direction of one session: tokens (bytes) fill at the rate up to
/// the burst, a packet passes when enough tokens are there and is dropped otherwise, so TCP
/// through it settles near the rate. Pure: time comes in as `now`.
public struct TokenBucket: Sendable, Equatable {
    /// The rate the bucket fills at.
    public let bitsPerSecond: Double
    /// The most bytes that may pass at once after a quiet spell.
    public let burstBytes: Int
    /// Packets and bytes passed and dropped so far.
    public private(set) var passedPackets = 0
    public private(set) var passedBytes = 0
    public private(set) var droppedPackets = 0
    private var tokens: Double
    private var last: Duration

    /// A full bucket at `now`. `bitsPerSecond` and `burstBytes` must be positive.
    public init(bitsPerSecond: Double, burstBytes: Int, now: Duration) {
        precondition(bitsPerSecond > 0 && bitsPerSecond.isFinite, "a token bucket needs a positive rate")
        precondition(burstBytes > 0, "a token bucket needs a positive burst")
        self.bitsPerSecond = bitsPerSecond
        self.burstBytes = burstBytes
        tokens = Double(burstBytes)
        last = now
    }

    /// Whether a packet of `bytes` passes at `now`; it takes its tokens when it does. A clock that
    /// goes back adds nothing.
    public mutating func admit(bytes: Int, now: Duration) -> Bool {
        if now > last {
            let (seconds, attoseconds) = (now - last).components
            let elapsed = Double(seconds) + Double(attoseconds) / 1e18
            tokens = min(Double(burstBytes), tokens + elapsed * bitsPerSecond / 8)
            last = now
        }
        guard tokens >= Double(bytes) else {
            droppedPackets += 1
            return false
        }
        tokens -= Double(bytes)
        passedPackets += 1
        passedBytes += bytes
        return true
    }
}

/// The simulated BRAS's plan rate: each session's IPv4, each way, through a token bucket of its
/// own. A session is known by its IPv4 address: packets from the subscriber by their source,
/// packets to it by their destination. Packets of an address without a session pass unshaped.
/// A session may also be cut from a given time on (a BRAS that hung: nothing passes either way).
public struct SessionRateLimiter: Sendable {
    /// One session's buckets, and when it goes silent.
    public struct Session: Sendable, Equatable {
        public internal(set) var upstream: TokenBucket
        public internal(set) var downstream: TokenBucket
        /// From this time on every packet of the session is dropped; nil: never.
        public let cutFrom: Duration?
        /// Packets dropped because the session was cut.
        public internal(set) var cutPackets = 0
    }

    /// How many seconds of the rate a bucket holds.
    public let burst: Duration
    private var sessions: [[UInt8]: Session] = [:]

    /// `burst`: the bucket size as a time at the session's rate (at least 3 full-size packets).
    public init(burst: Duration = .milliseconds(50)) {
        self.burst = burst
    }

    /// Shapes the session with `address` to `bitsPerSecond` each way from `now`, and drops all its
    /// packets from `cutFrom` on when given.
    public mutating func open(address: [UInt8], bitsPerSecond: Double, now: Duration, cutFrom: Duration? = nil) {
        let (seconds, attoseconds) = burst.components
        let bytes = (Double(seconds) + Double(attoseconds) / 1e18) * bitsPerSecond / 8
        let burstBytes = max(3 * 1500, Int(bytes))
        sessions[address] = Session(
            upstream: TokenBucket(bitsPerSecond: bitsPerSecond, burstBytes: burstBytes, now: now),
            downstream: TokenBucket(bitsPerSecond: bitsPerSecond, burstBytes: burstBytes, now: now), cutFrom: cutFrom)
    }

    /// Forgets the session with `address` (it ended).
    public mutating func close(address: [UInt8]) {
        sessions[address] = nil
    }

    /// The session with `address`, for its counts.
    public func session(address: [UInt8]) -> Session? {
        sessions[address]
    }

    /// Whether an IPv4 packet from a subscriber passes (its source address names the session).
    public mutating func admitUpstream(_ packet: [UInt8], now: Duration) -> Bool {
        guard packet.count >= 20 else { return true }
        return admit(packet, address: Array(packet[12..<16]), upstream: true, now: now)
    }

    /// Whether an IPv4 packet to a subscriber passes (its destination address names the session).
    public mutating func admitDownstream(_ packet: [UInt8], now: Duration) -> Bool {
        guard packet.count >= 20 else { return true }
        return admit(packet, address: Array(packet[16..<20]), upstream: false, now: now)
    }

    private mutating func admit(_ packet: [UInt8], address: [UInt8], upstream: Bool, now: Duration) -> Bool {
        guard var session = sessions[address] else { return true }
        defer { sessions[address] = session }
        if let cut = session.cutFrom, now >= cut {
            session.cutPackets += 1
            return false
        }
        return upstream
            ? session.upstream.admit(bytes: packet.count, now: now)
            : session.downstream.admit(bytes: packet.count, now: now)
    }
}
