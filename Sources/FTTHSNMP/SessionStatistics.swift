import Synchronization

/// Counters the dispatcher thread writes and any thread reads.
final class SessionStatistics: Sendable {
    private let current = Atomic<Int>(0)
    private let highWater = Atomic<Int>(0)
    private let waiting = Atomic<Int>(0)

    /// Requests sent and not yet answered or timed out.
    var inFlight: Int { current.load(ordering: .relaxed) }
    /// The most requests ever in flight at once.
    var inFlightHighWater: Int { highWater.load(ordering: .relaxed) }
    /// Requests waiting for a free in-flight slot.
    var queued: Int { waiting.load(ordering: .relaxed) }

    /// Called by the dispatcher thread, the only writer.
    func record(inFlight: Int, queued: Int) {
        current.store(inFlight, ordering: .relaxed)
        waiting.store(queued, ordering: .relaxed)
        if inFlight > highWater.load(ordering: .relaxed) {
            highWater.store(inFlight, ordering: .relaxed)
        }
    }
}
