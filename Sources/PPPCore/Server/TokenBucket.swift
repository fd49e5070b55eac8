/// A token bucket that shapes a byte stream to a rate: what the simulated access concentrator
/// uses for a plan rate or a slow line. Packets beyond the rate are dropped (TCP then slows down,
/// as behind a real BRAS's policer).
public struct TokenBucket: Sendable, Equatable {
    /// The rate, in bits per second.
    public var bitsPerSecond: Double
    /// The most bytes that may pass at once after an idle period.
    public var burstBytes: Double
    private var tokens: Double
    private var last: Duration?

    /// Makes a full bucket for `mbps` megabits per second; the burst defaults to 10 ms of traffic,
    /// at least 16 full-size frames.
    public init(mbps: Double, burstBytes: Double? = nil) {
        bitsPerSecond = max(mbps, 0) * 1_000_000
        self.burstBytes = burstBytes ?? max(bitsPerSecond / 8 / 100, 16 * 1500)
        tokens = self.burstBytes
    }

    /// Whether a packet of `bytes` passes at `now`; it takes its tokens when it does.
    public mutating func admit(bytes: Int, now: Duration) -> Bool {
        if let last, now > last {
            let (seconds, attoseconds) = (now - last).components
            let elapsed = Double(seconds) + Double(attoseconds) / 1e18
            tokens = min(burstBytes, tokens + elapsed * bitsPerSecond / 8)
        }
        last = max(last ?? now, now)
        guard tokens >= Double(bytes) else { return false }
        tokens -= Double(bytes)
        return true
    }
}
