import FTTHCore
import Foundation
import Logging

/// Re-tests ports on its own (DESIGN §1, "Scheduler"): a port whose rework was reported, a
/// failed port again after a growing interval up to a limit, and removes test ONUs nobody
/// tested for too long. One pass every `tick`, on the injected clock.
public actor AcceptanceScheduler {
    let engine: AcceptanceEngine
    let store: any AcceptanceStore & TestRunStore & OutboxStore
    let policy: SchedulerPolicy
    let tick: Duration
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let logger: Logger

    public init(
        engine: AcceptanceEngine, store: any AcceptanceStore & TestRunStore & OutboxStore, policy: SchedulerPolicy,
        tick: Duration = .seconds(60), clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = Date.init, logger: Logger = Logger(label: "ftth.scheduler")
    ) {
        self.engine = engine
        self.store = store
        self.policy = policy
        self.tick = tick
        self.clock = clock
        self.now = now
        self.logger = logger
    }

    /// What one pass did.
    public struct Pass: Sendable, Hashable {
        public var retested: [PortKey] = []
        public var abandoned: [PortKey] = []
        /// Approved projects whose test ONUs were all removed and whose ports were queued for the push.
        public var handedOver: [String] = []

        public init() {}
    }

    /// Looks at every activated port once and acts on the policy's decisions; hands approved
    /// projects over (DESIGN §2 step 5): removes their test ONUs, then queues their ports for
    /// the account-opening system.
    public func pass() async throws -> Pass {
        var done = Pass()
        for project in try await store.projects() where project.project.state == .accepted {
            let code = project.project.code
            let activated = try await store.activationList(projectCode: code).filter {
                $0.workflow.activation == .activated
            }
            if !activated.isEmpty {
                let report = try await engine.deactivate(projectCode: code)
                guard report.failed.isEmpty else {
                    logger.warning(
                        "project \(code): \(report.failed.count) test ONU(s) could not be removed yet; the push waits",
                        metadata: ["failed": "\(report.failed.map { "\($0.0): \($0.1)" })"])
                    continue
                }
            }
            if try await store.enqueueAcceptedPorts(projectCode: code, at: now()) > 0 || !activated.isEmpty {
                done.handedOver.append(code)
            }
        }
        for project in try await store.projects() where [.testing, .rework].contains(project.project.state) {
            for row in try await store.activationList(projectCode: project.project.code)
            where row.workflow.activation == .activated {
                let runs = try await store.testRuns(row.key)
                let history = try await store.portHistory(row.key)
                // The scheduler's own re-tests since the crew or a rework last touched the port.
                let sinceHuman = history.lastIndex {
                    $0.event == "rework_reported" || $0.event == "test_started_by_crew"
                }
                let automatic = history[(sinceHuman.map { $0 + 1 } ?? 0)...].filter { $0.event == "scheduled_retest" }
                    .count
                switch policy.decide(row, runs: runs, automaticRetests: automatic, now: now()) {
                case .retest(let reason)?:
                    do {
                        try await store.notePort(row.key, event: "scheduled_retest", detail: reason, at: now())
                        _ = try await engine.start(row.key, profile: policy.profile, by: "scheduler")
                        done.retested.append(row.key)
                    } catch {
                        logger.warning("scheduled re-test of \(row.key) could not start: \(error)")
                    }
                case .abandon(let reason)?:
                    do {
                        try await engine.deactivatePort(row)
                        try await store.notePort(row.key, event: "abandoned", detail: reason, at: now())
                        done.abandoned.append(row.key)
                    } catch {
                        logger.warning("abandoned test ONU of \(row.key) could not be removed: \(error)")
                    }
                case nil:
                    break
                }
            }
        }
        return done
    }

    /// One pass every `tick` until cancelled.
    public func run() async {
        while !Task.isCancelled {
            do {
                let done = try await pass()
                if !done.retested.isEmpty || !done.abandoned.isEmpty || !done.handedOver.isEmpty {
                    logger.notice(
                        "scheduler pass",
                        metadata: [
                            "retested": "\(done.retested.map(\.description))",
                            "abandoned": "\(done.abandoned.map(\.description))", "handed_over": "\(done.handedOver)",
                        ])
                }
            } catch {
                logger.error("scheduler pass failed: \(error); trying again in \(tick)")
            }
            do { try await clock.sleep(for: tick) } catch { return }
        }
    }
}
