import FTTHAPI
import FTTHCore
import FTTHMetrics
import FTTHPrometheus
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /metrics` on a router of its own registry: requests counted by route pattern and status,
/// the refusals of ``APIStatistics``, and who may read it.
@Suite struct MetricsRouteTests {
    /// The API over `fixture`'s store with a registry of its own (never swift-metrics' global one).
    static func application(_ fixture: APIFixture, factory: CatalogueMetricsFactory) -> some ApplicationProtocol {
        let statistics = APIStatistics(metrics: APIMetrics(factory: factory))
        let router = APIServer.buildRouter(
            store: fixture.store, configuration: fixture.configuration, now: { t0 }, statistics: statistics,
            metrics: MetricsEndpoint(exposition: PrometheusExposition(registry: factory.registry)))
        APIServer.addEngineRoutes(engine: fixture.engine, store: fixture.store, to: router)
        return Application(router: router)
    }

    @Test func requestsAreCountedByRoutePatternAndStatusWithoutTheirPaths() async throws {
        let fixture = try await APIFixture()
        let factory = CatalogueMetricsFactory()
        let text = try await Self.application(fixture, factory: factory).test(.router) { client in
            for uri in ["/v1/projects/P1", "/v1/projects/P2", "/v1/projects/NOPE", "/v1/no-such/place-42"] {
                _ = try await client.execute(uri: uri, method: .get, headers: fixture.headers(.crew))
            }
            _ = try await client.execute(uri: "/v1/projects", method: .get, headers: [:])
            _ = try await client.execute(uri: "/v1/projects", method: .get, headers: fixture.headers(.metrics))
            let response = try await client.execute(uri: "/metrics", method: .get, headers: fixture.headers(.metrics))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            return String(buffer: response.body)
        }
        let samples = ExpositionSamples(text)
        let requests = FTTHMetric.apiRequests.rawValue
        let project = "/v1/projects/{code}"
        #expect(samples[requests, ["route": project, "method": "GET", "status": "200"]] == 2)
        #expect(samples[requests, ["route": project, "method": "GET", "status": "404"]] == 1)
        #expect(samples[requests, ["route": "unmatched", "method": "GET", "status": "404"]] == 1)
        #expect(samples[requests, ["route": "/v1/projects", "method": "GET", "status": "401"]] == 1)
        #expect(samples[requests, ["route": "/v1/projects", "method": "GET", "status": "403"]] == 1)
        let duration = FTTHMetric.apiRequestDuration.rawValue
        #expect(samples["\(duration)_count", ["route": project, "method": "GET"]] == 3)
        #expect(samples[FTTHMetric.apiAuthFailures.rawValue, ["throttled": "false"]] == 1)
        #expect(samples[FTTHMetric.apiAuthFailures.rawValue, ["throttled": "true"]] == 0)
        #expect(samples[FTTHMetric.apiConnectionsRefused.rawValue] == 0)
        // No concrete path, project code or free text in a label.
        for secret in ["P1", "P2", "NOPE", "no-such", "place-42"] {
            #expect(!text.contains(secret), "\(secret) leaked into /metrics")
        }
        #expect(samples.comments.contains("# TYPE \(requests) counter"))
        #expect(samples.comments.contains("# HELP \(requests) \(FTTHMetric.apiRequests.help)"))
        #expect(samples.comments.contains("# TYPE \(duration) histogram"))
    }

    @Test func aMetricsTokenReadsMetricsAndNothingElse() async throws {
        let fixture = try await APIFixture()
        let factory = CatalogueMetricsFactory()
        try await Self.application(fixture, factory: factory).test(.router) { client in
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: fixture.headers(.metrics))
            #expect(metrics.status == .ok)
            let admin = try await client.execute(uri: "/metrics", method: .get, headers: fixture.headers(.admin))
            #expect(admin.status == .ok)
            for role in [APIRole.crew, .integration, .probe] {
                let refused = try await client.execute(uri: "/metrics", method: .get, headers: fixture.headers(role))
                #expect(refused.status == .forbidden, "\(role)")
            }
            let anonymous = try await client.execute(uri: "/metrics", method: .get, headers: [:])
            #expect(anonymous.status == .unauthorized)
            for uri in ["/v1/projects", "/v1/openapi.yaml", "/v1/thresholds"] {
                let other = try await client.execute(uri: uri, method: .get, headers: fixture.headers(.metrics))
                #expect(other.status == .forbidden, "\(uri)")
            }
        }
    }
}
