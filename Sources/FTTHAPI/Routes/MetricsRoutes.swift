import FTTHMetrics
import Hummingbird

/// What `GET /metrics` serves: the exposition, and what to read just before (gauges kept
/// elsewhere, such as the outbox backlog in the store).
public struct MetricsEndpoint: Sendable {
    /// The series in Prometheus' text format.
    public var exposition: any MetricsExposition
    /// Runs before each scrape; it must not throw, so a store that fails leaves the last value.
    public var beforeScrape: @Sendable () async -> Void

    /// Serves `exposition`, after `beforeScrape`.
    public init(exposition: any MetricsExposition, beforeScrape: @escaping @Sendable () async -> Void = {}) {
        self.exposition = exposition
        self.beforeScrape = beforeScrape
    }

    /// No series: what a router built without the daemon's metrics serves.
    public static let empty = MetricsEndpoint(exposition: EmptyExposition())

    struct EmptyExposition: MetricsExposition {
        var contentType: String { "text/plain; version=0.0.4; charset=utf-8" }
        func exposition() -> [UInt8] { [] }
    }
}

/// `GET /metrics`: Prometheus' scrape, for a token with the role `metrics` (or `admin`).
struct MetricsRoutes: APIRouteGroup {
    static let mount = "/metrics"
    let endpoint: MetricsEndpoint

    func register(on routes: AccessControlledRoutes) {
        routes.on(.get, "") { _, _ in
            await endpoint.beforeScrape()
            return Response(
                status: .ok, headers: [.contentType: endpoint.exposition.contentType],
                body: .init(byteBuffer: ByteBuffer(bytes: endpoint.exposition.exposition())))
        }
    }
}
