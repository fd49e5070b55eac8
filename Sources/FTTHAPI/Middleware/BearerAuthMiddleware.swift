import FTTHCore
import Hummingbird
import Logging

/// Opens a request only with `Authorization: Bearer <secret>` of an active token: a missing or
/// malformed header, or an unknown or revoked token, is answered 401 with `WWW-Authenticate`.
/// It sits in front of every route, unknown paths included, so nothing is reachable without a token.
///
/// Each failure is logged (source address, method and path, reason; never the header) and
/// counted in ``APIStatistics``. A source that fails `[api] auth_failure_limit` times within
/// `auth_failure_window_s` is answered 429 with `Retry-After` for its further failures until the
/// window has passed. A valid token is let through even then: behind a proxy every client shares
/// one address, and one client guessing must not lock out the crews.
public struct BearerAuthMiddleware: RouterMiddleware {
    public typealias Context = APIRequestContext
    let store: any TokenStore
    let limiter: AuthFailureLimiter
    let statistics: APIStatistics

    /// Authenticates against `store`; failures are limited per source by `limit` within `window`,
    /// timed by `clock`, and counted in `statistics`.
    public init(
        store: any TokenStore, limit: Int = 10, window: Duration = .seconds(60),
        clock: some Clock<Duration> = ContinuousClock(), statistics: APIStatistics = APIStatistics()
    ) {
        self.store = store
        limiter = AuthFailureLimiter(limit: limit, window: window, clock: clock)
        self.statistics = statistics
    }

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
        let token: APIToken
        do {
            token = try await authenticate(request)
        } catch let failure as APIError {
            throw refuse(failure, request: request, context: context)
        }
        var context = context
        context.token = token
        return try await next(request, context)
    }

    /// Logs and counts `failure`, and turns it into 429 when its source failed too often.
    func refuse(_ failure: APIError, request: Request, context: APIRequestContext) -> APIError {
        let source = context.remoteAddress ?? "unknown"
        let verdict = limiter.fail(source: source)
        let metadata: Logger.Metadata = [
            "http.peer": "\(source)", "http.route": "\(request.method) \(request.uri.path)",
            "auth.reason": "\(failure.code)",
        ]
        switch verdict {
        case .unauthorized(let reachedLimit):
            statistics.countAuthFailure(throttled: false)
            context.logger.warning("authentication failed", metadata: metadata)
            if reachedLimit {
                context.logger.warning(
                    "too many failed authentications from \(source): its further failures are answered 429 for a while ([api] auth_failure_limit, auth_failure_window_s)",
                    metadata: metadata)
            }
            return failure
        case .throttled(let retryAfter):
            statistics.countAuthFailure(throttled: true)
            // Whole seconds, rounded up: a client that waits them finds the window passed.
            let exact = Double(retryAfter.components.seconds) + Double(retryAfter.components.attoseconds) / 1e18
            let seconds = max(1, Int(exact.rounded(.up)))
            return APIError(
                .tooManyRequests, code: "auth.too_many_failures",
                message:
                    "too many failed authentications from this address: wait \(seconds) s, then send a valid 'Authorization: Bearer <secret>' (\(failure.message))",
                field: "Authorization", headers: [.retryAfter: "\(seconds)"])
        }
    }

    /// The active token the request carries, or the 401 saying what is wrong with it.
    func authenticate(_ request: Request) async throws -> APIToken {
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
        return token
    }
}
