import FTTHCore
import Hummingbird

/// A group of routes of one concern (projects, thresholds, tests…): a Hummingbird
/// `RouteCollection` mounted at ``mount``, whose routes take their roles from the access table.
protocol APIRouteGroup: Sendable {
    /// The path every route of the group is under, such as `/v1/projects`.
    static var mount: String { get }
    /// Registers the group's handlers on `routes`.
    func register(on routes: AccessControlledRoutes)
}

/// Registers handlers behind the roles the access table gives each route, so that the table
/// (``APIServer/routes``, ``APIServer/engineRoutes``) stays the one place that says which role may
/// call what. A route missing from the table is a programmer error, caught at start-up.
final class AccessControlledRoutes {
    let mount: String
    let access: [APIRoute]
    let collection = RouteCollection(context: APIRequestContext.self)

    init(mount: String, access: [APIRoute]) {
        self.mount = mount
        self.access = access
    }

    /// Serves `method` `path` (under ``mount``, in the table's notation: `{code}/approve`) with
    /// `handler`, behind a ``RoleMiddleware`` with the route's roles.
    func on(
        _ method: HTTPRequest.Method, _ path: String,
        use handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Response
    ) {
        let full = path.isEmpty ? mount : "\(mount)/\(path)"
        guard let route = access.first(where: { $0.method == method && $0.path == full }) else {
            preconditionFailure("\(method) \(full) is not in the access table (APIServer.routes)")
        }
        let hummingbirdPath = path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
        collection.group().add(middleware: RoleMiddleware(allowed: route.roles)).on(
            RouterPath(hummingbirdPath), method: method
        ) { request, context in
            var context = context
            context.bodyLimit = route.bodyLimit
            // A declared length over the limit is refused before a byte of the body is read.
            let declared = request.headers[.contentLength].flatMap { StrictInteger.parse($0) }
            if let declared, declared > route.bodyLimit {
                throw APIError.tooLarge(limit: route.bodyLimit, method: method, path: full)
            }
            return try await handler(request, context)
        }
    }
}

extension Router<APIRequestContext> {
    /// Mounts `group` at its path, each route behind its roles in `access`.
    func mount<Group: APIRouteGroup>(_ group: Group, access: [APIRoute]) {
        let routes = AccessControlledRoutes(mount: Group.mount, access: access)
        group.register(on: routes)
        addRoutes(routes.collection, atPath: RouterPath(Group.mount))
    }
}
