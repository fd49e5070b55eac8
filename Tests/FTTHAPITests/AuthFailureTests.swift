import FTTHConfig
import FTTHCore
import Foundation
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import Logging
import TestClocks
import Testing

@testable import FTTHAPI

/// The window of failed authentications per source, without a clock.
@Suite struct AuthFailureWindowTests {
    @Test func aSourceIsThrottledAfterItsLimitUntilTheOldestFailureLeavesTheWindow() {
        var w = AuthFailureWindow(limit: 3, window: .seconds(60))
        let first = w.fail(source: "a", now: .seconds(0))
        let second = w.fail(source: "a", now: .seconds(10))
        let third = w.fail(source: "a", now: .seconds(20))
        #expect(
            [first, second, third] == [
                .unauthorized(reachedLimit: false), .unauthorized(reachedLimit: false),
                .unauthorized(reachedLimit: true),
            ])
        let fourth = w.fail(source: "a", now: .seconds(30))
        #expect(fourth == .throttled(retryAfter: .seconds(30)))
        // Another source is not affected.
        let other = w.fail(source: "b", now: .seconds(30))
        #expect(other == .unauthorized(reachedLimit: false))
        // The first failure left the window: one more try is a 401 again, and throttles again.
        let later = w.fail(source: "a", now: .seconds(60))
        #expect(later == .unauthorized(reachedLimit: true))
        let again = w.fail(source: "a", now: .seconds(61))
        #expect(again == .throttled(retryAfter: .seconds(9)))
    }

    @Test func aSpreadOfSourcesDoesNotGrowTheTableWithoutBound() {
        var w = AuthFailureWindow(limit: 3, window: .seconds(60), maxSources: 100)
        for i in 0..<1000 { _ = w.fail(source: "10.0.\(i / 256).\(i % 256)", now: .seconds(1)) }
        #expect(w.sourceCount <= 100)
    }
}

/// Failed authentication over the router: logged without the token, counted, and throttled per
/// source with 429 and `Retry-After`, while a valid token still passes (issue 12, defect 7).
@Suite struct AuthFailureTests {
    @Test func repeatedFailuresAreLoggedCountedAndThrottled() async throws {
        let f = try await APIFixture()
        var configuration = f.configuration
        configuration.api.authFailureLimit = 3
        configuration.api.authFailureWindowSeconds = 60
        let clock = ManualClock()
        let statistics = APIStatistics()
        let log = InMemoryLogHandler()
        let router = APIServer.buildRouter(
            store: f.store, configuration: configuration, now: { t0 }, clock: clock, statistics: statistics)
        let app = Application(router: router, logger: Logger(label: "test") { _ in log })
        let guess = "ftth_0123456789abcdefSECRETGUESS"
        try await app.test(.router) { client in
            let bad: HTTPFields = [.authorization: "Bearer \(guess)"]
            for _ in 0..<3 {
                let response = try await client.execute(uri: "/v1/projects", method: .get, headers: bad)
                #expect(response.status == .unauthorized)
            }
            let throttled = try await client.execute(uri: "/v1/projects", method: .get, headers: bad)
            #expect(throttled.status == .tooManyRequests, "\(throttled.text)")
            #expect(throttled.headers[.retryAfter] == "60")
            #expect(throttled.errorCode == "auth.too_many_failures")
            // A crew behind the same address still works.
            let valid = try await client.execute(uri: "/v1/projects", method: .get, headers: f.headers(.crew))
            #expect(valid.status == .ok)
            // Half a second later the wait is rounded up, not down.
            clock.advance(by: .milliseconds(500))
            let again = try await client.execute(uri: "/v1/projects", method: .get, headers: bad)
            #expect(again.headers[.retryAfter] == "60")
            clock.advance(by: .milliseconds(59_500))
            let afterWindow = try await client.execute(uri: "/v1/projects", method: .get, headers: bad)
            #expect(afterWindow.status == .unauthorized)
        }
        #expect(statistics.authFailures == 6)
        #expect(statistics.authThrottled == 2)
        let failures = log.entries.filter { $0.message.description == "authentication failed" }
        #expect(failures.count == 4)
        #expect(failures.first?.metadata["http.route"]?.description == "GET /v1/projects")
        #expect(failures.first?.metadata["auth.reason"]?.description == "auth.invalid_token")
        #expect(failures.first?.metadata["http.peer"] != nil)
        for entry in log.entries {
            #expect(!"\(entry.message) \(entry.metadata)".contains("SECRETGUESS"), "\(entry.message)")
        }
    }
}
