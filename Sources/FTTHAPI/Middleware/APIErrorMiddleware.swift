import FTTHCore
import Hummingbird
import NIOCore
import NIOHTTP1

/// Turns every error into an ``APIError`` JSON body: store errors by kind, the router's own
/// 404 and 405, and anything unexpected as 500 without internals.
public struct APIErrorMiddleware: RouterMiddleware {
    public typealias Context = APIRequestContext

    /// Creates the middleware.
    public init() {}

    public func handle(
        _ request: Request, context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as StoreError {
            throw APIError(error)
        } catch let error as HTTPError {
            switch error.status {
            case .notFound:
                throw APIError(
                    .notFound, code: "request.unknown_route",
                    message: "no route \(request.uri.path): GET /v1/openapi.yaml lists the routes")
            case .methodNotAllowed:
                throw APIError(
                    .methodNotAllowed, code: "request.method_not_allowed",
                    message:
                        "\(request.method) is not allowed on \(request.uri.path): GET /v1/openapi.yaml lists the routes",
                    headers: error.headers)
            case .contentTooLarge:
                throw APIError.tooLarge(limit: context.bodyLimit, method: request.method, path: request.uri.path)
            default:
                throw APIError(error.status, code: "request.failed", message: error.body ?? error.status.reasonPhrase)
            }
        } catch is NIOTooManyBytesError {
            // A body without a Content-Length (chunked) that outgrew the route's limit.
            throw APIError.tooLarge(limit: context.bodyLimit, method: request.method, path: request.uri.path)
        } catch let error as HTTPParserError {
            // The body's framing is broken (a chunk size `ZZZ`): the connection cannot be read on.
            throw APIError(
                .badRequest, code: "request.malformed",
                message:
                    "the request body could not be read (\(error)): check its Transfer-Encoding or Content-Length framing",
                field: "body", headers: [.connection: "close"])
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)"])
            throw APIError(
                .internalServerError, code: "server.internal",
                message: "the server failed unexpectedly; the daemon's log has the details")
        }
    }
}
