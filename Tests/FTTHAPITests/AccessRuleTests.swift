import FTTHAPI
import FTTHCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// One route with a request that succeeds for the roles allowed, and what it answers then.
struct RouteCase: Sendable, CustomTestStringConvertible {
    var method: HTTPRequest.Method
    /// The route as ``APIServer/routes`` names it.
    var route: String
    var uri: String
    var allowed: Set<APIRole>
    var success: HTTPResponse.Status
    var contentType: String? = nil
    var body: String? = nil
    /// Brings the store to a state where the request succeeds.
    var prepare: (@Sendable (APIFixture) async throws -> Void)? = nil

    var testDescription: String { "\(method) \(uri)" }

    static let all: [RouteCase] = [
        RouteCase(
            method: .get, route: "/v1/openapi.yaml", uri: "/v1/openapi.yaml", allowed: [.crew, .admin, .integration],
            success: .ok),
        RouteCase(
            method: .get, route: "/v1/projects", uri: "/v1/projects", allowed: [.crew, .admin, .integration],
            success: .ok),
        RouteCase(
            method: .post, route: "/v1/projects", uri: "/v1/projects", allowed: [.integration, .admin],
            success: .created, contentType: "application/json",
            body: #"""
                {"code": "P8", "name": "New block", "splitters": [{"olt_name": "HW-1", "olt_ip": "10.0.0.1",
                 "olt_dialect": "huawei-ma5800", "pon": "0/1/0", "svlan": 1001, "name": "SP-Y", "ratio": "1:4"}]}
                """#),
        RouteCase(
            method: .post, route: "/v1/projects/import", uri: "/v1/projects/import", allowed: [.integration, .admin],
            success: .created, contentType: "text/csv",
            body: """
                project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio
                P9,New block,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-Z,1:4
                """),
        RouteCase(
            method: .get, route: "/v1/projects/{code}", uri: "/v1/projects/P1", allowed: [.crew, .admin, .integration],
            success: .ok),
        RouteCase(
            method: .patch, route: "/v1/projects/{code}", uri: "/v1/projects/P1", allowed: [.integration, .admin],
            success: .ok, contentType: "application/json", body: #"{"name": "Garden Court phase 2"}"#),
        RouteCase(
            method: .delete, route: "/v1/projects/{code}", uri: "/v1/projects/P1", allowed: [.integration, .admin],
            success: .noContent),
        RouteCase(
            method: .get, route: "/v1/projects/{code}/activation-list", uri: "/v1/projects/P1/activation-list",
            allowed: [.crew, .admin, .integration], success: .ok),
        RouteCase(
            method: .get, route: "/v1/projects/{code}/ports/{splitter}/{port}/results",
            uri: "/v1/projects/P1/ports/SP-A/1/results", allowed: [.crew, .admin, .integration], success: .ok),
        RouteCase(
            method: .get, route: "/v1/projects/{code}/report.csv", uri: "/v1/projects/P1/report.csv",
            allowed: [.crew, .admin, .integration], success: .ok),
        RouteCase(
            method: .get, route: "/v1/projects/{code}/report.xlsx", uri: "/v1/projects/P1/report.xlsx",
            allowed: [.crew, .admin, .integration], success: .ok),
        RouteCase(
            method: .post, route: "/v1/projects/{code}/approve", uri: "/v1/projects/P2/approve", allowed: [.admin],
            success: .ok, prepare: { try await $0.bringP2ToReview() }),
        RouteCase(
            method: .post, route: "/v1/projects/{code}/send-back", uri: "/v1/projects/P2/send-back",
            allowed: [.admin], success: .ok, contentType: "application/json",
            body: #"{"reason": "SP-A port 2 is dark: re-splice"}"#, prepare: { try await $0.bringP2ToReview() }),
        RouteCase(
            method: .get, route: "/v1/thresholds", uri: "/v1/thresholds", allowed: [.crew, .admin], success: .ok),
        RouteCase(
            method: .put, route: "/v1/thresholds/{name}", uri: "/v1/thresholds/build", allowed: [.admin],
            success: .ok, contentType: "application/json", body: #"{"min_onu_rx_dbm": -21.5}"#),
        RouteCase(
            method: .get, route: "/v1/thresholds/{name}/history", uri: "/v1/thresholds/build/history",
            allowed: [.admin], success: .ok),
        RouteCase(
            method: .post, route: "/v1/projects/{code}/ports/{splitter}/{port}/tests",
            uri: "/v1/projects/P1/ports/SP-A/2/tests", allowed: [.crew, .admin], success: .accepted,
            contentType: "application/json", body: #"{"serial": "HWTC7E570001"}"#),
        RouteCase(
            method: .get, route: "/v1/tests/{id}", uri: "/v1/tests/1", allowed: [.crew, .admin], success: .ok,
            prepare: { try await $0.beginTest() }),
        RouteCase(
            method: .delete, route: "/v1/tests/{id}", uri: "/v1/tests/1", allowed: [.crew, .admin],
            success: .accepted, prepare: { try await $0.beginTest() }),
        RouteCase(
            method: .post, route: "/v1/service-tests/claim", uri: "/v1/service-tests/claim", allowed: [.probe],
            success: .ok, prepare: { try await $0.awaitService() }),
        RouteCase(
            method: .post, route: "/v1/service-tests/{id}/result", uri: "/v1/service-tests/1/result",
            allowed: [.probe], success: .ok, contentType: "application/json",
            body:
                #"{"result": "pass", "phases": {}, "dns": [], "down_mbps": 290, "up_mbps": 250, "measured_at": "2026-12-05T08:00:00Z"}"#,
            prepare: { try await $0.awaitService() }),
        RouteCase(
            method: .post, route: "/v1/service-tests/{id}/progress", uri: "/v1/service-tests/1/progress",
            allowed: [.probe], success: .accepted, contentType: "application/json",
            body: #"{"stage": "up", "phases": {"total_ms": 116}, "ip": "100.64.0.7"}"#,
            prepare: { f in
                _ = try await f.awaitService()
                _ = try await f.store.claimServiceTest(by: "probe-token", at: t0)
            }),
        RouteCase(
            method: .get, route: "/v1/speedtest/download", uri: "/v1/speedtest/download?bytes=100",
            allowed: [.probe, .crew, .admin], success: .ok),
        RouteCase(
            method: .post, route: "/v1/speedtest/upload", uri: "/v1/speedtest/upload",
            allowed: [.probe, .crew, .admin], success: .ok, contentType: "application/octet-stream", body: "12345"),
        RouteCase(
            method: .get, route: "/v1/speedtest/ping", uri: "/v1/speedtest/ping", allowed: [.probe, .crew, .admin],
            success: .ok),
        RouteCase(method: .get, route: "/metrics", uri: "/metrics", allowed: [.metrics, .admin], success: .ok),
    ]

    /// Routes whose success cannot be a finished response (a live stream): their access rules
    /// are tested by ``EngineRouteTests``.
    static let streaming: Set<String> = [#"GET /v1/events ["admin", "crew"]"#]
}

/// Who knocks: no token, a broken header, an unknown or revoked token, or a valid one of a role.
enum Caller: Sendable, CaseIterable, CustomTestStringConvertible {
    case noToken, malformedHeader, basicScheme, unknownToken, revokedToken, crew, admin, integration, probe, metrics

    var testDescription: String { "\(self)" }

    var role: APIRole? {
        switch self {
        case .crew: .crew
        case .admin: .admin
        case .integration: .integration
        case .probe: .probe
        case .metrics: .metrics
        default: nil
        }
    }

    func headers(_ fixture: APIFixture, contentType: String?) -> HTTPFields {
        var headers: HTTPFields = [:]
        switch self {
        case .noToken: break
        case .malformedHeader: headers[.authorization] = "Bearer"
        case .basicScheme: headers[.authorization] = "Basic YWRtaW46YWRtaW4="
        case .unknownToken: headers[.authorization] = "Bearer ftth_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        case .revokedToken: headers[.authorization] = "Bearer \(fixture.revokedSecret)"
        case .crew, .admin, .integration, .probe, .metrics: headers = fixture.headers(role!)
        }
        if let contentType { headers[.contentType] = contentType }
        return headers
    }

    var expectedUnauthorizedCode: String? {
        switch self {
        case .noToken: "auth.missing_token"
        case .malformedHeader, .basicScheme: "auth.malformed_header"
        case .unknownToken: "auth.invalid_token"
        case .revokedToken: "auth.revoked_token"
        case .crew, .admin, .integration, .probe, .metrics: nil
        }
    }
}

@Suite struct AccessRuleTests {
    @Test(arguments: RouteCase.all, Caller.allCases)
    func everyRouteAnswersEveryCallerAsItsRolesAllow(route: RouteCase, caller: Caller) async throws {
        let fixture = try await APIFixture()
        try await route.prepare?(fixture)
        let response = try await fixture.request(
            route.method, route.uri, headers: caller.headers(fixture, contentType: route.contentType), body: route.body)
        if let code = caller.expectedUnauthorizedCode {
            #expect(response.status == .unauthorized)
            #expect(response.errorCode == code)
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
        } else if let role = caller.role, route.allowed.contains(role) {
            #expect(response.status == route.success, "\(response.text)")
        } else {
            #expect(response.status == .forbidden)
            #expect(response.errorCode == "auth.forbidden")
            let allowedNames = route.allowed.map(\.rawValue)
            #expect(allowedNames.allSatisfy { response.errorMessage?.contains($0) == true })
        }
    }

    @Test func theTableCoversEveryRouteTheServerHasWithTheSameRoles() {
        let served = Set(
            (APIServer.routes + APIServer.engineRoutes).map {
                "\($0.method) \($0.path) \($0.roles.map(\.rawValue).sorted())"
            })
        let tested = Set(RouteCase.all.map { "\($0.method) \($0.route) \($0.allowed.map(\.rawValue).sorted())" })
        #expect(served == tested.union(RouteCase.streaming))
    }

    @Test(arguments: Caller.allCases)
    func unknownPathsAreNotReachableWithoutAToken(caller: Caller) async throws {
        let fixture = try await APIFixture()
        let response = try await fixture.request(
            .get, "/v1/secret-place", headers: caller.headers(fixture, contentType: nil))
        if caller.expectedUnauthorizedCode != nil {
            #expect(response.status == .unauthorized)
        } else {
            #expect(response.status == .notFound)
            #expect(response.errorCode == "request.unknown_route")
        }
    }
}
