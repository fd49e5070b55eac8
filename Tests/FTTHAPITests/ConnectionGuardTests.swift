import FTTHConfig
import FTTHCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import FTTHAPI

/// The connection guard's state machine: which timeout runs when.
@Suite struct ConnectionDeadlineTests {
    let timeouts = ConnectionDeadline.Timeouts(idle: .seconds(30), head: .seconds(10), body: .seconds(20))

    @Test func aNewConnectionMustSendItsHeadInTime() {
        var d = ConnectionDeadline(timeouts: timeouts)
        let step1 = d.connected()
        #expect(step1 == .arm(.head, .seconds(10)))
        // More header bytes do not renew the head's timeout: half a header sent slowly still ends.
        let step2 = d.bytesRead()
        #expect(step2 == .none)
        let step3 = d.timerFired(.head)
        #expect(step3)
    }

    @Test func aBodyRenewsItsTimeoutWithEachReadAndTheAnswerRunsUntimed() {
        var d = ConnectionDeadline(timeouts: timeouts)
        _ = d.connected()
        let step4 = d.headRead()
        #expect(step4 == .arm(.body, .seconds(20)))
        let step5 = d.bytesRead()
        #expect(step5 == .arm(.body, .seconds(20)))
        let step6 = d.endRead()
        #expect(step6 == .disarm)
        #expect(d.phase == .responding)
        let step7 = d.timerFired(.body)
        #expect(!step7)
        let step8 = d.responseEnded()
        #expect(step8 == .arm(.idle, .seconds(30)))
        // The next request's first byte starts its head's timeout.
        let step9 = d.bytesRead()
        #expect(step9 == .arm(.head, .seconds(10)))
        let step10 = d.timerFired(.idle)
        #expect(!step10)
    }

    @Test func aPipelinedRequestKeepsTheConnectionResponding() {
        var d = ConnectionDeadline(timeouts: timeouts)
        _ = d.connected()
        _ = d.headRead()
        _ = d.endRead()
        _ = d.headRead()
        _ = d.endRead()
        let step11 = d.responseEnded()
        #expect(step11 == .none)
        #expect(d.phase == .responding)
        let step12 = d.responseEnded()
        #expect(step12 == .arm(.idle, .seconds(30)))
    }
}

/// The live server closes clients that hold a connection without finishing a request, and
/// refuses connections past the cap while the ones it serves still work (issue 12, defect 1).
@Suite struct ConnectionGuardTests {
    /// Short timeouts, so that each case ends in well under a second; the ones a case does not
    /// test are long, so that a busy machine does not close its connection early.
    static func settings(
        maxConnections: Int = 64, perAddress: Int = 64, idle: Double = 30, header: Double = 30, body: Double = 30
    ) -> APISettings {
        var settings = APISettings()
        settings.maxConnectionsPerAddress = perAddress
        settings.idleTimeoutSeconds = idle
        settings.headerTimeoutSeconds = header
        settings.bodyTimeoutSeconds = body
        settings.maxConnections = maxConnections
        return settings
    }

    func withServer(
        _ settings: APISettings, _ body: @escaping @Sendable (APIFixture, Int) async throws -> Void
    ) async throws {
        let fixture = try await APIFixture()
        let app = Application(
            router: APIServer.buildRouter(store: fixture.store, configuration: fixture.configuration, now: { t0 }),
            server: try APIServer.server(settings),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(fixture, try #require(client.port))
        }
    }

    @Test func aNewConnectionThatSendsNothingIsClosed() async throws {
        try await withServer(Self.settings(header: 0.3)) { _, port in
            let connection = try RawHTTPConnection(port: port)
            #expect(await connection.readUntilClosed(limit: .seconds(10)).closed)
        }
    }

    @Test func halfAHeaderIsClosed() async throws {
        try await withServer(Self.settings(header: 0.3)) { _, port in
            let connection = try RawHTTPConnection(port: port)
            connection.send("GET /v1/projects HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bea")
            #expect(await connection.readUntilClosed(limit: .seconds(10)).closed)
        }
    }

    @Test func aBodyShorterThanItsContentLengthIsClosed() async throws {
        try await withServer(Self.settings(body: 0.3)) { fixture, port in
            let connection = try RawHTTPConnection(port: port)
            connection.send(
                "PATCH /v1/projects/P1 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(fixture.secrets[.admin]!)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\": \"Gar")
            #expect(await connection.readUntilClosed(limit: .seconds(10)).closed)
        }
    }

    @Test func aKeptAliveConnectionIsClosedWhenIdleAfterItsAnswer() async throws {
        try await withServer(Self.settings(idle: 0.3)) { fixture, port in
            let connection = try RawHTTPConnection(port: port)
            connection.send(
                "GET /v1/projects HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(fixture.secrets[.crew]!)\r\n\r\n"
            )
            let answer = try #require(await connection.readResponse(limit: .seconds(15)))
            #expect(answer.hasPrefix("HTTP/1.1 200"))
            #expect(await connection.readUntilClosed(limit: .seconds(10)).closed)
        }
    }

    @Test func aConnectionPastTheCapIsRefusedWhileTheOthersStillWork() async throws {
        try await withServer(Self.settings(maxConnections: 3)) { fixture, port in
            let request =
                "GET /v1/projects HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(fixture.secrets[.crew]!)\r\n\r\n"
            // Opens connections one by one, each proven counted by an answer, until one is refused:
            // the test framework's own client may hold one place or more, and a busy machine answers slowly.
            var served: [RawHTTPConnection] = []
            var refused = false
            for _ in 0..<6 where !refused {
                let connection = try RawHTTPConnection(port: port)
                connection.send(request)
                if let answer = await connection.readResponse(limit: .seconds(15)) {
                    #expect(answer.hasPrefix("HTTP/1.1 200"))
                    served.append(connection)
                } else {
                    refused = await connection.readUntilClosed(limit: .seconds(10)).closed
                }
            }
            #expect(refused)
            #expect(!served.isEmpty)
            for connection in served {
                connection.send(request)
                #expect(await connection.readResponse(limit: .seconds(15))?.hasPrefix("HTTP/1.1 200") == true)
            }
        }
    }

    @Test func oneAddressCannotTakeEveryPlace() async throws {
        try await withServer(Self.settings(maxConnections: 10, perAddress: 1)) { fixture, port in
            let request =
                "GET /v1/projects HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(fixture.secrets[.crew]!)\r\n\r\n"
            // Not 127.0.0.1: the test framework's own client holds a connection from there.
            let first = try RawHTTPConnection(port: port, from: "127.0.0.3")
            first.send(request)
            #expect(await first.readResponse(limit: .seconds(15))?.hasPrefix("HTTP/1.1 200") == true)
            let second = try RawHTTPConnection(port: port, from: "127.0.0.3")
            #expect(await second.readUntilClosed(limit: .seconds(10)).closed)
            let other = try RawHTTPConnection(port: port, from: "127.0.0.4")
            other.send(request)
            #expect(await other.readResponse(limit: .seconds(15))?.hasPrefix("HTTP/1.1 200") == true)
        }
    }
}

@Suite struct ConnectionLimiterTests {
    @Test func theTotalAndThePerAddressCapsAreKeptAndPlacesComeBack() {
        let limiter = ConnectionLimiter(maximum: 3, maximumPerAddress: 2)
        #expect(limiter.acquire(address: "a") == nil)
        #expect(limiter.acquire(address: "a") == nil)
        #expect(limiter.acquire(address: "a") == .address)
        #expect(limiter.acquire(address: "b") == nil)
        #expect(limiter.acquire(address: "c") == .total)
        limiter.release(address: "a")
        #expect(limiter.acquire(address: "c") == nil)
        #expect(limiter.current == 3)
        #expect(limiter.refused == 2)
    }
}
