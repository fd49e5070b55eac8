import Synchronization

/// A `Clock` for tests of code that waits on an OLT (the acceptance engine): sleeping returns at
/// once and moves the simulator's ``ManualSimClock`` by the same time, so an ONU registers while
/// the engine waits for it, and no test waits for real. A sleep moves both clocks to its
/// deadline and returns; `now` never moves backwards. Concurrent sleepers share one time, so
/// one task's long sleep moves every other task's deadlines past too.
public final class SimLinkedClock: Clock, Sendable {
    public struct Instant: InstantProtocol {
        public var offset: Duration
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    let sim: ManualSimClock
    let current = Mutex(Instant(offset: .zero))

    /// A clock whose sleeps move `sim`.
    public init(sim: ManualSimClock) { self.sim = sim }

    public var now: Instant { current.withLock { $0 } }
    public var minimumResolution: Duration { .milliseconds(1) }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        let step: Duration = current.withLock { c in
            let d = max(.zero, c.duration(to: deadline))
            c = Instant(offset: max(c.offset, deadline.offset))
            return d
        }
        let (seconds, attoseconds) = step.components
        sim.advance(by: Double(seconds) + Double(attoseconds) / 1e18)
    }
}
