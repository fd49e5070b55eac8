import FTTHConfig
import FTTHCore
import FTTHEngine
import FTTHSNMP
import FTTHSQLite
import FTTHWebhook
import Foundation
import Logging
import ServiceLifecycle

/// The daemon's parts, built from the configuration: the store, the OLT drivers, the engine,
/// the scheduler, and the services that run them. `run()` serves until SIGTERM or SIGINT, then
/// shuts the services down in reverse order.
public struct Daemon: Sendable {
    public let configuration: AcceptdConfiguration
    public let store: SQLiteStore
    public let drivers: ConfiguredDrivers
    public let engine: AcceptanceEngine
    public let scheduler: AcceptanceScheduler?
    /// Nil while `[push] url` is not set: accepted ports wait in the outbox.
    public let pusher: OutboxPusher?
    let snmp: SNMPClient
    let logger: Logger

    /// Opens the store and prepares every part; throws when the store cannot be opened.
    public init(configuration: AcceptdConfiguration, environment: [String: String], logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        let directory = URL(fileURLWithPath: configuration.store.path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: configuration.store.path)
        snmp = SNMPClient()
        drivers = ConfiguredDrivers(southbound: configuration.southbound, environment: environment, snmp: snmp)
        let e = configuration.engine
        engine = AcceptanceEngine(
            store: store, drivers: drivers,
            configuration: EngineConfiguration(
                profiles: configuration.profiles, cvlanRanges: configuration.cvlanRanges,
                onlineTimeout: .seconds(e.onlineTimeoutSeconds), pollInterval: .seconds(e.pollSeconds),
                maxConcurrentPerOLT: e.maxConcurrentPerOLT, maxAttempts: e.maxAttempts,
                backoff: .seconds(e.backoffSeconds), maximumBackoff: .seconds(e.maxBackoffSeconds)),
            logger: Logger(label: "ftth.engine"))
        if e.schedulerTickSeconds > 0 {
            scheduler = AcceptanceScheduler(
                engine: engine, store: store,
                policy: SchedulerPolicy(
                    retestInterval: .seconds(e.retestSeconds), maximumRetestInterval: .seconds(e.maxRetestSeconds),
                    maxAutomaticRetests: e.maxAutomaticRetests,
                    abandonAfter: e.abandonAfterHours == 0
                        ? .seconds(Int64.max / 2) : .seconds(e.abandonAfterHours * 3600),
                    profile: e.retestProfile),
                tick: .seconds(e.schedulerTickSeconds), logger: Logger(label: "ftth.scheduler"))
        } else {
            scheduler = nil
        }
        let push = configuration.push
        if let url = push.url {
            pusher = OutboxPusher(
                store: store,
                transport: URLSessionWebhookTransport(
                    url: url, token: push.token(environment: environment), timeout: push.timeoutSeconds),
                configuration: OutboxPusherConfiguration(
                    batch: push.batch, backoff: .milliseconds(Int64(push.backoffSeconds * 1000)),
                    maximumBackoff: .milliseconds(Int64(push.maxBackoffSeconds * 1000)),
                    pollInterval: .milliseconds(Int64(push.pollSeconds * 1000))))
        } else {
            pusher = nil
        }
    }

    /// Runs `extra` services (the HTTP API) with the engine, the scheduler and systemd's
    /// notification until a signal; closes the OLT sessions afterwards.
    public func run(extra: [any Service] = [], notifier: SystemdNotifier) async throws {
        var services: [any Service] = [EngineService(engine: engine)]
        if let scheduler { services.append(SchedulerService(scheduler: scheduler)) }
        if let pusher { services.append(OutboxService(pusher: pusher, logger: logger)) }
        services += extra
        services.append(SystemdService(notifier: notifier, logger: logger))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await close()
            throw error
        }
        await close()
    }

    func close() async {
        await drivers.shutdown()
        await snmp.shutdown()
    }
}
