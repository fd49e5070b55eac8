import FTTHMetrics
import Hummingbird

/// Counts every API request by its route's pattern (`/v1/projects/{code}`, never the path sent),
/// method and status, and times it to its response's head (``FTTHMetrics/APIMetrics``). The
/// outermost middleware, so refusals (401, 403, 404, 413) are counted too. A path no route
/// matched is ``FTTHMetrics/APIRouteLabel/unmatched``, a method the API does not know `other`:
/// a scanner cannot grow the series.
public struct RequestMetricsMiddleware: RouterMiddleware {
    public typealias Context = APIRequestContext
    let metrics: APIMetrics
    let patterns: Set<String>
    /// Starts timing a request; the closure it returns tells the time since.
    let startTimer: @Sendable () -> @Sendable () -> Duration

    static let methods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]

    /// Counts into `metrics` the routes whose patterns are in `routes`; times on `clock`.
    public init(metrics: APIMetrics, routes: [APIRoute], clock: any Clock<Duration>) {
        self.metrics = metrics
        self.patterns = Set(routes.map(\.path))
        startTimer = { clock.startTimer() }
    }

    public func handle(
        _ request: Request, context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        let elapsed = startTimer()
        let method = Self.methods.contains(request.method) ? request.method.rawValue : "other"
        // The router has chosen the route before the middleware runs; its pattern is shared by
        // every copy of the context.
        let route = context.endpointPath.flatMap { patterns.contains($0) ? $0 : nil } ?? APIRouteLabel.unmatched
        do {
            let response = try await next(request, context)
            metrics.request(
                route: route, method: method, status: response.status.code, took: elapsed())
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.request(route: route, method: method, status: status, took: elapsed())
            throw error
        }
    }
}

extension Clock where Duration == Swift.Duration {
    /// Starts timing now; the closure returned tells the time since, on this clock.
    fileprivate func startTimer() -> @Sendable () -> Duration {
        let start = now
        return { start.duration(to: self.now) }
    }
}
