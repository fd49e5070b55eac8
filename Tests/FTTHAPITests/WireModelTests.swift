import FTTHAPI
import FTTHCore
import FTTHWire
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

extension TestResponse {
    /// The body decoded as the clients decode it.
    func decoded<T: Decodable>(_ type: T.Type) throws -> T {
        try WireJSON.decoder().decode(T.self, from: Data(text.utf8))
    }

    /// The keys of the JSON object at `path` (keys and array indices) in the body.
    func keys(at path: [Any] = []) -> Set<String> {
        var value: Any? = json
        for step in path {
            if let key = step as? String { value = (value as? [String: Any])?[key] }
            if let index = step as? Int {
                value = (value as? [Any]).flatMap { $0.indices.contains(index) ? $0[index] : nil }
            }
        }
        return Set((value as? [String: Any])?.keys.map { $0 } ?? [])
    }
}

/// What the API writes, the clients (ftthctl, the engine benchmark) read with the same types, and
/// every key of today's JSON is still there, nulls included.
@Suite struct WireModelTests {
    static let rowKeys: Set<String> = [
        "splitter", "splitter_port", "olt_ip", "olt_name", "dialect", "pon_port", "onu_name", "svlan", "cvlan",
        "onu_serial", "onu_password", "activation_status", "test_status", "line_verdict", "service_verdict",
        "overall_verdict",
    ]
    static let limitKeys = Set(ThresholdKey.allCases.map(\.rawValue))

    @Test func theActivationListWritesEveryColumnAndReadsBack() async throws {
        let f = try await APIFixture()
        let response = try await f.request(.get, "/v1/projects/P1/activation-list", headers: f.headers(.crew))
        #expect(response.keys() == ["project_code", "ports", "splitters"])
        // Each splitter's diagnosis, with nothing to compare before a port is tested.
        #expect(
            response.keys(at: ["splitters", 0])
                == ["splitter", "tested", "lossy_ports", "place", "certainty", "evidence", "summary"])
        #expect(response.keys(at: ["ports", 0]) == Self.rowKeys)
        let list = try response.decoded(ActivationListResponse.self)
        #expect(list.projectCode == "P1")
        #expect(list.ports.map(\.splitterPort) == [1, 2])
        #expect(list.ports[0].cvlan == nil)
        #expect(response.text.contains(#""cvlan":null"#))
    }

    @Test func aLineResultWritesItsChecksLimitsAndRunAndReadsBack() async throws {
        let f = try await APIFixture()
        try await ProjectRouteTests().recordResult(f)
        let response = try await f.request(.get, "/v1/projects/P1/ports/SP-A/1/results", headers: f.headers(.crew))
        #expect(response.status == .ok, "\(response.text)")
        #expect(
            response.keys(at: ["results", 0]) == [
                "at", "profile", "verdict", "reasons", "warnings", "run_id", "checks", "limits", "olt_tx_dbm",
                "olt_rx_dbm", "onu_tx_dbm", "onu_rx_dbm", "downstream_attenuation_db", "upstream_attenuation_db",
            ])
        #expect(response.keys(at: ["results", 0, "limits"]) == Self.limitKeys.union(["name", "binding"]))
        #expect(response.keys(at: ["results", 0, "checks", 0]) == ["check", "outcome", "binding", "reason"])
        #expect(response.keys(at: ["history", 0]) == ["at", "event", "detail", "actor"])
        let body = try response.decoded(PortResultsResponse.self)
        let result = try #require(body.results.first)
        #expect(result.onuRxDBm == -21.4)
        #expect(result.downstreamAttenuationDB == 24.9)
        #expect(result.runID == nil)
        #expect(result.limits?[.minONURx] == -20)
        #expect(result.limits?.binding["min_onu_rx_dbm"] == true)
        #expect(result.checks?.contains { $0.check == "min_onu_rx" && $0.binding && $0.outcome == "fail" } == true)
        #expect(body.port.lineVerdict == "fail")
        // Encoding the decoded body again gives the daemon's bytes: one configuration on both sides.
        #expect(String(decoding: try WireJSON.encoder().encode(body), as: UTF8.self) == response.text)
    }

    @Test func thresholdsWriteEveryLimitAndTheirBindingAndChangesTheirAspect() async throws {
        let f = try await APIFixture()
        let update = try await f.request(
            .put, "/v1/thresholds/build", headers: f.headers(.admin, contentType: "application/json"),
            body: #"{"max_onu_rx_dbm": null, "binding": {"min_olt_rx_dbm": true}}"#)
        #expect(update.status == .ok, "\(update.text)")
        let body = try update.decoded(ThresholdUpdateResponse.self)
        #expect(body.profile[.maxONURx] == nil)
        #expect(update.text.contains(#""max_onu_rx_dbm":null"#))
        #expect(body.profile.binding["min_olt_rx_dbm"] == true)
        let changes = Dictionary(uniqueKeysWithValues: body.changes.map { ($0.aspect, $0) })
        #expect(changes["limit"]?.oldValue == .limit(-8))
        #expect(changes["limit"]?.newValue == nil)
        #expect(changes["binding"]?.oldValue == .binding("advisory"))
        #expect(changes["binding"]?.newValue == .binding("binding"))
        #expect(
            update.keys(at: ["changes", 0]) == ["at", "actor", "profile", "key", "aspect", "old_value", "new_value"])

        let list = try await f.request(.get, "/v1/thresholds", headers: f.headers(.crew))
        #expect(list.keys(at: ["profiles", 0]) == Self.limitKeys.union(["name", "binding"]))
        #expect(try list.decoded(ThresholdProfilesResponse.self).profiles.map(\.name).contains("build"))
    }

    @Test func aTestRunReadsBackWithItsSerial() async throws {
        let f = try await APIFixture()
        let started = try await f.request(
            .post, "/v1/projects/P1/ports/SP-A/2/tests", headers: f.headers(.crew, contentType: "application/json"),
            body: String(
                decoding: try WireJSON.encoder().encode(TestStartRequest(serial: "HWTC7E570001")), as: UTF8.self))
        #expect(started.status == .accepted, "\(started.text)")
        let run = try started.decoded(TestRunResponse.self)
        #expect(run.serial == "HWTC7E570001")
        #expect(run.portLabel == "P1 SP-A port 2")
        #expect(run.active)
        #expect(started.text.contains(#""olt_ip":"10.0.0.1""#))
    }

    @Test func anErrorReadsBackAsTheClientsReadIt() async throws {
        let f = try await APIFixture()
        let response = try await f.request(
            .put, "/v1/thresholds/build", headers: f.headers(.admin, contentType: "application/json"),
            body: #"{"binding": {"min_olt_rx_dbm": "yes"}}"#)
        #expect(response.status == .unprocessableContent)
        let error = try response.decoded(ErrorResponse.self).error
        #expect(error.code == "request.invalid_value")
        #expect(error.field == "binding.min_olt_rx_dbm")
    }
}

/// Every request body is read one way: each problem names its field by its JSON path.
@Suite struct RequestBodyTests {
    @Test(arguments: [
        (#"{"binding": {"nope": true}}"#, "binding.nope"),
        (#"{"binding": []}"#, "binding"),
        (#"{"min_onu_rx_dbm": [1]}"#, "min_onu_rx_dbm"),
        (#"{"max_onu_rx_dbm": -30}"#, "min_onu_rx_dbm"),
        (#"{"max_downstream_attenuation_db": -1}"#, "max_downstream_attenuation_db"),
    ])
    func thresholdProblemsNameTheirField(body: String, field: String) async throws {
        let f = try await APIFixture()
        let response = try await f.request(
            .put, "/v1/thresholds/build", headers: f.headers(.admin, contentType: "application/json"), body: body)
        #expect(response.status == .unprocessableContent, "\(response.text)")
        #expect(response.errorField == field, "\(response.text)")
    }

    @Test(arguments: [
        (#"{"code": "P9", "name": "x", "splitters": [{"name": "SP", "svlan": "1001"}]}"#, "splitters[0].svlan"),
        (#"{"code": "P9", "name": "x", "splitters": [{"name": "SP", "svlan": 1001.5}]}"#, "splitters[0].svlan"),
        (#"{"code": 9, "name": "x", "splitters": [{"name": "SP"}]}"#, "code"),
    ])
    func projectProblemsNameTheirField(body: String, field: String) async throws {
        let f = try await APIFixture()
        let response = try await f.request(
            .post, "/v1/projects", headers: f.headers(.admin, contentType: "application/json"), body: body)
        #expect(response.status == .unprocessableContent, "\(response.text)")
        #expect(response.errorField == field, "\(response.text)")
    }
}
