import FTTHConfig
import FTTHCore
import FTTHEngine
import FTTHWire
import Foundation
import Hummingbird
import HummingbirdCore

/// The store the API works on: acceptance data, tokens and audited thresholds.
public typealias APIStore = AcceptanceStore & ThresholdStore & TokenStore & ServiceTestStore

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
    ]

    /// The access table of the engine's routes, added with
    /// ``addEngineRoutes(engine:store:to:heartbeat:clock:)``.
    public static let engineRoutes: [APIRoute] = [
        APIRoute(.post, "/v1/projects/{code}/ports/{splitter}/{port}/tests", [.crew, .admin]),
        APIRoute(.get, "/v1/tests/{id}", [.crew, .admin]),
        APIRoute(.delete, "/v1/tests/{id}", [.crew, .admin]),
        APIRoute(.get, "/v1/events", [.crew, .admin]),
    ]

    /// The router with every route behind ``BearerAuthMiddleware`` and each route behind a
    /// ``RoleMiddleware`` with its roles. `now` stamps audit records and workflow events;
    /// `clock` times the window of failed authentications (`[api] auth_failure_window_s`),
    /// which are counted in `statistics`.
    public static func buildRouter(
        store: any APIStore, configuration: AcceptdConfiguration,
        now: @escaping @Sendable () -> Date = { Date() }, clock: any Clock<Duration> = ContinuousClock(),
        statistics: APIStatistics = APIStatistics()
    ) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: APIErrorMiddleware())
        let api = configuration.api
        router.add(
            middleware: BearerAuthMiddleware(
                store: store, limit: api.authFailureLimit,
                window: .milliseconds(Int64((api.authFailureWindowSeconds * 1000).rounded())), clock: clock,
                statistics: statistics))
        router.mount(DocumentRoutes(), access: routes)
        router.mount(ProjectRoutes(store: store, configuration: configuration, now: now), access: routes)
        router.mount(PortRoutes(store: store), access: routes)
        router.mount(ReviewRoutes(store: store, now: now), access: routes)
        router.mount(ThresholdRoutes(store: store, configuration: configuration, now: now), access: routes)
        router.mount(ServiceTestRoutes(store: store, policy: configuration.service, now: now), access: routes)
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
    ) -> some ApplicationProtocol {
        Application(
            router: buildRouter(store: store, configuration: configuration, now: now),
            server: server(configuration.api),
            configuration: .init(address: .hostname(host, port: port), serverName: "ftth-acceptd"))
    }

    /// HTTP/1 with `[api]`'s connection cap and its idle, header and body timeouts
    /// (``ConnectionDeadline``): what every application serving the API uses.
    public static func server(_ settings: APISettings, statistics: APIStatistics = APIStatistics()) -> HTTPServerBuilder
    {
        func duration(_ seconds: Double) -> Duration { .milliseconds(Int64((seconds * 1000).rounded())) }
        return .guardedHTTP1(
            timeouts: .init(
                idle: duration(settings.idleTimeoutSeconds), head: duration(settings.headerTimeoutSeconds),
                body: duration(settings.bodyTimeoutSeconds)),
            limiter: ConnectionLimiter(
                maximum: settings.maxConnections, maximumPerAddress: settings.maxConnectionsPerAddress,
                statistics: statistics))
    }

    /// Encodes `value` as the API's JSON (``FTTHWire/WireJSON``) with `status`.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try WireJSON.encoder().encode(value))))
    }
}
