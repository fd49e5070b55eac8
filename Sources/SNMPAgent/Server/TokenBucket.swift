/// A token bucket: up to `rate` requests in a burst, refilled at `rate` per second.
struct TokenBucket: Sendable {
    let rate: Int
    private var tokens: Double
    private var last: Duration

    init(rate: Int, now: Duration) {
        precondition(rate > 0, "a rate limit needs a positive rate")
        self.rate = rate
        self.tokens = Double(rate)
        self.last = now
    }

    /// Takes one token if there is one.
    mutating func take(now: Duration) -> Bool {
        if now > last {
            let elapsed = now - last
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            tokens = min(Double(rate), tokens + seconds * Double(rate))
            last = now
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
