/// The time source of an agent, erased from any `Clock` so the server type stays non-generic:
/// the elapsed time since the agent was created (snmpEngineTime, the rate limit) and a way to
/// wait (the response delay). Tests inject a manual clock.
struct AgentClock: Sendable {
    let elapsed: @Sendable () -> Duration
    let sleep: @Sendable (Duration) async throws -> Void

    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let start = clock.now
        elapsed = { start.duration(to: clock.now) }
        sleep = { duration in try await clock.sleep(for: duration) }
    }
}
