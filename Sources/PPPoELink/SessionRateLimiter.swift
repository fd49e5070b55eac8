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
public struct SessionRateLimiter: Sendable {
    /// How many seconds of the rate a bucket holds.
    public let burst: Duration
    private var buckets: [[UInt8]: (upstream: TokenBucket, downstream: TokenBucket)] = [:]

    /// `burst`: the bucket size as a time at the session's rate (at least 3 full-size packets).
    public init(burst: Duration = .milliseconds(50)) {
        self.burst = burst
    }

    /// Shapes the session with `address` to `bitsPerSecond` each way from `now`.
    public mutating func open(address: [UInt8], bitsPerSecond: Double, now: Duration) {
        let (seconds, attoseconds) = burst.components
        let bytes = (Double(seconds) + Double(attoseconds) / 1e18) * bitsPerSecond / 8
        let burstBytes = max(3 * 1500, Int(bytes))
        buckets[address] = (
            TokenBucket(bitsPerSecond: bitsPerSecond, burstBytes: burstBytes, now: now),
            TokenBucket(bitsPerSecond: bitsPerSecond, burstBytes: burstBytes, now: now)
        )
    }

    /// Forgets the session with `address` (it ended).
    public mutating func close(address: [UInt8]) {
        buckets[address] = nil
    }

    /// The buckets of the session with `address`, for its counts.
    public func buckets(address: [UInt8]) -> (upstream: TokenBucket, downstream: TokenBucket)? {
        buckets[address]
    }

    /// Whether an IPv4 packet from a subscriber passes (its source address names the session).
    public mutating func admitUpstream(_ packet: [UInt8], now: Duration) -> Bool {
        guard packet.count >= 20 else { return true }
        let address = Array(packet[12..<16])
        guard buckets[address] != nil else { return true }
        return buckets[address]!.upstream.admit(bytes: packet.count, now: now)
    }

    /// Whether an IPv4 packet to a subscriber passes (its destination address names the session).
    public mutating func admitDownstream(_ packet: [UInt8], now: Duration) -> Bool {
        guard packet.count >= 20 else { return true }
        let address = Array(packet[16..<20])
        guard buckets[address] != nil else { return true }
        return buckets[address]!.downstream.admit(bytes: packet.count, now: now)
    }
}
