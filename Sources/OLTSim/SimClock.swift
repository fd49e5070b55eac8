import Synchronization

/// Time as the simulator sees it, in seconds since it started. Injected so that tests move time
/// forward by hand instead of waiting for ONUs to register.
public protocol SimClock: Sendable {
    func now() -> Double
}

/// Real elapsed time.
public struct ContinuousSimClock: SimClock {
    let start = ContinuousClock.now

    public init() {}

    public func now() -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// Time that moves only when a test says so.
public final class ManualSimClock: SimClock {
    let seconds = Mutex(0.0)

    public init() {}

    public func now() -> Double { seconds.withLock { $0 } }

    /// Moves time forward.
    public func advance(by delta: Double) {
        precondition(delta >= 0, "time only moves forward")
        seconds.withLock { $0 += delta }
    }
}
