/// A token bucket: tokens (bytes) fill at the rate up to the burst; a packet may pass when enough
/// tokens are there, and takes them. Pure: time comes in as `now`.
public struct TokenBucket: Sendable, Equatable {
    /// The rate the bucket fills at.
    public let bitsPerSecond: Double
    /// The most bytes that may pass at once after a quiet spell.
    public let burstBytes: Int
    /// Packets and bytes passed and refused so far.
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

    /// Whether a packet of `bytes` passes at `now`; it takes its tokens when it does, and counts
    /// as dropped when it does not. A clock that goes back adds nothing.
    public mutating func admit(bytes: Int, now: Duration) -> Bool {
        guard fits(bytes: bytes, now: now) else {
            droppedPackets += 1
            return false
        }
        tokens -= Double(bytes)
        passedPackets += 1
        passedBytes += bytes
        return true
    }

    /// Whether `bytes` worth of tokens are there at `now` (taking none).
    public mutating func fits(bytes: Int, now: Duration) -> Bool {
        if now > last {
            tokens = min(Double(burstBytes), tokens + Self.seconds(now - last) * bitsPerSecond / 8)
            last = now
        }
        return tokens >= Double(bytes)
    }

    /// When `bytes` worth of tokens will be there, counting from the last refill.
    public func readyTime(bytes: Int) -> Duration {
        let missing = Double(min(bytes, burstBytes)) - tokens
        guard missing > 0 else { return last }
        return last + .nanoseconds(Int64((missing * 8 / bitsPerSecond * 1e9).rounded(.up)))
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// One direction of one session shaped to a rate, as a BRAS's shaper does: a packet that finds too
/// few tokens waits in a queue until they are there; a packet that would overfill the queue is
/// dropped. So TCP through it settles at the rate (a bare policer, dropping every packet over the
/// rate, leaves TCP far below it when the round trip is as short as the demo's). Pure.
public struct PacketShaper: Sendable {
    /// The rate and burst.
    public private(set) var bucket: TokenBucket
    /// The most bytes that wait at once.
    public let queueLimitBytes: Int
    /// Packets dropped because the queue was full.
    public private(set) var droppedPackets = 0
    private var queue: [[UInt8]] = []
    private var head = 0
    private var queuedBytes = 0

    /// An empty shaper with a full bucket at `now`.
    public init(bitsPerSecond: Double, burstBytes: Int, queueLimitBytes: Int, now: Duration) {
        bucket = TokenBucket(bitsPerSecond: bitsPerSecond, burstBytes: burstBytes, now: now)
        self.queueLimitBytes = queueLimitBytes
    }

    /// Packets waiting.
    public var queuedPackets: Int { queue.count - head }

    /// Offers a packet at `now`; returns the packets that leave now, in order (those of the queue
    /// whose time came, then this one if nothing waits before it and the tokens are there).
    public mutating func offer(_ packet: [UInt8], now: Duration) -> [[UInt8]] {
        var out = release(now: now)
        if queuedPackets == 0 && bucket.fits(bytes: packet.count, now: now) {
            _ = bucket.admit(bytes: packet.count, now: now)
            out.append(packet)
        } else if queuedBytes + packet.count <= queueLimitBytes {
            queue.append(packet)
            queuedBytes += packet.count
        } else {
            droppedPackets += 1
        }
        return out
    }

    /// The waiting packets whose tokens are there at `now`, in order.
    public mutating func release(now: Duration) -> [[UInt8]] {
        var out: [[UInt8]] = []
        while head < queue.count, bucket.fits(bytes: min(queue[head].count, bucket.burstBytes), now: now) {
            let packet = queue[head]
            _ = bucket.admit(bytes: min(packet.count, bucket.burstBytes), now: now)
            queuedBytes -= packet.count
            head += 1
            out.append(packet)
        }
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024 {
            queue.removeFirst(head)
            head = 0
        }
        return out
    }

    /// When the first waiting packet may leave; nil when none waits.
    public var nextRelease: Duration? {
        guard head < queue.count else { return nil }
        return bucket.readyTime(bytes: queue[head].count)
    }

    /// Drops every waiting packet.
    public mutating func flush() {
        droppedPackets += queuedPackets
        queue.removeAll()
        head = 0
        queuedBytes = 0
    }
}

/// The simulated BRAS's plan rate: each session's IPv4, each way, through a shaper of its own. A
/// session is known by its IPv4 address: packets from the subscriber by their source, packets to
/// it by their destination. Packets of an address without a session pass unshaped. A session may
/// also be cut from a given time on (a BRAS that hung: nothing passes either way). Pure: time
/// comes in as `now`; the owner calls `release(now:)` at `nextRelease`.
public struct SessionRateLimiter: Sendable {
    /// One session's shapers, and when it goes silent.
    public struct Session: Sendable {
        public internal(set) var upstream: PacketShaper
        public internal(set) var downstream: PacketShaper
        /// From this time on every packet of the session is dropped; nil: never.
        public let cutFrom: Duration?
        /// Packets dropped because the session was cut.
        public internal(set) var cutPackets = 0
    }

    /// How long a burst at the session's rate the bucket holds, and how long the queue is.
    public let burst: Duration
    public let queue: Duration
    private var sessions: [[UInt8]: Session] = [:]

    /// `burst`: the bucket's size, and `queue`: the queue's, as times at the session's rate (each
    /// at least 3 full-size packets).
    public init(burst: Duration = .milliseconds(20), queue: Duration = .milliseconds(50)) {
        self.burst = burst
        self.queue = queue
    }

    /// Shapes the session with `address` to `bitsPerSecond` each way from `now`, and drops all its
    /// packets from `cutFrom` on when given.
    public mutating func open(address: [UInt8], bitsPerSecond: Double, now: Duration, cutFrom: Duration? = nil) {
        func bytes(_ time: Duration) -> Int {
            max(3 * 1500, Int(TokenBucket.seconds(time) * bitsPerSecond / 8))
        }
        func shaper() -> PacketShaper {
            PacketShaper(
                bitsPerSecond: bitsPerSecond, burstBytes: bytes(burst), queueLimitBytes: bytes(queue), now: now)
        }
        sessions[address] = Session(upstream: shaper(), downstream: shaper(), cutFrom: cutFrom)
    }

    /// Forgets the session with `address` (it ended), and what waited in its queues.
    public mutating func close(address: [UInt8]) {
        sessions[address] = nil
    }

    /// The session with `address`, for its counts.
    public func session(address: [UInt8]) -> Session? {
        sessions[address]
    }

    /// An IPv4 packet from a subscriber (its source address names the session): returns what
    /// leaves towards the host now.
    public mutating func offerUpstream(_ packet: [UInt8], now: Duration) -> [[UInt8]] {
        guard packet.count >= 20 else { return [packet] }
        return offer(packet, address: Array(packet[12..<16]), upstream: true, now: now)
    }

    /// An IPv4 packet to a subscriber (its destination address names the session): returns what
    /// leaves towards the subscriber now.
    public mutating func offerDownstream(_ packet: [UInt8], now: Duration) -> [[UInt8]] {
        guard packet.count >= 20 else { return [packet] }
        return offer(packet, address: Array(packet[16..<20]), upstream: false, now: now)
    }

    /// The waiting packets whose time came, each way.
    public mutating func release(now: Duration) -> (upstream: [[UInt8]], downstream: [[UInt8]]) {
        var up: [[UInt8]] = []
        var down: [[UInt8]] = []
        for address in sessions.keys {
            guard var session = sessions[address] else { continue }
            defer { sessions[address] = session }
            if isCut(session, now: now) {
                session.upstream.flush()
                session.downstream.flush()
                continue
            }
            up += session.upstream.release(now: now)
            down += session.downstream.release(now: now)
        }
        return (up, down)
    }

    /// When a waiting packet may next leave; nil when none waits.
    public var nextRelease: Duration? {
        sessions.values.flatMap { [$0.upstream.nextRelease, $0.downstream.nextRelease] }.compactMap { $0 }.min()
    }

    private func isCut(_ session: Session, now: Duration) -> Bool {
        session.cutFrom.map { now >= $0 } ?? false
    }

    private mutating func offer(_ packet: [UInt8], address: [UInt8], upstream: Bool, now: Duration) -> [[UInt8]] {
        guard var session = sessions[address] else { return [packet] }
        defer { sessions[address] = session }
        if isCut(session, now: now) {
            session.cutPackets += 1
            session.upstream.flush()
            session.downstream.flush()
            return []
        }
        return upstream
            ? session.upstream.offer(packet, now: now)
            : session.downstream.offer(packet, now: now)
    }
}
