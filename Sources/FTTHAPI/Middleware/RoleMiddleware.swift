import FTTHCore
import Hummingbird

/// Lets a request through only when its token has one of `allowed`; otherwise 403 naming them.
public struct RoleMiddleware: RouterMiddleware {
    public typealias Context = APIRequestContext
    /// The roles this route is open to.
    public let allowed: Set<APIRole>

    /// Opens the route to `allowed`.
    public init(allowed: Set<APIRole>) { self.allowed = allowed }

    public func handle(
        _ request: Request, context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        let token = context.authenticated
        guard allowed.contains(token.role) else {
            let names = APIRole.allCases.filter(allowed.contains).map(\.rawValue).joined(separator: " or ")
            throw APIError(
                .forbidden, code: "auth.forbidden",
                message:
                    "\(request.method) \(request.uri.path) needs a token with the role \(names); the token '\(token.name)' has the role \(token.role)"
            )
        }
        return try await next(request, context)
    }
}
