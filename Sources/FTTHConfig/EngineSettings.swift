/// `[engine]` and `[scheduler]` in ftth-acceptd.toml: how long and how often the acceptance
/// engine waits and retries, and when the scheduler re-tests on its own.
public struct EngineSettings: Sendable, Hashable {
    /// How long a provisioned test ONU may take to come online.
    public var onlineTimeoutSeconds = 120
    /// How often its run state is asked meanwhile.
    public var pollSeconds = 5
    /// Port tests working on one OLT at once.
    public var maxConcurrentPerOLT = 4
    /// Tries of a step that fails for a transient reason.
    public var maxAttempts = 3
    /// First wait before a retry (doubled each time), and its cap.
    public var backoffSeconds = 2
    public var maxBackoffSeconds = 60
    /// The scheduler's pass interval; 0 turns the scheduler off.
    public var schedulerTickSeconds = 60
    /// First wait before a failed port is re-tested on its own (doubled each time), and its cap.
    public var retestSeconds = 900
    public var maxRetestSeconds = 21600
    /// Automatic re-tests of a failed port before it is left to the crew.
    public var maxAutomaticRetests = 5
    /// Hours without a test after which a test ONU is removed; 0 never.
    public var abandonAfterHours = 336
    /// The threshold profile of scheduled re-tests.
    public var retestProfile = "build"

    public init() {}

    init(engine: TOMLReader?, scheduler: TOMLReader?) throws {
        self.init()
        if let r = engine {
            try r.allow([
                "online_timeout_s", "poll_s", "max_concurrent_per_olt", "max_attempts", "backoff_s", "max_backoff_s",
            ])
            onlineTimeoutSeconds = try r.int("online_timeout_s", default: onlineTimeoutSeconds, range: 5...3600)
            pollSeconds = try r.int("poll_s", default: pollSeconds, range: 1...600)
            maxConcurrentPerOLT = try r.int("max_concurrent_per_olt", default: maxConcurrentPerOLT, range: 1...64)
            maxAttempts = try r.int("max_attempts", default: maxAttempts, range: 1...10)
            backoffSeconds = try r.int("backoff_s", default: backoffSeconds, range: 1...3600)
            maxBackoffSeconds = try r.int("max_backoff_s", default: maxBackoffSeconds, range: backoffSeconds...86400)
        }
        if let r = scheduler {
            try r.allow([
                "tick_s", "retest_s", "max_retest_s", "max_automatic_retests", "abandon_after_h", "profile",
            ])
            schedulerTickSeconds = try r.int("tick_s", default: schedulerTickSeconds, range: 0...86400)
            retestSeconds = try r.int("retest_s", default: retestSeconds, range: 1...604800)
            maxRetestSeconds = try r.int("max_retest_s", default: maxRetestSeconds, range: retestSeconds...2_592_000)
            maxAutomaticRetests = try r.int("max_automatic_retests", default: maxAutomaticRetests, range: 0...100)
            abandonAfterHours = try r.int("abandon_after_h", default: abandonAfterHours, range: 0...87600)
            retestProfile = try r.string("profile", default: retestProfile)
        }
    }
}
