import FTTHCore
import FTTHWire
import Foundation
import Hummingbird

/// The acceptance review of a project: approve it, or send it back for rework with a reason.
struct ReviewRoutes: APIRouteGroup {
    static let mount = "/v1/projects"

    let store: any APIStore
    let now: @Sendable () -> Date

    func register(on routes: AccessControlledRoutes) {
        routes.on(.post, "{code}/approve", use: approve)
        routes.on(.post, "{code}/send-back", use: sendBack)
    }

    @Sendable func approve(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        let state = try await store.applyProjectEvent(code, .approve, actor: context.authenticated.name, at: now())
        return try APIServer.json(ProjectStateResponse(code: code, state: state))
    }

    /// ``SendBackRequest``: the reason is required and must say something.
    @Sendable func sendBack(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        let body = try await RequestBody.decode(
            SendBackRequest.self, from: request, context: context, example: #"{"reason": "…"}"#)
        guard !body.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.invalid("reason", "must not be blank: say what the builder has to rework")
        }
        // It is shown in the history, ftthctl and the webhook: no escape sequence or NUL byte.
        let reason: String
        do {
            reason = try TextFieldRule.reason.validated(body.reason)
        } catch {
            throw APIError.invalid("reason", error.description)
        }
        let state = try await store.applyProjectEvent(
            code, .sendBack(reason: reason), actor: context.authenticated.name, at: now())
        return try APIServer.json(ProjectStateResponse(code: code, state: state))
    }
}
