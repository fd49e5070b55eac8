import Synchronization

/// The API's counters since the daemon started, for a person reading the log today and for a
/// later `/metrics` route: the daemon has no metrics endpoint yet, so nothing serves them.
/// Hot counters are atomics, not an actor: every request may bump one.
public final class APIStatistics: Sendable {
    private let failures = Atomic<Int>(0)
    private let throttled = Atomic<Int>(0)
    private let refused = Atomic<Int>(0)

    /// Empty counters.
    public init() {}

    /// Requests refused for their credentials (401, and 429 once a source is throttled).
    public var authFailures: Int { failures.load(ordering: .relaxed) }
    /// Failed authentications answered 429 because their source failed too often.
    public var authThrottled: Int { throttled.load(ordering: .relaxed) }
    /// Connections closed at once because `[api] max_connections` were open.
    public var connectionsRefused: Int { refused.load(ordering: .relaxed) }

    func countAuthFailure(throttled isThrottled: Bool) {
        failures.wrappingAdd(1, ordering: .relaxed)
        if isThrottled { throttled.wrappingAdd(1, ordering: .relaxed) }
    }

    func countRefusedConnection() {
        refused.wrappingAdd(1, ordering: .relaxed)
    }
}
