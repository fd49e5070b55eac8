/// The time since it was started, on the clock that started it: the engine times its steps on
/// its injected clock, so a test clock gives the same durations at every run.
struct Stopwatch: Sendable {
    let elapsed: @Sendable () -> Duration

    /// Starts now on `clock` (the engine's clock is an existential; the extension opens it).
    init(_ clock: any Clock<Duration>) {
        self = clock.stopwatch()
    }

    init(elapsed: @escaping @Sendable () -> Duration) {
        self.elapsed = elapsed
    }
}

extension Clock where Duration == Swift.Duration {
    /// A stopwatch started now on this clock.
    func stopwatch() -> Stopwatch {
        let start = now
        return Stopwatch { start.duration(to: self.now) }
    }
}
