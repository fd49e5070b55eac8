import Synchronization

/// Counts the API's open connections against a cap shared by all of them: the connection
/// one past the cap is closed at once, so that a crowd of idle or half-open clients cannot use
/// up the daemon's file descriptors and starve everyone else.
final class ConnectionLimiter: Sendable {
    /// Connections served at once.
    let maximum: Int
    private let open = Atomic<Int>(0)
    private let refusedCount = Atomic<Int>(0)

    private let statistics: APIStatistics

    init(maximum: Int, statistics: APIStatistics = APIStatistics()) {
        precondition(maximum >= 1, "a connection cap below 1 serves nobody")
        self.maximum = maximum
        self.statistics = statistics
    }

    /// Takes a place for a new connection; false when the cap is reached (the caller closes it).
    func acquire() -> Bool {
        let now = open.wrappingAdd(1, ordering: .relaxed).newValue
        guard now <= maximum else {
            open.wrappingSubtract(1, ordering: .relaxed)
            refusedCount.wrappingAdd(1, ordering: .relaxed)
            statistics.countRefusedConnection()
            return false
        }
        return true
    }

    /// Gives back the place of a connection that closed.
    func release() {
        open.wrappingSubtract(1, ordering: .relaxed)
    }

    /// Connections open now.
    var current: Int { open.load(ordering: .relaxed) }

    /// Connections closed because the cap was reached, since the start.
    var refused: Int { refusedCount.load(ordering: .relaxed) }
}
