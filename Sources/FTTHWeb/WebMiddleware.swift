import FTTHAPI
import FTTHCore
import Foundation
import Hummingbird

/// Headers every page and file of the web UI carries: a Content-Security-Policy that allows no
/// inline script and no framing, `nosniff`, no referrer to other sites (same-origin: Chromium sends
/// `Origin: null` on form posts under no-referrer, which the Origin check would refuse), no caching of pages.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    func handle(
        _ request: Request, context: WebRequestContext, next: (Request, WebRequestContext) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            // An error Hummingbird answers itself (a body too large, a method not served) gets the
            // headers as well.
            response = try error.response(from: request, context: context)
        }
        Self.apply(&response.headers, static: request.uri.path.hasPrefix("/static/"))
        return response
    }

    static func apply(_ headers: inout HTTPFields, static isStatic: Bool) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.init("Referrer-Policy")!] = "same-origin"
        headers[.init("X-Frame-Options")!] = "DENY"
        if headers[.cacheControl] == nil { headers[.cacheControl] = isStatic ? "max-age=300" : "no-store" }
    }
}

/// Finds the session the request's cookie names and puts it in the context; an unknown,
/// expired or revoked one is treated as no session.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    static let cookieName = "ftth_session"

    let store: any WebAccountStore
    let now: @Sendable () -> Date

    func handle(
        _ request: Request, context: WebRequestContext, next: (Request, WebRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let id = request.cookies[Self.cookieName]?.value, !id.isEmpty {
            if let session = try await store.session(id: id, at: now()) {
                context.session = session
                context.sessionID = id
            }
        }
        return try await next(request, context)
    }
}

/// Lets a request through only with a session of one of `roles`: nobody signed in is sent to
/// the sign-in page (303), a session of another role is answered 403 with a page saying so.
struct RequireRoleMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let roles: Set<APIRole>
    let pages: WebPages

    func handle(
        _ request: Request, context: WebRequestContext, next: (Request, WebRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let session = context.session else { return WebPages.redirect("/sign-in") }
        guard roles.contains(session.account.role) else {
            context.logger.notice(
                "web: \(session.account.name) (\(session.account.role)) was refused \(request.method) \(request.uri.path): administrators only"
            )
            return try pages.message(
                status: .forbidden, heading: "forbidden_title", text: "forbidden_text", context: context)
        }
        return try await next(request, context)
    }
}
