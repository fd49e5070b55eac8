import FTTHAPI
import FTTHCore
import FTTHEngine
import Foundation
import Hummingbird
import HummingbirdTesting
import TestClocks
import Testing

/// Starting, reading and cancelling tests over the API, and the live progress stream.
@Suite(.timeLimit(.minutes(2))) struct EngineRouteTests {
    @Test func startingATestAnswersWithItsRunAndBadInputNamesTheField() async throws {
        let f = try await APIFixture()
        let started = try await f.request(
            .post, "/v1/projects/P1/ports/SP-A/1/tests", headers: f.headers(.crew, contentType: "application/json"),
            body: #"{"serial": "485754437E570001", "profile": "user"}"#)
        #expect(started.status == .accepted)
        #expect(started.json["step"] as? String == "provisioning")
        #expect(started.json["started_by"] as? String == "crew-token", "the token that started it")
        #expect(started.json["cvlan"] as? Int == 3000)
        #expect(started.json["profile"] as? String == "user")
        #expect(started.json["onu_name"] as? String == "FT-0A000001-0-1-0-S1-P1")

        let again = try await f.request(.post, "/v1/projects/P1/ports/SP-A/1/tests", headers: f.headers(.crew))
        #expect(again.status == .conflict)
        #expect(again.errorMessage?.contains("already being tested") == true)

        let cases: [(String, String?, HTTPResponse.Status, String?)] = [
            ("/v1/projects/P1/ports/SP-A/2/tests", #"{"serial": "HW 1"}"#, .unprocessableContent, "serial"),
            ("/v1/projects/P1/ports/SP-A/2/tests", #"{"profile": "nightly"}"#, .unprocessableContent, "profile"),
            ("/v1/projects/P1/ports/SP-A/0/tests", nil, .unprocessableContent, "port"),
            ("/v1/projects/P1/ports/SP-A/2/tests", "not json", .badRequest, nil),
            ("/v1/projects/P1/ports/SP-X/1/tests", nil, .notFound, nil),
        ]
        for (uri, body, status, field) in cases {
            let headers = f.headers(.admin, contentType: body == nil ? nil : "application/json")
            let response = try await f.request(.post, uri, headers: headers, body: body)
            #expect(response.status == status, "\(uri) \(body ?? ""): \(response.text)")
            if let field { #expect(response.errorField == field, "\(response.text)") }
        }
    }

    /// Splitter names come from the builder's records: Chinese, with spaces. Clients percent-encode
    /// them in the path, and the API must find the splitter all the same.
    @Test func aPercentEncodedSplitterNameFindsTheSplitter() async throws {
        let f = try await APIFixture()
        _ = try await f.store.importProjects(
            try ProjectImportPlan(
                csv: """
                    project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports
                    P3,花园苑,HW-1,10.0.0.1,huawei-ma5800,0/1/1,1002,花园苑2期3号楼 分光器,1:8,2
                    """, file: "p3.csv"), namingRule: .standard, source: "p3.csv", at: t0, progress: nil)
        let encoded = "%E8%8A%B1%E5%9B%AD%E8%8B%912%E6%9C%9F3%E5%8F%B7%E6%A5%BC%20%E5%88%86%E5%85%89%E5%99%A8"
        let started = try await f.request(.post, "/v1/projects/P3/ports/\(encoded)/2/tests", headers: f.headers(.crew))
        #expect(started.status == .accepted, "\(started.text)")
        #expect(started.json["splitter"] as? String == "花园苑2期3号楼 分光器")
        let results = try await f.request(.get, "/v1/projects/P3/ports/\(encoded)/2/results", headers: f.headers(.crew))
        #expect(results.status == .ok, "\(results.text)")
    }

    @Test func aTestIsReadAndCancelledAndAnEndedOneCannotBe() async throws {
        let f = try await APIFixture()
        let run = try await f.beginTest()
        let read = try await f.request(.get, "/v1/tests/\(run.id)", headers: f.headers(.crew))
        #expect(read.status == .ok)
        #expect(read.json["active"] as? Bool == true)
        #expect(try await f.request(.delete, "/v1/tests/\(run.id)", headers: f.headers(.crew)).status == .accepted)
        // The engine stops it at its next step.
        let ended = await f.engine.execute(run)
        #expect(ended.step == .cancelled)
        let gone = try await f.request(.delete, "/v1/tests/\(run.id)", headers: f.headers(.admin))
        #expect(gone.status == .conflict)
        #expect(try await f.request(.get, "/v1/tests/999", headers: f.headers(.crew)).status == .notFound)
        // A path that cannot name a test is malformed, as the document says (issue 12, defect 5).
        for method in [HTTPRequest.Method.get, .delete] {
            let malformed = try await f.request(method, "/v1/tests/x", headers: f.headers(.crew))
            #expect(malformed.status == .badRequest, "\(method): \(malformed.text)")
            #expect(malformed.errorField == "id", "\(method): \(malformed.text)")
        }
    }

    @Test(arguments: [Caller.noToken, .revokedToken, .integration])
    func theProgressStreamIsClosedToWhoMayNotSeeIt(caller: Caller) async throws {
        let f = try await APIFixture()
        let response = try await f.request(.get, "/v1/events", headers: caller.headers(f, contentType: nil))
        #expect(response.status == (caller == .integration ? .forbidden : .unauthorized))
    }

    /// The stream carries each step of a test as `event: progress` with JSON; it ends when the
    /// engine stops (the daemon shutting down), so the server can finish.
    @Test func theProgressStreamCarriesEveryStepUntilTheEngineStops() async throws {
        let f = try await APIFixture()
        let loop = Task { await f.engine.run() }
        let body = try await f.application().test(.router) { client in
            async let response = client.execute(uri: "/v1/events?project=P1", method: .get, headers: f.headers(.crew))
            // Wait until the stream has subscribed (beside this test's own subscription), then
            // start a test and let it end. The request runs in another task: without waiting,
            // the first event could be published before the stream listens.
            let progress = await f.engine.progress()
            while await f.engine.progressSubscriberCount < 2 { await Task.yield() }
            _ = try await f.request(.post, "/v1/projects/P1/ports/SP-A/1/tests", headers: f.headers(.crew))
            for await event in progress where !event.run.step.isActive { break }
            loop.cancel()
            await loop.value
            return try await response
        }
        #expect(body.status == .ok)
        #expect(body.headers[.contentType] == "text/event-stream")
        // A comment opens the stream at once, before any test runs.
        #expect(body.text.hasPrefix(": connected\n\n"), "\(body.text)")
        let events = body.text.components(separatedBy: "\n\n").filter { $0.hasPrefix("event: progress") }
        #expect(events.count >= 2, "\(body.text)")
        #expect(events.first?.contains("test started: CVLAN 3000 reserved") == true)
        #expect(events.last?.contains("no [[olt]] for 10.0.0.1") == true)
    }

    /// While nothing happens the stream sends a comment every heartbeat, so that proxies keep it
    /// open and a client that went away is noticed; the clock is the test's, not the wall's.
    @Test func aQuietStreamSendsAKeepAliveEachHeartbeat() async throws {
        let f = try await APIFixture()
        let clock = ManualClock()
        let loop = Task { await f.engine.run() }
        let body = try await f.application(heartbeat: .seconds(15), clock: clock).test(.router) { client in
            async let response = client.execute(uri: "/v1/events", method: .get, headers: f.headers(.crew))
            await clock.waitForSleepers(1)
            clock.advance(by: .seconds(14))
            // Not yet due: the same beat still waits.
            #expect(clock.sleeperCount == 1)
            clock.advance(by: .seconds(1))
            // The beat was sent once the next one waits; then one more.
            await clock.waitForSleepers(1)
            clock.advance(by: .seconds(15))
            await clock.waitForSleepers(1)
            loop.cancel()
            await loop.value
            return try await response
        }
        #expect(body.status == .ok)
        #expect(body.text == ": connected\n\n: keep-alive\n\n: keep-alive\n\n", "\(body.text)")
    }
}
