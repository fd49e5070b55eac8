import Foundation
import ProcessLab
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The service test through ftthctl and a real ftth-acceptd: a crew starts the port test, a probe
/// (here plain HTTP with a `probe` token, as ftth-probe speaks it) takes the service test and
/// posts its result, and ftthctl shows the service and overall verdicts.
@Suite(.serialized, .daemonRig)
struct ServiceCommandTests {
    var rig: DaemonRig {
        get throws { try #require(DaemonRig.current, "the suite runs inside .daemonRig") }
    }

    func http(_ method: String, _ path: String, token: String, body: String? = nil) async throws -> (Int, Data) {
        let rig = try rig
        var request = URLRequest(url: URL(string: rig.daemon.url + path)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue("probe-upload-1", forHTTPHeaderField: "Idempotency-Key")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    @Test func aProbesResultGivesThePortItsServiceAndOverallVerdicts() async throws {
        let rig = try rig
        let started = try rig.ctl(
            "test", "start", "--project", DaemonRig.serviceProject, "--splitter", DaemonRig.serviceSplitter, "--port",
            "1", "--serial", DaemonRig.serviceSerial, "--no-wait", token: rig.crewToken)
        #expect(started.status == 0, "\(started.stderr)")
        let id = try #require(
            started.stdout.firstMatch(of: /test (\d+) started/).map { String($0.1) }, "\(started.stdout)")

        // The probe asks until the line is done and the service test waits (the daemon's
        // polls are 1 s; the ONU registers in 2 s).
        var assignment: [String: Any]?
        for _ in 0..<300 where assignment == nil {
            let (status, data) = try await http("POST", "/v1/service-tests/claim", token: rig.probeToken)
            if status == 200 {
                assignment = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            } else {
                #expect(status == 204)
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let claim = try #require(assignment, "no service test to take; daemon: \(rig.logTail)")
        #expect(claim["username"] as? String == "svc-user-1")
        #expect(claim["password"] as? String == "svc-secret-1")
        #expect(claim["plan_mbps"] as? Double == 100)
        let resultURL = try #require(claim["result_url"] as? String)
        let measurement = #"""
            {"result": "pass", "phases": {"total_ms": 480}, "ip": "100.64.0.9", "dns": [], "mru": 1492, "mss": 1452,
             "down_mbps": 95.5, "up_mbps": 91.0, "rtt_ms": 2.5, "server": "ftth-acceptd", "measured_at": "2026-12-05T08:00:00Z"}
            """#
        let (posted, answer) = try await http("POST", resultURL, token: rig.probeToken, body: measurement)
        #expect(posted == 200, "\(String(decoding: answer, as: UTF8.self))")

        // The probe's token opens nothing a crew uses.
        let (denied, _) = try await http("GET", "/v1/projects", token: rig.probeToken)
        #expect(denied == 403)

        var step = ""
        var show = try rig.ctl("test", "show", id, token: rig.crewToken)
        for _ in 0..<100 {
            show = try rig.ctl("test", "show", id, token: rig.crewToken)
            step = show.stdout.contains("finished") ? "finished" : ""
            if !step.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(step == "finished", "\(show.stdout)\ndaemon: \(rig.logTail)")
        #expect(show.stdout.contains(try Regex("service verdict +pass")), "\(show.stdout)")
        #expect(show.stdout.contains(try Regex("overall verdict +pass")), "\(show.stdout)")
        #expect(show.stdout.contains("down 95.5, up 91.0 Mbit/s of plan 100.0"), "\(show.stdout)")

        let results = try rig.ctl(
            "results", "--project", DaemonRig.serviceProject, "--splitter", DaemonRig.serviceSplitter, "--port", "1",
            token: rig.crewToken)
        #expect(results.stdout.contains("line pass, service pass, overall pass"), "\(results.stdout)")

        let report = try rig.ctl(
            "report", "--project", DaemonRig.serviceProject, "--format", "csv", "--output",
            rig.cli.path("service-report.csv"), token: rig.crewToken)
        #expect(report.status == 0, "\(report.stderr)")
        let csv = try String(contentsOfFile: rig.cli.path("service-report.csv"), encoding: .utf8)
        let lines = csv.split(whereSeparator: \.isNewline)
        #expect(
            lines.first?.hasSuffix(",service_reason,down_mbps,up_mbps,rtt_ms,plan_mbps,tested_at,tested_by,diagnosis")
                == true,
            "\(csv)")
        // The speeds, then when the line was tested, the token that started the test, and the
        // diagnosis of where its light is lost.
        #expect(lines.last?.contains(",95.5,91.0,2.5,100.0,20") == true, "\(csv)")
        #expect(lines.last?.contains("Z,crew-test,") == true, "\(csv)")
    }

    @Test func testStartFollowsTheServiceWaitAndExitsOneWhenTheServiceFails() async throws {
        let rig = try rig
        let following = Task.detached {
            try rig.ctl(
                "test", "start", "--project", DaemonRig.serviceProject, "--splitter", DaemonRig.serviceSplitter,
                "--port", "1", "--serial", DaemonRig.serviceSerial, "--poll-ms", "100", token: rig.crewToken)
        }
        var resultURL: String?
        for _ in 0..<300 where resultURL == nil {
            let (status, data) = try await http("POST", "/v1/service-tests/claim", token: rig.probeToken)
            if status == 200 {
                let claim = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                resultURL = claim?["result_url"] as? String
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let url = try #require(resultURL, "no service test to take; daemon: \(rig.logTail)")
        let failed = #"""
            {"result": "fail", "reason": {"code": "auth_rejected", "message": "PAP: Login incorrect"},
             "phases": {"padi_pado_ms": 5, "padr_pads_ms": 4, "lcp_ms": 20}, "dns": [], "measured_at": "2026-12-05T08:10:00Z"}
            """#
        let (posted, _) = try await http("POST", url, token: rig.probeToken, body: failed)
        #expect(posted == 200)
        let run = try await following.value
        #expect(run.status == 1, "stderr: \(run.stderr)\nstdout: \(run.stdout)")
        #expect(
            run.stdout.contains("service FAIL: PPPoE dial failed (auth_rejected): PAP: Login incorrect"),
            "\(run.stdout)")
    }
}
