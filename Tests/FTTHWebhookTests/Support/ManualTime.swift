import Foundation
import Synchronization

/// Time for outbox tests: a `Clock` whose sleep returns at once and moves the wall time `now`
/// reads by the same amount, so backoff and next-attempt times pass without anyone waiting.
final class ManualTime: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    let start: Date
    let current = Mutex(Instant(offset: .zero))
    /// Every sleep asked for, in order.
    let sleeps = Mutex<[Duration]>([])

    init(start: Date) { self.start = start }

    var now: Instant { current.withLock { $0 } }
    var minimumResolution: Duration { .milliseconds(1) }

    /// The wall time matching the clock.
    var date: Date {
        let (s, atto) = now.offset.components
        return start.addingTimeInterval(TimeInterval(s) + TimeInterval(atto) / 1e18)
    }

    func advance(by d: Duration) { current.withLock { $0 = $0.advanced(by: d) } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        current.withLock { c in
            sleeps.withLock { $0.append(max(.zero, c.duration(to: deadline))) }
            c = Instant(offset: max(c.offset, deadline.offset))
        }
        await Task.yield()
        try Task.checkCancellation()
    }
}
