import FTTHEngine
import FTTHPostgres
import Logging
import ServiceLifecycle

/// The acceptance engine as a service: reconcile, resume, run started tests. On SIGTERM the
/// engine's task is cancelled and every run parks in its persisted step.
public struct EngineService: Service {
    let engine: AcceptanceEngine

    public init(engine: AcceptanceEngine) { self.engine = engine }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await engine.run() }
    }
}

/// The scheduler as a service; stops between passes on shutdown. In a cluster it runs only
/// while this daemon holds the scheduler's lock: one scheduler for all the daemons.
public struct SchedulerService: Service {
    let scheduler: AcceptanceScheduler
    let leadership: PostgresLeadership?
    let logger: Logger

    public init(
        scheduler: AcceptanceScheduler, leadership: PostgresLeadership? = nil,
        logger: Logger = Logger(label: "ftth.scheduler")
    ) {
        self.scheduler = scheduler
        self.leadership = leadership
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            guard let leadership else { return await scheduler.run() }
            await leadership.whileLeading(logger: logger) { await scheduler.run() }
        }
    }
}

/// Tells systemd the daemon is ready once started, and keeps its watchdog fed while the other
/// services run; says STOPPING=1 on the way out.
public struct SystemdService: Service {
    let notifier: SystemdNotifier
    /// False when another service says READY=1 itself (the API once it accepts connections).
    let sendsReady: Bool
    let clock: any Clock<Duration>
    let logger: Logger

    public init(
        notifier: SystemdNotifier, sendsReady: Bool = true, clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger
    ) {
        self.notifier = notifier
        self.sendsReady = sendsReady
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        if sendsReady {
            notifier.notify("READY=1\nSTATUS=serving")
            logger.notice("ready")
        }
        let interval = notifier.watchdogInterval ?? .seconds(3600)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if notifier.watchdogInterval != nil { notifier.notify("WATCHDOG=1") }
                do { try await clock.sleep(for: interval) } catch { return }
            }
        }
        notifier.notify("STOPPING=1")
    }
}

/// The outbox pusher as a service; its events go to the log.
public struct OutboxService: Service {
    let pusher: OutboxPusher
    let logger: Logger
    /// In a cluster: the outbox pushes only while this daemon holds its lock.
    let leadership: PostgresLeadership?

    public init(pusher: OutboxPusher, logger: Logger, leadership: PostgresLeadership? = nil) {
        self.pusher = pusher
        self.logger = logger
        self.leadership = leadership
    }

    public func run() async throws {
        let events = await pusher.events()
        let logger = self.logger
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events { logger.info("outbox: \(event)") }
            }
            if let leadership {
                let logger = self.logger
                await cancelWhenGracefulShutdown {
                    await leadership.whileLeading(logger: logger) {
                        do {
                            try await pusher.run()
                        } catch {
                            logger.error("the outbox stopped: \(error); it starts again with the lock")
                        }
                    }
                }
            } else {
                try await cancelWhenGracefulShutdown { try await pusher.run() }
            }
            // The log task waits on the stream for ever: stop it once the pusher has stopped.
            group.cancelAll()
        }
    }
}
