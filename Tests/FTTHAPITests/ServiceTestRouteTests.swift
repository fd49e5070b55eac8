import FTTHAPI
import FTTHCore
import FTTHEngine
import FTTHWire
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A probe's side of the API: take a service test, post its result once, measure throughput.
@Suite struct ServiceTestRouteTests {
    static let measurement = #"""
        {"result": "pass", "reason": null, "phases": {"padi_pado_ms": 12, "padr_pads_ms": 9, "lcp_ms": 40,
         "auth_ms": 30, "ipcp_ms": 25, "total_ms": 116}, "ip": "100.64.0.7", "dns": ["100.64.0.1"], "mru": 1492,
         "mss": 1452, "down_mbps": 291.5, "up_mbps": 262.0, "rtt_ms": 3.9, "server": "ftth-acceptd",
         "measured_at": "2026-12-05T08:00:00Z"}
        """#

    func headers(_ f: APIFixture, key: String?) -> HTTPFields {
        var headers = f.headers(.probe, contentType: "application/json")
        if let key { headers[HTTPFields.Element.Name("Idempotency-Key")!] = key }
        return headers
    }

    @Test func aProbeTakesTheWaitingTestWithItsAccountAndNothingWhenNoneWaits() async throws {
        let f = try await APIFixture()
        let none = try await f.request(.post, "/v1/service-tests/claim", headers: f.headers(.probe))
        #expect(none.status == .noContent)
        let id = try await f.awaitService()
        let claimed = try await f.request(.post, "/v1/service-tests/claim", headers: f.headers(.probe))
        #expect(claimed.status == .ok, "\(claimed.text)")
        let assignment = try WireJSON.decoder().decode(ServiceTestAssignment.self, from: Data(claimed.text.utf8))
        #expect(assignment.id == id)
        #expect(assignment.project == "S1")
        #expect(assignment.port == 1)
        #expect(assignment.username == "u1")
        #expect(assignment.password == "secret-u1")
        #expect(assignment.planMbps == 300)
        #expect(assignment.minFraction == 0.8)
        #expect(assignment.durationS == 10)
        #expect(assignment.resultURL == "/v1/service-tests/\(id)/result")
        #expect(assignment.speedtestURL == "/v1/speedtest")
        #expect(claimed.json["vlan"] is NSNull)
        let again = try await f.request(.post, "/v1/service-tests/claim", headers: f.headers(.probe))
        #expect(again.status == .noContent)
    }

    @Test func aResultIsJudgedAndARepeatWithTheSameKeyAnswersTheFirstAnswer() async throws {
        let f = try await APIFixture()
        let id = try await f.awaitService()
        let uri = "/v1/service-tests/\(id)/result"
        let first = try await f.request(.post, uri, headers: headers(f, key: "upload-1"), body: Self.measurement)
        #expect(first.status == .ok, "\(first.text)")
        #expect(first.json["verdict"] as? String == "pass")
        #expect(first.headers[HTTPFields.Element.Name("Idempotent-Replayed")!] == nil)
        let replay = try await f.request(.post, uri, headers: headers(f, key: "upload-1"), body: Self.measurement)
        #expect(replay.status == .ok)
        #expect(replay.text == first.text)
        #expect(replay.headers[HTTPFields.Element.Name("Idempotent-Replayed")!] == "true")

        let other = Self.measurement.replacingOccurrences(of: "291.5", with: "10.0")
        let conflict = try await f.request(.post, uri, headers: headers(f, key: "upload-1"), body: other)
        #expect(conflict.status == .conflict)
        #expect(conflict.errorMessage?.contains("another body") == true)
        let second = try await f.request(.post, uri, headers: headers(f, key: "upload-2"), body: Self.measurement)
        #expect(second.status == .conflict)
    }

    @Test func aSlowOrFailedDialIsJudgedWithACodeTheCrewCanActOn() async throws {
        let f = try await APIFixture()
        let id = try await f.awaitService()
        let slow = Self.measurement.replacingOccurrences(of: "291.5", with: "120")
        let response = try await f.request(
            .post, "/v1/service-tests/\(id)/result", headers: headers(f, key: "k"), body: slow)
        #expect(response.status == .ok)
        #expect(response.json["verdict"] as? String == "fail")
        let reason = response.json["reason"] as? [String: Any]
        #expect(reason?["code"] as? String == "below_plan_down")
        #expect((reason?["message"] as? String)?.contains("240 Mbit/s") == true)

        let g = try await APIFixture()
        let gid = try await g.awaitService()
        let failed =
            #"{"result": "fail", "reason": {"code": "auth_rejected", "message": "Authentication failed: bad password"}, "phases": {"padi_pado_ms": 11}, "dns": [], "measured_at": "2026-12-05T08:00:00Z"}"#
        let rejected = try await g.request(
            .post, "/v1/service-tests/\(gid)/result", headers: headers(g, key: "k"), body: failed)
        #expect(rejected.status == .ok, "\(rejected.text)")
        #expect((rejected.json["reason"] as? [String: Any])?["code"] as? String == "auth_rejected")
    }

    @Test func badResultsNameTheFieldAndAnUnknownTestIsNotFound() async throws {
        let f = try await APIFixture()
        let id = try await f.awaitService()
        let cases: [(String, String, HTTPResponse.Status, String?)] = [
            (
                "/v1/service-tests/\(id)/result",
                #"{"result": "fail", "phases": {}, "dns": [], "measured_at": "2026-12-05T08:00:00Z"}"#,
                .unprocessableContent, "reason"
            ),
            (
                "/v1/service-tests/\(id)/result",
                #"{"result": "maybe", "phases": {}, "dns": [], "measured_at": "2026-12-05T08:00:00Z"}"#,
                .unprocessableContent, "result"
            ),
            (
                "/v1/service-tests/\(id)/result",
                #"{"result": "pass", "phases": {}, "dns": [], "down_mbps": -1, "measured_at": "2026-12-05T08:00:00Z"}"#,
                .unprocessableContent, "down_mbps"
            ),
            ("/v1/service-tests/\(id)/result", "not json", .badRequest, "body"),
            ("/v1/service-tests/99/result", Self.measurement, .notFound, nil),
            ("/v1/service-tests/x/result", Self.measurement, .badRequest, "id"),
        ]
        for (uri, body, status, field) in cases {
            let response = try await f.request(.post, uri, headers: headers(f, key: "k"), body: body)
            #expect(response.status == status, "\(body): \(response.text)")
            if let field { #expect(response.errorField == field, "\(response.text)") }
        }
    }

    /// A test account's password goes to the probe that takes its service test, which dials with
    /// it, and to no one else: no other route's answer carries it (issue 12, defect 8).
    @Test func anAccountsPasswordIsAnsweredOnlyToTheProbeThatDialsWithIt() async throws {
        let f = try await APIFixture()
        let id = try await f.awaitService()
        let claimed = try await f.request(.post, "/v1/service-tests/claim", headers: f.headers(.probe))
        #expect(claimed.json["password"] as? String == "secret-u1", "\(claimed.text)")
        let posted = try await f.request(
            .post, "/v1/service-tests/\(id)/result", headers: headers(f, key: "k"), body: Self.measurement)
        #expect(!posted.text.contains("secret-u1"))
        for uri in [
            "/v1/tests/1", "/v1/projects", "/v1/projects/S1", "/v1/projects/S1/activation-list",
            "/v1/projects/S1/ports/SP-S/1/results", "/v1/projects/S1/report.csv",
        ] {
            for role in [APIRole.crew, .admin] {
                let response = try await f.request(.get, uri, headers: f.headers(role))
                #expect(response.status == .ok, "\(uri): \(response.text)")
                #expect(!response.text.contains("secret-u1"), "\(uri) answered the password: \(response.text)")
            }
        }
    }

    @Test func theTestAndThePortShowTheServiceResult() async throws {
        let f = try await APIFixture()
        let id = try await f.awaitService()
        _ = try await f.request(
            .post, "/v1/service-tests/\(id)/result", headers: headers(f, key: "k"), body: Self.measurement)
        let run = try await f.request(.get, "/v1/tests/1", headers: f.headers(.crew))
        #expect(run.status == .ok, "\(run.text)")
        #expect(run.json["step"] as? String == "awaiting_service")
        let service = run.json["service"] as? [String: Any]
        #expect(service?["verdict"] as? String == "pass")
        #expect(service?["username"] as? String == "u1")
        let results = try await f.request(.get, "/v1/projects/S1/ports/SP-S/1/results", headers: f.headers(.crew))
        #expect((results.json["service_results"] as? [Any])?.count == 1)
        let report = try await f.request(.get, "/v1/projects/S1/report.csv", headers: f.headers(.crew))
        #expect(report.text.hasPrefix("splitter,splitter_port,"))
        #expect(
            report.text.split(separator: "\r\n").first?.hasSuffix(
                ",service_reason,down_mbps,up_mbps,rtt_ms,plan_mbps,tested_at,tested_by,diagnosis")
                == true)
        // A project without the service test keeps its report's columns.
        let p1 = try await f.request(.get, "/v1/projects/P1/report.csv", headers: f.headers(.crew))
        #expect(
            p1.text.split(separator: "\r\n").first?.hasSuffix(",reasons,warnings,tested_at,tested_by,diagnosis") == true
        )
    }

    @Test(arguments: [
        ("bytes=0", HTTPResponse.Status.badRequest), ("bytes=1073741825", .badRequest), ("bytes=ten", .badRequest),
        ("", .badRequest), ("bytes=1", .ok), ("bytes=200000", .ok),
    ])
    func theDownloadSendsTheBytesAskedForUpToOneGiB(query: String, status: HTTPResponse.Status) async throws {
        let f = try await APIFixture()
        let response = try await f.request(.get, "/v1/speedtest/download?\(query)", headers: f.headers(.probe))
        #expect(response.status == status, "\(response.text.prefix(200))")
        if status == .ok {
            #expect(response.body.readableBytes == Int(query.dropFirst("bytes=".count)))
        } else {
            #expect(response.errorField == "bytes")
        }
    }

    @Test func theUploadCountsWhatArrivedAndPingAnswers() async throws {
        let f = try await APIFixture()
        let body = String(repeating: "x", count: 100_000)
        let response = try await f.request(
            .post, "/v1/speedtest/upload", headers: f.headers(.probe, contentType: "application/octet-stream"),
            body: body)
        #expect(response.status == .ok)
        let upload = try WireJSON.decoder().decode(SpeedTestUploadResponse.self, from: Data(response.text.utf8))
        #expect(upload.bytes == 100_000)
        #expect(upload.seconds >= 0)
        let ping = try await f.request(.get, "/v1/speedtest/ping", headers: f.headers(.crew))
        #expect(ping.status == .ok)
    }

    @Test func aProbeTokenOpensNothingElse() async throws {
        let f = try await APIFixture()
        for (method, uri) in [
            (HTTPRequest.Method.get, "/v1/projects"), (.get, "/v1/openapi.yaml"), (.get, "/v1/thresholds"),
            (.post, "/v1/projects/P1/ports/SP-A/1/tests"),
        ] {
            let response = try await f.request(method, uri, headers: f.headers(.probe))
            #expect(response.status == .forbidden, "\(method) \(uri)")
        }
        let crew = try await f.request(.post, "/v1/service-tests/claim", headers: f.headers(.crew))
        #expect(crew.status == .forbidden)
    }

    @Test func aProgressEventCarriesTheServiceVerdictOnceJudged() async throws {
        let f = try await APIFixture()
        _ = try await f.awaitService()
        let run = try #require(try await f.store.testRun(id: 1))
        let verdict = ServiceRule.judge(
            ServiceMeasurement(dialSucceeded: false, failureCode: "no_access_concentrator", measuredAt: t0),
            planMbps: 300, minFraction: 0.8)
        let event = ProgressEventResponse(run: run, message: "service fail", verdict: nil, service: verdict)
        let json = try #require(
            try JSONSerialization.jsonObject(with: try WireJSON.encoder().encode(event)) as? [String: Any])
        #expect(json["service_verdict"] as? String == "fail")
        #expect((json["service_reason"] as? [String: Any])?["code"] as? String == "no_access_concentrator")
        #expect((json["run"] as? [String: Any])?["step"] as? String == "awaiting_service")
        #expect((json["service_measurement"] as? [String: Any])?["result"] as? String == "fail")
        #expect(json["readings"] == nil && json["service_state"] == nil)
    }

    @Test func theReadsProgressEventCarriesThePowersWithTimeAndSource() async throws {
        let f = try await APIFixture()
        _ = try await f.awaitService()
        let run = try #require(try await f.store.testRun(id: 1))
        let readings = OpticalReadings(
            oltTx: .dBm(DBm(3.5)), oltRx: .dBm(DBm(-18)), onuTx: .dBm(DBm(2.1)), onuRx: .missing(.onuOffline))
        let verdict = ThresholdProfile.build.evaluate(readings)
        let event = ProgressEventResponse(
            run: run, message: "read", verdict: verdict, readings: readings,
            provenance: ReadingProvenance(readAt: t0, source: "10.0.0.1 (huawei-snmp udp:10.0.0.1:161)"),
            serviceState: .waiting)
        let json = try #require(
            try JSONSerialization.jsonObject(with: try WireJSON.encoder().encode(event)) as? [String: Any])
        let live = try #require(json["readings"] as? [String: Any])
        #expect(live["transport"] as? String == "snmp")
        #expect(live["source"] as? String == "10.0.0.1 (huawei-snmp udp:10.0.0.1:161)")
        #expect(live["olt_tx_dbm"] as? Double == 3.5)
        #expect(live["onu_rx_dbm"] is NSNull)
        #expect(live["upstream_attenuation_db"] as? Double == 20.1)
        #expect(live["read_at"] as? String != nil)
        #expect(json["service_state"] as? String == "waiting")
        let decoded = try WireJSON.decoder().decode(
            ProgressEventResponse.self, from: try WireJSON.encoder().encode(event))
        #expect(decoded == event)
    }

    /// The probe holding a service test says how far it got (session up, then the download), and
    /// whoever follows the run sees it at once; nobody else may, and nothing is stored.
    @Test func theProbeHoldingATestReportsItsProgressToTheLiveViews() async throws {
        let f = try await APIFixture()
        let id = try await f.awaitService()
        let uri = "/v1/service-tests/\(id)/progress"
        let up = #"{"stage": "up", "phases": {"padi_pado_ms": 12, "total_ms": 116}, "ip": "100.64.0.7"}"#
        let probe = f.headers(.probe, contentType: "application/json")
        let waiting = try await f.request(.post, uri, headers: probe, body: up)
        #expect(waiting.status == .conflict && waiting.errorMessage?.contains("no probe has taken it") == true)
        #expect(
            try await f.request(.post, uri, headers: f.headers(.crew, contentType: "application/json"), body: up)
                .status == .forbidden)
        #expect(
            try await f.request(.post, "/v1/service-tests/999/progress", headers: probe, body: up).status == .notFound)
        #expect(try await f.request(.post, "/v1/service-tests/claim", headers: f.headers(.probe)).status == .ok)
        // Another probe may not speak for it.
        let other = try await f.store.createToken(name: "probe-2", role: .probe, at: t0)
        let otherHeaders: HTTPFields = [.authorization: "Bearer \(other.secret)", .contentType: "application/json"]
        let stranger = try await f.request(.post, uri, headers: otherHeaders, body: up)
        #expect(stranger.status == .conflict && stranger.errorMessage?.contains("probe-token has taken it") == true)

        let progress = await f.engine.progress()
        var events = progress.makeAsyncIterator()
        #expect(try await f.request(.post, uri, headers: probe, body: up).status == .accepted)
        let down = #"{"stage": "down_measured", "phases": {"total_ms": 116}, "ip": "100.64.0.7", "down_mbps": 291.4}"#
        #expect(try await f.request(.post, uri, headers: probe, body: down).status == .accepted)
        let first = try #require(await events.next())
        #expect(first.serviceProgress?.stage == .up && first.serviceProgress?.ip == "100.64.0.7")
        #expect(first.serviceProgress?.phases.padiToPADO == 12 && first.serviceState == .claimed)
        #expect(first.message.contains("session up as 100.64.0.7 in 116 ms"))
        let second = try #require(await events.next())
        #expect(second.serviceProgress?.stage == .downMeasured && second.serviceProgress?.downMbps == 291.4)
        // As the live view receives it.
        let json = try #require(
            try JSONSerialization.jsonObject(
                with: try WireJSON.encoder().encode(
                    ProgressEventResponse(
                        run: second.run, message: second.message, verdict: nil, serviceState: second.serviceState,
                        serviceProgress: second.serviceProgress))) as? [String: Any])
        let live = try #require(json["service_progress"] as? [String: Any])
        #expect(live["stage"] as? String == "down_measured" && live["down_mbps"] as? Double == 291.4)

        for (body, field) in [
            (#"{"stage": "dialling", "phases": {}}"#, "stage"),
            (#"{"stage": "down_measured", "phases": {}, "down_mbps": -1}"#, "down_mbps"),
            (#"{"stage": "up", "phases": {}, "ip": "a b"}"#, "ip"),
        ] {
            let refused = try await f.request(.post, uri, headers: probe, body: body)
            #expect(refused.status == .unprocessableContent, "\(body)")
            #expect(refused.errorField == field, "\(body)")
        }
        // Once the result is in, the test has ended: no more progress.
        let result = try await f.request(
            .post, "/v1/service-tests/\(id)/result", headers: probe, body: Self.measurement)
        #expect(result.status == .ok)
        #expect(try await f.request(.post, uri, headers: probe, body: up).status == .conflict)
    }
}
