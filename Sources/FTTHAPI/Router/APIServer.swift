import FTTHConfig
import FTTHCore
import Foundation
import Hummingbird

/// The store the API works on: acceptance data, tokens and audited thresholds.
public typealias APIStore = AcceptanceStore & ThresholdStore & TokenStore

/// One route of the API and the roles it is open to.
public struct APIRoute: Sendable, Hashable {
    public var method: HTTPRequest.Method
    /// Hummingbird path under the root, such as `/v1/projects/{code}`.
    public var path: String
    public var roles: Set<APIRole>

    /// Describes a route.
    public init(_ method: HTTPRequest.Method, _ path: String, _ roles: Set<APIRole>) {
        self.method = method
        self.path = path
        self.roles = roles
    }
}

/// Builds the API's router and application. The engine's routes (start and cancel a test, live
/// progress) are added with ``APIServer/add(_:to:)`` from their own module.
public enum APIServer {
    /// Every route this module serves, with its roles; the OpenAPI document describes the same list.
    public static let routes: [APIRoute] = [
        APIRoute(.get, "/v1/openapi.yaml", Set(APIRole.allCases)),
        APIRoute(.get, "/v1/projects", [.crew, .admin, .integration]),
        APIRoute(.post, "/v1/projects", [.integration, .admin]),
        APIRoute(.post, "/v1/projects/import", [.integration, .admin]),
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
    ]

    /// The router with every route behind ``BearerAuthMiddleware``, each route behind a
    /// ``RoleMiddleware`` with its roles. `now` stamps audit records and workflow events.
    public static func buildRouter(
        store: any APIStore, configuration: AcceptdConfiguration,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: APIErrorMiddleware())
        router.add(middleware: BearerAuthMiddleware(store: store))
        let handlers = APIHandlers(store: store, configuration: configuration, now: now)
        for route in routes {
            add(route, to: router, handler: handlers.handler(for: route))
        }
        return router
    }

    /// Registers `handler` for `route` behind the route's ``RoleMiddleware``: the way further
    /// routes (the engine's) join the router.
    public static func add(
        _ route: APIRoute, to router: Router<APIRequestContext>,
        handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Response
    ) {
        let path = RouterPath(
            route.path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: ""))
        router.group().add(middleware: RoleMiddleware(allowed: route.roles)).on(
            path, method: route.method, use: handler)
    }

    /// An application serving the router on `host`:`port`.
    public static func buildApplication(
        store: any APIStore, configuration: AcceptdConfiguration, host: String = "127.0.0.1", port: Int = 8080,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> some ApplicationProtocol {
        Application(
            router: buildRouter(store: store, configuration: configuration, now: now),
            configuration: .init(address: .hostname(host, port: port), serverName: "ftth-acceptd"))
    }
}
