import FTTHCore
import Hummingbird

/// Opens a request only with `Authorization: Bearer <secret>` of an active token: a missing or
/// malformed header, or an unknown or revoked token, is answered 401 with `WWW-Authenticate`.
/// It sits in front of every route, unknown paths included, so nothing is reachable without a token.
public struct BearerAuthMiddleware: RouterMiddleware {
    public typealias Context = APIRequestContext
    let store: any TokenStore

    /// Authenticates against `store`.
    public init(store: any TokenStore) { self.store = store }

    static func unauthorized(_ code: String, _ message: String, invalidToken: Bool) -> APIError {
        let challenge =
            invalidToken ? #"Bearer realm="ftth-acceptd", error="invalid_token""# : #"Bearer realm="ftth-acceptd""#
        return APIError(
            .unauthorized, code: code, message: message, field: "Authorization",
            headers: [.wwwAuthenticate: challenge])
    }

    public func handle(
        _ request: Request, context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw Self.unauthorized(
                "auth.missing_token",
                "this API needs a token: send 'Authorization: Bearer <secret>' (an administrator creates one with `ftthctl token create`)",
                invalidToken: false)
        }
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer", parts[1].hasPrefix("ftth_") else {
            throw Self.unauthorized(
                "auth.malformed_header",
                "the Authorization header must read 'Bearer ftth_…' with the secret printed by `ftthctl token create`",
                invalidToken: true)
        }
        guard let token = try await store.token(secret: String(parts[1])) else {
            throw Self.unauthorized(
                "auth.invalid_token", "this token is not known here: check it was copied whole, or ask for a new one",
                invalidToken: true)
        }
        guard token.isActive else {
            throw Self.unauthorized(
                "auth.revoked_token", "the token '\(token.name)' was revoked: ask an administrator for a new one",
                invalidToken: true)
        }
        var context = context
        context.token = token
        return try await next(request, context)
    }
}
