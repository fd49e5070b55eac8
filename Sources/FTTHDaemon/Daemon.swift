import FTTHAPI
import FTTHConfig
import FTTHCore
import FTTHEngine
import FTTHMetrics
import FTTHPostgres
import FTTHPrometheus
import FTTHSNMP
import FTTHSQLite
import FTTHWeb
import FTTHWebhook
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Everything the daemon's parts ask of a store: what the SQLite and the PostgreSQL store both are.
public typealias DaemonStore = APIStore & WebStore & EngineStore & OutboxStore & ProjectReviewStore

/// The daemon's parts, built from the configuration: the store, the OLT drivers, the engine,
/// the scheduler, and the services that run them. `run()` serves until SIGTERM or SIGINT, then
/// shuts the services down in reverse order.
public struct Daemon: Sendable {
    public let configuration: AcceptdConfiguration
    public let store: any DaemonStore
    /// The PostgreSQL store when `[store] kind = "postgres"`: its connection pool runs beside
    /// the services, and its schema is brought up to date before they start.
    let postgres: PostgresStore?
    public let drivers: ConfiguredDrivers
    public let engine: AcceptanceEngine
    public let scheduler: AcceptanceScheduler?
    /// Nil while `[push] url` is not set: accepted ports wait in the outbox.
    public let pusher: OutboxPusher?
    /// The API's counters (failed authentications, refused connections), also in `/metrics`.
    public let apiStatistics: APIStatistics
    /// The registry `GET /metrics` serves (docs/metrics.md), and the factory every part's
    /// series are made by.
    public let metrics: CatalogueMetricsFactory
    let outboxMetrics: OutboxMetrics
    let snmp: SNMPClient
    let logger: Logger

    /// Opens the store and prepares every part, each measured into `metrics` (a registry of this
    /// daemon's own unless given); throws when the store cannot be opened.
    public init(
        configuration: AcceptdConfiguration, environment: [String: String], logger: Logger,
        metrics: CatalogueMetricsFactory = CatalogueMetricsFactory()
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        apiStatistics = APIStatistics(metrics: APIMetrics(factory: metrics))
        outboxMetrics = OutboxMetrics(factory: metrics)
        let oltMetrics = OLTMetrics(factory: metrics)
        switch configuration.store.kind {
        case .sqlite:
            // The store makes its directory (0700) and file (0600) itself.
            store = try SQLiteStore(
                path: configuration.store.path,
                key: try StoreKey.resolve(
                    keyFile: configuration.store.keyFile, environment: environment, storePath: configuration.store.path
                ))
            postgres = nil
        case .postgres:
            let key = try StoreKey.resolveShared(keyFile: configuration.store.keyFile, environment: environment)
            let settings = try PostgresStoreSettings(
                url: configuration.store.url ?? "",
                password: try configuration.store.password(environment: environment),
                maximumConnections: configuration.store.maxConnections)
            let postgres = PostgresStore(settings: settings, key: key)
            store = postgres
            self.postgres = postgres
        }
        clusterPredecessor =
            configuration.cluster.daemonName(
                api: configuration.api, hostName: ProcessInfo.processInfo.hostName, process: getpid()) + "/"
        clusterName = "\(clusterPredecessor)\(getpid())/\(UUID().uuidString.prefix(8))"
        snmp = SNMPClient()
        let holder = clusterName
        let lease = Duration.seconds(configuration.cluster.leaseSeconds)
        let permits = postgres.map { StoreSessionPermits(store: $0, holder: holder, lease: lease) }
        drivers = ConfiguredDrivers(
            southbound: configuration.southbound, environment: environment, snmp: snmp, sessionPermits: permits,
            metrics: oltMetrics)
        let e = configuration.engine
        var engineConfiguration = EngineConfiguration(
            profiles: configuration.profiles, cvlanRanges: configuration.cvlanRanges,
            onlineTimeout: .seconds(e.onlineTimeoutSeconds), pollInterval: .seconds(e.pollSeconds),
            maxConcurrentPerOLT: e.maxConcurrentPerOLT, maxAttempts: e.maxAttempts,
            backoff: .seconds(e.backoffSeconds), maximumBackoff: .seconds(e.maxBackoffSeconds))
        engineConfiguration.checkpoint = try Self.crashCheckpoint(environment, logger: logger)
        engineConfiguration.activation = configuration.activation
        engineConfiguration.service = configuration.service
        engineConfiguration.lossFigures = configuration.diagnosis
        if configuration.store.kind == .postgres {
            let c = configuration.cluster
            engineConfiguration.cluster = ClusterMembership(
                holder: clusterName, predecessor: clusterPredecessor, lease: .seconds(c.leaseSeconds),
                pollEvery: .seconds(c.pollSeconds),
                maxRuns: c.maxRuns)
        }
        // Every OLT command the engine sends is timed and its failures counted, by OLT and dialect.
        engine = AcceptanceEngine(
            store: store, drivers: MeteredOLTDriverProvider(drivers, metrics: oltMetrics),
            configuration: engineConfiguration, logger: Logger(label: "ftth.engine"),
            metrics: EngineMetrics(factory: metrics), clusterMetrics: ClusterMetrics(factory: metrics))
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
                    pollInterval: .milliseconds(Int64(push.pollSeconds * 1000))),
                metrics: outboxMetrics)
        } else {
            pusher = nil
        }
    }

    /// `FTTH_ACCEPTD_CRASH_AT=<checkpoint>` makes the process kill itself (SIGKILL) the first time
    /// a port test reaches that checkpoint: the crash tests use it to stop the daemon between
    /// two given steps, which no timing can do reliably. Unset in service.
    static func crashCheckpoint(_ environment: [String: String], logger: Logger) throws -> (
        @Sendable (EngineCheckpoint, PortKey) -> Void
    )? {
        guard let name = environment["FTTH_ACCEPTD_CRASH_AT"], !name.isEmpty else { return nil }
        guard let point = EngineCheckpoint(rawValue: name) else {
            throw StoreError.conflict(
                location: nil,
                message:
                    "FTTH_ACCEPTD_CRASH_AT=\(name) is not a checkpoint; use one of \(EngineCheckpoint.allCases.map(\.rawValue).joined(separator: ", ")), or unset it"
            )
        }
        logger.warning("FTTH_ACCEPTD_CRASH_AT is set: the daemon kills itself at checkpoint \(name)")
        return { reached, port in
            guard reached == point else { return }
            logger.critical("crash test: SIGKILL at checkpoint \(reached.rawValue) of \(port)")
            kill(getpid(), SIGKILL)
        }
    }

    /// Brings the configuration file's threshold profiles into the store (seeded at the first
    /// start, later file edits applied as audited changes by `config`) and logs each change.
    public func applyConfiguredThresholds() async throws {
        let changes = try await store.applyConfiguredThresholds(configuration.profiles, at: Date())
        for change in changes {
            logger.notice(
                "threshold profile \(change.profile): \(change.key) \(change.aspect == .binding ? "binding " : "")\(change.oldValue ?? "off") → \(change.newValue ?? "off"), from the configuration file"
            )
        }
        let profiles = try await store.thresholdProfiles(configured: configuration.profiles)
        for profile in profiles {
            let limits = ThresholdKey.allCases.map { key in
                "\(key)=\(profile.decimalString(key) ?? "off")\(profile[centi: key] != nil && !profile.binds(key.check) ? " (advisory)" : "")"
            }
            logger.notice("threshold profile \(profile.name) in force: \(limits.joined(separator: " "))")
        }
    }

    /// The HTTP API with the engine's routes under `/v1` and the web pages beside it, listening
    /// on `[api]` (HTTPS when its TLS files are set); `onRunning` is called once it accepts
    /// connections (with the port it bound, for port 0). Throws when a TLS file or a page's
    /// resource cannot be read.
    public func application(onRunning: @escaping @Sendable (Int) async -> Void) async throws
        -> some ApplicationProtocol
    {
        let router = APIServer.buildRouter(
            store: store, configuration: configuration, statistics: apiStatistics, metrics: metricsEndpoint)
        APIServer.addEngineRoutes(engine: engine, store: store, to: router)
        let api = configuration.api
        var settings = WebSettings(secureCookies: api.servesTLS)
        settings.authFailureLimit = api.authFailureLimit
        settings.authFailureWindow = .milliseconds(Int64((api.authFailureWindowSeconds * 1000).rounded()))
        settings.maxUploadBytes = configuration.web.maxUploadBytes
        settings.evidenceDirectory = configuration.web.evidenceDirectory(storePath: configuration.store.path)
        let web = WebSite.buildRouter(
            pages: try await WebPages.load(), store: store, engine: engine, settings: settings,
            configuration: configuration)
        return Application(
            responder: SiteResponder(api: router, web: web),
            server: try APIServer.server(configuration.api, statistics: apiStatistics),
            configuration: .init(
                address: .hostname(configuration.api.host, port: configuration.api.port), serverName: "ftth-acceptd"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.api.port) },
            logger: Logger(label: "ftth.api"))
    }

    /// What `GET /metrics` serves: this daemon's registry, with the outbox's backlog read from the
    /// store just before (a store that cannot be read leaves the last value, and logs why).
    public var metricsEndpoint: MetricsEndpoint {
        let store = self.store
        let outbox = outboxMetrics
        let logger = self.logger
        return MetricsEndpoint(exposition: PrometheusExposition(registry: metrics.registry)) {
            do {
                outbox.backlog(try await store.outboxBacklog())
            } catch {
                logger.warning("/metrics: the outbox's backlog could not be counted: \(error); it shows the last count")
            }
        }
    }

    /// Runs the HTTP API, the engine, the scheduler, the outbox and systemd's notification until
    /// SIGTERM or SIGINT; closes the OLT sessions afterwards. `READY=1` goes to systemd once the
    /// API accepts connections.
    public func run(notifier: SystemdNotifier) async throws {
        let logger = self.logger
        let scheme = configuration.api.servesTLS ? "https" : "http"
        let api = try await application { port in
            logger.notice("serving the API and the web pages", metadata: ["port": "\(port)", "scheme": "\(scheme)"])
            notifier.notify("READY=1\nSTATUS=serving on port \(port)")
        }
        try await run(extra: [api], notifier: notifier)
    }

    /// Runs `extra` services with the engine, the scheduler, the outbox and systemd's
    /// notification until a signal; closes the OLT sessions afterwards.
    public func run(extra: [any Service], notifier: SystemdNotifier) async throws {
        guard let postgres else { return try await runServices(extra: extra, notifier: notifier) }
        let pool = Task { await postgres.run() }
        defer { pool.cancel() }
        logger.notice("migrating the store", metadata: ["store": "\(postgres.settings.displayURL)"])
        try await postgres.migrate()
        let relay = relayProgress(through: PostgresBroadcast(store: postgres, sender: clusterName))
        defer { relay.cancel() }
        let cancels = relayCancellations(
            through: PostgresBroadcast(store: postgres, sender: clusterName, channel: "ftth_cancel"))
        defer { cancels.cancel() }
        try await runServices(extra: extra, notifier: notifier)
    }

    /// This daemon's process among the others on the database: `[cluster] name`, the process
    /// and a random part, unique while it runs.
    public let clusterName: String
    /// What this daemon's process names start with, in this process and the ones before it.
    public let clusterPredecessor: String

    /// Live progress across the cluster: what this engine publishes goes to the other daemons,
    /// what they publish reaches this engine's followers.
    func relayProgress(through broadcast: PostgresBroadcast) -> Task<Void, Never> {
        let engine = self.engine
        let logger = self.logger
        return Task {
            await withDiscardingTaskGroup { group in
                let local = await engine.progress()
                group.addTask {
                    let encoder = JSONEncoder()
                    for await event in local where !event.remote {
                        do {
                            try await broadcast.send(try encoder.encode(event))
                        } catch {
                            logger.warning(
                                "the other daemons miss a progress event of run \(event.run.id) (\(event.run.port.key)): \(error)"
                            )
                        }
                    }
                }
                group.addTask {
                    let decoder = JSONDecoder()
                    for await data in broadcast.messages(logger: logger) {
                        guard let event = try? decoder.decode(TestProgress.self, from: data) else {
                            logger.warning(
                                "a progress event from another daemon does not decode; is it another version?")
                            continue
                        }
                        await engine.receiveRemote(event)
                    }
                }
            }
        }
    }

    /// A crew's cancel across the cluster: the daemon it was sent to tells the others, so the
    /// daemon executing the run (or taking it over later) stops it.
    func relayCancellations(through broadcast: PostgresBroadcast) -> Task<Void, Never> {
        let engine = self.engine
        let logger = self.logger
        return Task {
            await withDiscardingTaskGroup { group in
                let local = await engine.cancellations()
                group.addTask {
                    for await runID in local {
                        do {
                            try await broadcast.send(Data(String(runID).utf8))
                        } catch {
                            logger.warning(
                                "the cancel of run \(runID) did not reach the other daemons (\(error)); if another daemon executes it, cancel it again",
                                metadata: ["run.id": "\(runID)"])
                        }
                    }
                }
                group.addTask {
                    for await data in broadcast.messages(logger: logger) {
                        guard let runID = Int64(String(decoding: data, as: UTF8.self)) else { continue }
                        await engine.cancel(runID: runID, fromAnotherDaemon: true)
                    }
                }
            }
        }
    }

    func runServices(extra: [any Service], notifier: SystemdNotifier) async throws {
        try await applyConfiguredThresholds()
        // Shut down in reverse: systemd is told first, the API last, after the engine has parked
        // its tests and closed the live progress streams the API is serving.
        var services: [any Service] = extra
        services.append(EngineService(engine: engine))
        // In a cluster the scheduler and the outbox each run in one daemon at a time.
        let leadership = { (job: String, key: Int64) in
            postgres.map { PostgresLeadership(store: $0, job: job, key: key) }
        }
        if let scheduler {
            services.append(
                SchedulerService(
                    scheduler: scheduler, leadership: leadership("scheduler", PostgresLeadership.schedulerKey)))
        }
        if let pusher {
            services.append(
                OutboxService(
                    pusher: pusher, logger: logger, leadership: leadership("outbox", PostgresLeadership.outboxKey)))
        }
        services.append(SystemdService(notifier: notifier, sendsReady: extra.isEmpty, logger: logger))
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
