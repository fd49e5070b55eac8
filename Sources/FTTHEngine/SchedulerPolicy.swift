import FTTHCore
import Foundation

/// When the scheduler re-tests a port or gives up its test ONU: a pure rule over a port's
/// activation-list row and its runs, so it is tested without clocks or OLTs.
public struct SchedulerPolicy: Sendable, Hashable {
    /// The first wait before a failed port is re-tested on its own; doubled after each
    /// automatic re-test that failed again, up to `maximumRetestInterval`.
    public var retestInterval: Duration
    public var maximumRetestInterval: Duration
    /// Automatic re-tests of a failed port before the scheduler leaves it to the crew.
    public var maxAutomaticRetests: Int
    /// A test ONU with no test for this long is abandoned: it is removed from the OLT.
    public var abandonAfter: Duration
    /// The profile automatic re-tests are judged with.
    public var profile: String

    public init(
        retestInterval: Duration = .seconds(15 * 60), maximumRetestInterval: Duration = .seconds(6 * 3600),
        maxAutomaticRetests: Int = 5, abandonAfter: Duration = .seconds(14 * 24 * 3600), profile: String = "build"
    ) {
        self.retestInterval = retestInterval
        self.maximumRetestInterval = maximumRetestInterval
        self.maxAutomaticRetests = maxAutomaticRetests
        self.abandonAfter = abandonAfter
        self.profile = profile
    }

    /// What to do with one port now.
    public enum Decision: Sendable, Hashable {
        /// Start a test (the reason goes into the log and the port's history).
        case retest(reason: String)
        /// Remove the test ONU: nobody has tested the port for too long.
        case abandon(reason: String)
    }

    /// Decides for a port whose test ONU is activated; nil: leave it alone.
    /// `runs` are the port's runs, oldest first; `automaticRetests` counts the scheduler's own
    /// re-tests since the last rework report or crew test.
    public func decide(_ row: ActivationListRow, runs: [TestRun], automaticRetests: Int, now: Date) -> Decision? {
        guard row.workflow.activation == .activated else { return nil }
        if runs.last?.step.isActive == true { return nil }
        let lastActivity = runs.last?.updatedAt ?? .distantPast
        let idle = now.timeIntervalSince(lastActivity)
        if row.workflow.awaitingRetest {
            return .retest(reason: "rework reported; re-testing")
        }
        if row.workflow.verdict.line == .fail, automaticRetests < maxAutomaticRetests {
            let wait = interval(afterRetests: automaticRetests)
            if idle >= Self.seconds(wait) {
                return .retest(
                    reason: "line failed; automatic re-test \(automaticRetests + 1) of \(maxAutomaticRetests)")
            }
            return nil
        }
        if idle >= Self.seconds(abandonAfter) {
            return .abandon(
                reason: "no test for \(Int(idle / 3600)) h: the test ONU is removed; start a test to provision it again"
            )
        }
        return nil
    }

    /// The wait before the next re-test of a port re-tested `n` times already.
    func interval(afterRetests n: Int) -> Duration {
        Backoff(initial: retestInterval, maximum: maximumRetestInterval).delay(afterFailures: n + 1)
    }

    static func seconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) + Double(atto) / 1e18
    }
}
