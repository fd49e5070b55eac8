import Synchronization

/// Failed authentications per source address over a sliding window: once a source has failed
/// `limit` times within `window`, its further failures are throttled until the oldest of them
/// leaves the window. A value type with no clock; ``AuthFailureLimiter`` gives it the time.
public struct AuthFailureWindow {
    /// What a failure leads to.
    public enum Verdict: Equatable, Sendable {
        /// Answer 401 and log it; `reachedLimit` when this failure starts the source's throttling.
        case unauthorized(reachedLimit: Bool)
        /// Answer 429: the source may try again after `retryAfter`.
        case throttled(retryAfter: Duration)
    }

    let limit: Int
    let window: Duration
    /// Sources remembered at most: a spread of addresses cannot grow the table without bound.
    let maxSources: Int
    /// Per source, the times of its failures within the window, oldest first (at most `limit`).
    private var failures: [String: [Duration]] = [:]

    init(limit: Int, window: Duration, maxSources: Int = 10_000) {
        precondition(limit >= 1 && window > .zero, "an authentication failure limit needs a limit and a window")
        self.limit = limit
        self.window = window
        self.maxSources = maxSources
    }

    /// Records a failure of `source` at `now` (time since any fixed origin).
    mutating func fail(source: String, now: Duration) -> Verdict {
        var times = (failures[source] ?? []).filter { now - $0 < window }
        if times.count >= limit {
            failures[source] = times
            return .throttled(retryAfter: times[0] + window - now)
        }
        if failures[source] == nil, failures.count >= maxSources { forgetExpired(now: now) }
        if failures[source] == nil, failures.count >= maxSources, let any = failures.keys.first {
            failures[any] = nil
        }
        times.append(now)
        failures[source] = times
        return .unauthorized(reachedLimit: times.count == limit)
    }

    /// Sources remembered now.
    var sourceCount: Int { failures.count }

    private mutating func forgetExpired(now: Duration) {
        failures = failures.filter { _, times in times.last.map { now - $0 < window } ?? false }
    }
}

/// ``AuthFailureWindow`` shared by every request, timed by an injected clock (a test clock in
/// tests, the continuous clock in the daemon).
public final class AuthFailureLimiter: Sendable {
    private let state: Mutex<AuthFailureWindow>
    private let elapsed: @Sendable () -> Duration

    /// Counts failures per source: `limit` within `window`, timed by `clock`.
    public init<C: Clock<Duration>>(limit: Int, window: Duration, clock: C) {
        state = Mutex(AuthFailureWindow(limit: limit, window: window))
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
    }

    /// Records a failure of `source` and says how to answer it.
    public func fail(source: String) -> AuthFailureWindow.Verdict {
        let now = elapsed()
        return state.withLock { $0.fail(source: source, now: now) }
    }
}
