import FTTHConfig
import FTTHCore
import FTTHEngine
import FTTHWire
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL

/// The store the API works on: acceptance data, tokens and audited thresholds.
public typealias APIStore = AcceptanceStore & ThresholdStore & TokenStore & ServiceTestStore & DiagnosisStore

/// One route of the API, the roles it is open to, and the largest body it reads.
public struct APIRoute: Sendable, Hashable {
    public var method: HTTPRequest.Method
    /// Path under the root, with parameters in braces, such as `/v1/projects/{code}`.
    public var path: String
    public var roles: Set<APIRole>
    /// The largest body, in bytes, the route reads; a larger one is answered 413 naming it.
    public var bodyLimit: Int

    /// Describes a route; `bodyLimit` is ``smallBody`` unless the route takes more.
    public init(_ method: HTTPRequest.Method, _ path: String, _ roles: Set<APIRole>, bodyLimit: Int = smallBody) {
        self.method = method
        self.path = path
        self.roles = roles
        self.bodyLimit = bodyLimit
    }

    /// A small JSON body (a rename, a threshold change, a result): 64 KiB is hundreds of times more.
    public static let smallBody = 64 * 1024
    /// `POST /v1/projects`: one project with its splitters, thousands of them well within 4 MiB.
    public static let projectBody = 4 * 1024 * 1024
    /// `POST /v1/projects/import`: a project export of a whole city.
    public static let importBody = 32 * 1024 * 1024
    /// `POST /v1/speedtest/upload` reads and discards what it gets: no limit.
    public static let unlimitedBody = Int.max
}

/// Builds the API's router and application. The engine's routes (start and cancel a test, live
/// progress) are added with ``APIServer/addEngineRoutes(engine:store:to:heartbeat:clock:)``.
public enum APIServer {
    /// The access table: every route of ``buildRouter(store:configuration:now:)`` with the roles it
    /// is open to and the body it reads, the one place that says so. The OpenAPI document states the
    /// same roles.
    public static let routes: [APIRoute] = [
        APIRoute(.get, "/v1/openapi.yaml", [.crew, .admin, .integration]),
        APIRoute(.get, "/v1/projects", [.crew, .admin, .integration]),
        APIRoute(.post, "/v1/projects", [.integration, .admin], bodyLimit: APIRoute.projectBody),
        APIRoute(.post, "/v1/projects/import", [.integration, .admin], bodyLimit: APIRoute.importBody),
        APIRoute(.get, "/v1/projects/{code}", [.crew, .admin, .integration]),
        APIRoute(.patch, "/v1/projects/{code}", [.integration, .admin]),
        APIRoute(.delete, "/v1/projects/{code}", [.integration, .admin]),
        APIRoute(.get, "/v1/projects/{code}/activation-list", [.crew, .admin, .integration]),
        APIRoute(.get, "/v1/projects/{code}/ports/{splitter}/{port}/results", [.crew, .admin, .integration]),
        APIRoute(.get, "/v1/projects/{code}/report.csv", [.crew, .admin, .integration]),
        APIRoute(.get, "/v1/projects/{code}/report.xlsx", [.crew, .admin, .integration]),
        APIRoute(.post, "/v1/projects/{code}/approve", [.admin]),
        APIRoute(.post, "/v1/projects/{code}/send-back", [.admin]),
        APIRoute(.get, "/v1/thresholds", [.crew, .admin]),
        APIRoute(.put, "/v1/thresholds/{name}", [.admin]),
        APIRoute(.get, "/v1/thresholds/{name}/history", [.admin]),
        // A probe may only take service tests, post their results and measure: nothing else.
        APIRoute(.post, "/v1/service-tests/claim", [.probe]),
        APIRoute(.post, "/v1/service-tests/{id}/result", [.probe]),
        APIRoute(.get, "/v1/speedtest/download", [.probe, .crew, .admin]),
        APIRoute(.post, "/v1/speedtest/upload", [.probe, .crew, .admin], bodyLimit: APIRoute.unlimitedBody),
        APIRoute(.get, "/v1/speedtest/ping", [.probe, .crew, .admin]),
        // Prometheus' scrape: a `metrics` token reads this and nothing else (docs/metrics.md).
        APIRoute(.get, "/metrics", [.metrics, .admin]),
    ]

    /// The access table of the engine's routes, added with
    /// ``addEngineRoutes(engine:store:to:heartbeat:clock:)``.
    public static let engineRoutes: [APIRoute] = [
        APIRoute(.post, "/v1/projects/{code}/ports/{splitter}/{port}/tests", [.crew, .admin]),
        APIRoute(.get, "/v1/tests/{id}", [.crew, .admin]),
        APIRoute(.delete, "/v1/tests/{id}", [.crew, .admin]),
        APIRoute(.get, "/v1/events", [.crew, .admin]),
        // The probe dialling a service test says how far it got, for the live views.
        APIRoute(.post, "/v1/service-tests/{id}/progress", [.probe]),
    ]

    /// The router with every route behind ``BearerAuthMiddleware`` and each route behind a
    /// ``RoleMiddleware`` with its roles. `now` stamps audit records and workflow events;
    /// `clock` times the window of failed authentications (`[api] auth_failure_window_s`),
    /// which are counted in `statistics`, with every request by route (timed on `clock` too).
    /// `metrics` is what `GET /metrics` serves.
    public static func buildRouter(
        store: any APIStore, configuration: AcceptdConfiguration,
        now: @escaping @Sendable () -> Date = { Date() }, clock: any Clock<Duration> = ContinuousClock(),
        statistics: APIStatistics = APIStatistics(), metrics: MetricsEndpoint = .empty
    ) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(
            middleware: RequestMetricsMiddleware(
                metrics: statistics.metrics, routes: routes + engineRoutes, clock: clock))
        router.add(middleware: APIErrorMiddleware())
        let api = configuration.api
        router.add(
            middleware: BearerAuthMiddleware(
                store: store, limit: api.authFailureLimit,
                window: .milliseconds(Int64((api.authFailureWindowSeconds * 1000).rounded())), clock: clock,
                statistics: statistics))
        router.mount(DocumentRoutes(), access: routes)
        router.mount(ProjectRoutes(store: store, configuration: configuration, now: now), access: routes)
        router.mount(PortRoutes(store: store, figures: configuration.diagnosis), access: routes)
        router.mount(ReviewRoutes(store: store, now: now), access: routes)
        router.mount(ThresholdRoutes(store: store, configuration: configuration, now: now), access: routes)
        router.mount(ServiceTestRoutes(store: store, policy: configuration.service, now: now), access: routes)
        router.mount(MetricsRoutes(endpoint: metrics), access: routes)
        return router
    }

    /// Adds ``engineRoutes`` to `router`, served by `engine` and `store`.
    /// `heartbeat`: how often the progress stream sends a comment line when nothing happens, so
    /// that proxies keep it open and a client that went away is noticed (and unsubscribed) then
    /// rather than at the next test. `clock` times the heartbeat (inject a test clock).
    public static func addEngineRoutes(
        engine: AcceptanceEngine, store: any TestRunStore & ServiceTestStore, to router: Router<APIRequestContext>,
        heartbeat: Duration = .seconds(15), clock: any Clock<Duration> = ContinuousClock()
    ) {
        router.mount(TestRoutes(engine: engine, store: store, heartbeat: heartbeat, clock: clock), access: engineRoutes)
    }

    /// An application serving the router on `host`:`port`.
    public static func buildApplication(
        store: any APIStore, configuration: AcceptdConfiguration, host: String = "127.0.0.1", port: Int = 8080,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> some ApplicationProtocol {
        Application(
            router: buildRouter(store: store, configuration: configuration, now: now),
            server: try server(configuration.api),
            configuration: .init(address: .hostname(host, port: port), serverName: "ftth-acceptd"))
    }

    /// HTTP/1 with `[api]`'s connection cap and its idle, header and body timeouts
    /// (``ConnectionDeadline``), inside TLS when `[api] tls_certificate` and `tls_key` are set:
    /// what every application serving the API uses. Throws ``TLSFileError`` naming the file when a
    /// certificate or key cannot be read.
    public static func server(_ settings: APISettings, statistics: APIStatistics = APIStatistics()) throws
        -> HTTPServerBuilder
    {
        let plain = plainServer(settings, statistics: statistics)
        guard let certificatePath = settings.tlsCertificatePath, let keyPath = settings.tlsKeyPath else { return plain }
        return try .tls(plain, tlsConfiguration: tlsConfiguration(certificate: certificatePath, key: keyPath))
    }

    /// The server's TLS configuration from PEM files (TLS 1.2 or later). Throws ``TLSFileError``
    /// naming the file and what to try when one cannot be read.
    public static func tlsConfiguration(certificate: String, key: String) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate)
        } catch {
            throw TLSFileError(path: certificate, what: "certificate", cause: "\(error)")
        }
        guard !chain.isEmpty else {
            throw TLSFileError(path: certificate, what: "certificate", cause: "no PEM certificate in the file")
        }
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch {
            throw TLSFileError(path: key, what: "private key", cause: "\(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }

    static func plainServer(_ settings: APISettings, statistics: APIStatistics) -> HTTPServerBuilder {
        func duration(_ seconds: Double) -> Duration { .milliseconds(Int64((seconds * 1000).rounded())) }
        return .guardedHTTP1(
            timeouts: .init(
                idle: duration(settings.idleTimeoutSeconds), head: duration(settings.headerTimeoutSeconds),
                body: duration(settings.bodyTimeoutSeconds)),
            limiter: ConnectionLimiter(
                maximum: settings.maxConnections, maximumPerAddress: settings.maxConnectionsPerAddress,
                statistics: statistics))
    }

    /// The engine's progress as server-sent events (`event: progress`, one ``ProgressEventResponse``
    /// per step), only of `project` or of test `runID` when given, with a comment line every
    /// `heartbeat` while nothing happens: the API's `/v1/events` and the web pages' live view.
    public static func progressStream(
        engine: AcceptanceEngine, project: String?, runID: Int64?, heartbeat: Duration, clock: any Clock<Duration>
    ) async -> Response {
        let progress = await engine.progress()
        let encoder = WireJSON.encoder()
        let events = progress.compactMap { event -> ByteBuffer? in
            if let project, event.run.port.key.projectCode != project { return nil }
            if let runID, event.run.id != runID { return nil }
            let body = ProgressEventResponse(
                run: event.run, message: event.message, verdict: event.verdict, service: event.service,
                readings: event.readings, provenance: event.provenance, serviceState: event.serviceState,
                serviceProgress: event.serviceProgress, diagnosis: event.diagnosis,
                splitterDiagnosis: event.splitterDiagnosis)
            guard let data = try? encoder.encode(body) else { return nil }
            return ByteBuffer(string: "event: progress\ndata: \(String(decoding: data, as: UTF8.self))\n\n")
        }
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        let forward = Task {
            for await event in events { continuation.yield(event) }
            continuation.finish()
        }
        // A comment at once sends the headers through any proxy, so the client knows the
        // stream is open; then one per `heartbeat` while nothing happens.
        continuation.yield(ByteBuffer(string: ": connected\n\n"))
        let beat = Task {
            while true {
                do { try await clock.sleep(for: heartbeat) } catch { return }
                continuation.yield(ByteBuffer(string: ": keep-alive\n\n"))
            }
        }
        // The client went away or the engine stopped: both tasks end, the engine's stream
        // is dropped and unsubscribes.
        continuation.onTermination = { _ in
            forward.cancel()
            beat.cancel()
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody(asyncSequence: stream))
    }

    /// Encodes `value` as the API's JSON (``FTTHWire/WireJSON``) with `status`.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try WireJSON.encoder().encode(value))))
    }
}

/// A TLS certificate or key file of `[api]` that cannot be used.
public struct TLSFileError: Error, CustomStringConvertible {
    /// The file named in the configuration.
    public var path: String
    /// "certificate" or "private key".
    public var what: String
    /// What NIOSSL said.
    public var cause: String

    public var description: String {
        "[api] cannot read the TLS \(what) \(path): \(cause); check the path and that it is PEM (`make demo` makes a self-signed pair under var/demo/tls)"
    }
}
