import ArgumentParser
import CoreMetrics
import FTTHConfig
import FTTHDaemon
import FTTHPrometheus
import Foundation
import Logging

/// `ftth-acceptd`: the acceptance-testing daemon (README "Daemon", systemd/ftth-acceptd.service).
@main
struct FTTHAcceptd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ftth-acceptd",
        abstract: "The FTTH acceptance-testing daemon: runs port tests, re-tests, and serves the API.",
        discussion: """
            Reads config/ftth-acceptd.toml (or --config). On start it reconciles the OLTs with the \
            store and resumes every test a previous process left; SIGTERM parks running tests in \
            their persisted step. Under systemd (Type=notify) it reports READY=1 and feeds the watchdog.
            """)

    @Option(name: .long, help: "Configuration file.")
    var config = "config/ftth-acceptd.toml"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel)!
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "ftth.acceptd")
        let configuration = try AcceptdConfiguration(contentsOfFile: config)
        let environment = ProcessInfo.processInfo.environment
        // One registry for the process: the daemon's parts are handed its factory, and libraries
        // that speak swift-metrics reach it through the global bootstrap, made once here.
        let metrics = CatalogueMetricsFactory()
        MetricsSystem.bootstrap(metrics)
        let daemon = try Daemon(
            configuration: configuration, environment: environment, logger: logger, metrics: metrics)
        let store = configuration.store.kind == .postgres ? configuration.store.url ?? "" : configuration.store.path
        logger.notice("starting", metadata: ["store": "\(store)", "config": "\(config)"])
        try await daemon.run(notifier: SystemdNotifier(environment: environment))
        logger.notice("stopped")
    }
}
