/// A doubling wait with a cap: the engine's retries of a step, the scheduler's re-tests of a
/// failed port and the outbox's retries of a push all wait this way.
public struct Backoff: Sendable, Hashable {
    /// The wait after the first failure.
    public var initial: Duration
    /// The longest wait; doubling stops there.
    public var maximum: Duration

    /// A backoff from `initial`, doubling up to `maximum`.
    public init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The wait after the `failures`-th failure, counting from 1: `initial`, then twice as long
    /// each time, never more than `maximum`. Zero or fewer failures wait `initial`.
    public func delay(afterFailures failures: Int) -> Duration {
        var d = initial
        for _ in 1..<max(1, failures) where d < maximum { d = d * 2 }
        return min(d, maximum)
    }
}
