import FTTHConfig
import FTTHCore
import FTTHDaemon
import FTTHMetrics
import Foundation
import Hummingbird
import Logging
import ProcessLab
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The daemon's real `/metrics`, as Prometheus' own tools read it: `promtool check metrics` finds
/// nothing to lint, and a real `prometheus` scrapes it with a `metrics` token from a
/// credentials file. Both tools come with Debian's `prometheus` (scripts/install-deps.sh); a
/// machine without them fails here, saying so, rather than skipping.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MetricsScrapeTests {
    /// A daemon in process on a free loopback port over a new store, serving the API, with the
    /// secret of a `metrics` token; stopped after `body`.
    static func withDaemon(_ body: (_ port: Int, _ token: String, _ directory: URL) async throws -> Void)
        async throws
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ftth-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = try AcceptdConfiguration(
            toml: """
                [api]
                host = "127.0.0.1"
                port = 0

                [store]
                path = "\(directory.appendingPathComponent("store.sqlite").path)"
                """)
        var logger = Logger(label: "test.daemon")
        logger.logLevel = .critical
        let daemon = try Daemon(configuration: configuration, environment: [:], logger: logger)
        let token = try await daemon.store.createToken(name: "prometheus", role: .metrics, at: Date()).secret
        let (bound, boundInput) = AsyncStream<Int>.makeStream()
        let app = try await daemon.application { port in boundInput.yield(port) }
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        var port = 0
        for await p in bound {
            port = p
            break
        }
        do {
            try await body(port, token, directory)
        } catch {
            server.cancel()
            _ = await server.result
            throw error
        }
        server.cancel()
        _ = await server.result
    }

    /// GET `url` with the bearer `token`, if any: the status and the body.
    static func get(_ url: String, token: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.timeoutInterval = 10
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// `tool` from Debian's `prometheus`, or a failure saying how to install it.
    static func tool(_ name: String) throws -> String {
        let path = "/usr/bin/\(name)"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw LabError(
                "\(path) is missing: install Debian's prometheus package (scripts/install-deps.sh does, as `make test` runs it)"
            )
        }
        return path
    }

    @Test func promtoolFindsNothingToLintInTheDaemonsMetrics() async throws {
        let promtool = try Self.tool("promtool")
        try await Self.withDaemon { port, token, directory in
            let base = "http://127.0.0.1:\(port)"
            // Traffic first, so that labelled counters and histograms are in the text too.
            _ = try await Self.get("\(base)/v1/projects")
            _ = try await Self.get("\(base)/v1/projects", token: token)
            _ = try await Self.get("\(base)/metrics", token: token)
            let (status, text) = try await Self.get("\(base)/metrics", token: token)
            #expect(status == 200)
            #expect(text.contains("# TYPE \(FTTHMetric.apiRequests.rawValue) counter"))
            #expect(text.contains(#"\#(FTTHMetric.portTests.rawValue){outcome="pass"} 0"#))
            #expect(text.contains("\(FTTHMetric.outboxBacklog.rawValue) 0"))
            // A daemon on SQLite holds no leases; both series are there, so alerts see them at once.
            let held = FTTHMetric.leasesHeld.rawValue
            #expect(text.contains("# TYPE \(held) gauge\n\(held) 0"))
            #expect(text.contains("\(FTTHMetric.leasesTakenOver.rawValue) 0"))

            let file = directory.appendingPathComponent("metrics.txt")
            try Data(text.utf8).write(to: file)
            let check = Process()
            check.executableURL = URL(fileURLWithPath: promtool)
            check.arguments = ["check", "metrics"]
            check.standardInput = try FileHandle(forReadingFrom: file)
            let output = Pipe()
            check.standardOutput = output
            check.standardError = output
            try check.run()
            let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            check.waitUntilExit()
            #expect(check.terminationStatus == 0, "promtool check metrics: \(said)\n\(text)")
            #expect(said.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(said)")
        }
    }

    @Test func aRealPrometheusScrapesTheDaemonWithAMetricsToken() async throws {
        let prometheus = try Self.tool("prometheus")
        try await Self.withDaemon { port, token, directory in
            let tokenFile = directory.appendingPathComponent("ftth-metrics.token")
            try Data(token.utf8).write(to: tokenFile)
            let config = directory.appendingPathComponent("prometheus.yml")
            try Data(
                """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: ftth-acceptd
                    authorization:
                      credentials_file: \(tokenFile.path)
                    static_configs:
                      - targets: ['127.0.0.1:\(port)']
                """.utf8
            ).write(to: config)
            let web = try freeTCPPort()
            let server = try LabProcess(
                "prometheus", path: prometheus,
                arguments: [
                    "--config.file=\(config.path)",
                    "--storage.tsdb.path=\(directory.appendingPathComponent("tsdb").path)",
                    "--web.listen-address=127.0.0.1:\(web)", "--log.level=warn",
                ])
            do {
                let api = "http://127.0.0.1:\(web)/api/v1/query?query="
                // Polled until the first scrapes are in, with a deadline: Prometheus starts, then
                // scrapes once a second. `up` is 1 only when the scrape was answered 200.
                let up = try await Self.poll(api + "up", server: server) { $0.contains(#""job":"ftth-acceptd""#) }
                #expect(up.hasSuffix(#""1"]}]}}"#), "\(up)")
                // The scrapes counted by the daemon itself, as Prometheus stored them.
                let series = "ftth_api_requests_total%7Broute%3D%22%2Fmetrics%22%2Cstatus%3D%22200%22%7D"
                let scraped = try await Self.poll(api + series, server: server) { $0.contains(#""route":"/metrics""#) }
                #expect(scraped.contains(#""method":"GET""#), "\(scraped)")
            } catch {
                await server.stop()
                throw error
            }
            await server.stop()
        }
    }

    /// Asks Prometheus' HTTP API `url` until `done` holds of its answer; fails after 60 s or when
    /// Prometheus has exited, with its log.
    static func poll(_ url: String, server: LabProcess, _ done: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(60)
        var last = ""
        while ContinuousClock.now < deadline {
            guard server.process.isRunning else {
                throw LabError("prometheus exited (\(server.process.terminationStatus)): \(server.log)")
            }
            if let (status, body) = try? await get(url), status == 200 {
                last = body
                if done(body) { return body }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw LabError("prometheus did not answer \(url) as expected within 60 s; last answer: \(last)\n\(server.log)")
    }
}
