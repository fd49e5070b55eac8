import FTTHMetrics
import Synchronization

/// The API's counters since the daemon started, for a person reading the log and for
/// `GET /metrics`, where they are `ftth_api_auth_failures_total` and
/// `ftth_api_connections_refused_total` (``FTTHMetrics/APIMetrics``), with the requests by route.
/// Hot counters are atomics, not an actor: every request may bump one.
public final class APIStatistics: Sendable {
    private let failures = Atomic<Int>(0)
    private let throttled = Atomic<Int>(0)
    private let refused = Atomic<Int>(0)
    /// Where the same counts, and the requests by route, go for `GET /metrics`.
    public let metrics: APIMetrics

    /// Empty counters, also counted into `metrics`.
    public init(metrics: APIMetrics = APIMetrics()) {
        self.metrics = metrics
    }

    /// Requests refused for their credentials (401, and 429 once a source is throttled).
    public var authFailures: Int { failures.load(ordering: .relaxed) }
    /// Failed authentications answered 429 because their source failed too often.
    public var authThrottled: Int { throttled.load(ordering: .relaxed) }
    /// Connections closed at once because `[api] max_connections` were open.
    public var connectionsRefused: Int { refused.load(ordering: .relaxed) }

    func countAuthFailure(throttled isThrottled: Bool) {
        failures.wrappingAdd(1, ordering: .relaxed)
        if isThrottled { throttled.wrappingAdd(1, ordering: .relaxed) }
        metrics.authFailure(throttled: isThrottled)
    }

    func countRefusedConnection() {
        refused.wrappingAdd(1, ordering: .relaxed)
        metrics.connectionRefused()
    }
}
