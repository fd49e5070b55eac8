import Foundation
import ProcessLab
import Testing

/// `ftthctl test`, `results`, `report`, `approve` and `reject` against a real ftth-acceptd that
/// drives olt-sim over Telnet: one daemon and one simulator for the whole suite.
@Suite(.serialized, .daemonRig)
struct DaemonCommandTests {
    var rig: DaemonRig {
        get throws { try #require(DaemonRig.current, "the suite runs inside .daemonRig") }
    }

    @Test func testStartFollowsThePortToAPass() async throws {
        let rig = try rig
        let run = try await rig.passingTest()
        #expect(run.status == 0, "stderr: \(run.stderr)\nstdout: \(run.stdout)\ndaemon: \(rig.logTail)")
        let out = run.stdout
        #expect(out.contains("started on \(DaemonRig.passProject) \(DaemonRig.passSplitter) port 1"), "\(out)")
        #expect(out.contains("awaiting_online: test ONU"), "\(out)")
        #expect(out.contains("finished: line pass (build)"), "\(out)")
        #expect(out.contains("line PASS (profile build"), "\(out)")
        for label in ["OLT tx", "OLT rx", "ONU tx", "ONU rx"] {
            #expect(out.contains(try Regex("\(label)  -?[0-9]+\\.[0-9]{2} dBm")), "\(label) in \(out)")
        }
        #expect(out.contains(try Regex("downstream attenuation \\(OLT tx - ONU rx\\)  [0-9]+\\.[0-9]{2} dB")))
        #expect(out.contains(try Regex("upstream attenuation \\(ONU tx - OLT rx\\) +[0-9]+\\.[0-9]{2} dB")))
        #expect(!out.contains(rig.crewToken) && !run.stderr.contains(rig.crewToken))
    }

    @Test func aDirtyConnectorFailsTheLineWithExitOneAndTheReason() throws {
        let rig = try rig
        let run = try rig.ctl(
            "test", "start", "--project", DaemonRig.failProject, "--splitter", DaemonRig.failSplitter, "--port", "1",
            "--serial", DaemonRig.failSerial, "--poll-ms", "100", token: rig.crewToken)
        #expect(run.status == 1, "stderr: \(run.stderr)\nstdout: \(run.stdout)\ndaemon: \(rig.logTail)")
        #expect(run.stdout.contains("line FAIL (profile build"), "\(run.stdout)")
        #expect(run.stdout.contains("below build limit -20.00 dBm"), "\(run.stdout)")
    }

    @Test func resultsShowThePortWithHistoryAndTheProjectList() async throws {
        let rig = try rig
        _ = try await rig.passingTest()
        let port = try rig.ctl(
            "results", "--project", DaemonRig.passProject, "--splitter", DaemonRig.passSplitter, "--port", "1",
            token: rig.crewToken)
        #expect(port.status == 0, "\(port.stderr)")
        #expect(port.stdout.contains("line PASS"), "\(port.stdout)")
        #expect(port.stdout.contains("history:"), "\(port.stdout)")
        #expect(port.stdout.contains("line_result"), "\(port.stdout)")

        let list = try rig.ctl("results", "--project", DaemonRig.passProject, token: rig.crewToken)
        #expect(list.status == 0, "\(list.stderr)")
        let row = try #require(list.stdout.split(separator: "\n").first { $0.hasPrefix(DaemonRig.passSplitter) })
        #expect(row.contains("pass"), "\(list.stdout)")
        #expect(list.stdout.contains("1 port(s): 1 tested, 1 line pass, 0 line fail"), "\(list.stdout)")

        let json = try rig.ctl("results", "--project", DaemonRig.passProject, "--json", token: rig.crewToken)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
        let ports = try #require(object["ports"] as? [[String: Any]])
        #expect(ports.first?["splitter"] as? String == DaemonRig.passSplitter)
        #expect(ports.first?["line_verdict"] as? String == "pass")
    }

    @Test func anUnknownPortIsNamedWithWhatToCheck() throws {
        let rig = try rig
        let run = try rig.ctl(
            "results", "--project", DaemonRig.passProject, "--splitter", "SP-NOPE", "--port", "1", token: rig.crewToken)
        #expect(run.status == 2)
        #expect(run.stderr.contains("reading the results of \(DaemonRig.passProject) SP-NOPE port 1"), "\(run.stderr)")
        #expect(run.stderr.contains("answered 404"), "\(run.stderr)")
        #expect(run.stderr.contains("check the project code, the splitter name"), "\(run.stderr)")
    }

    @Test func testShowAndCancelOfAnEndedRun() async throws {
        let rig = try rig
        let started = try await rig.passingTest()
        let id = try #require(
            started.stdout.firstMatch(of: /test (\d+) started/).map { String($0.1) }, "\(started.stdout)")
        let show = try rig.ctl("test", "show", id, token: rig.crewToken)
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("finished"), "\(show.stdout)")
        #expect(show.stdout.contains(DaemonRig.passSplitter), "\(show.stdout)")
        let cancel = try rig.ctl("test", "cancel", id, token: rig.crewToken)
        #expect(cancel.status == 2)
        #expect(cancel.stderr.contains("answered 409: test \(id) has ended (finished)"), "\(cancel.stderr)")
    }

    @Test func reportAsCSVHoldsTheTestedPort() async throws {
        let rig = try rig
        _ = try await rig.passingTest()
        let run = try rig.ctl(
            "report", "--project", DaemonRig.passProject, "--format", "csv", "--output", rig.cli.path("report.csv"),
            token: rig.crewToken)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("report of \(DaemonRig.passProject), 1 port(s)"), "\(run.stderr)")
        let csv = try String(contentsOfFile: rig.cli.path("report.csv"), encoding: .utf8)
        let lines = csv.split(whereSeparator: \.isNewline)
        #expect(lines.first?.hasPrefix("splitter,splitter_port,onu_name,olt_tx_dbm") == true, "\(csv)")
        #expect(lines.count == 2, "\(csv)")
        #expect(lines.last?.hasPrefix("\(DaemonRig.passSplitter),1,") == true, "\(csv)")
        #expect(lines.last?.contains(",pass,") == true, "\(csv)")

        let pdf = try rig.ctl("report", "--project", DaemonRig.passProject, "--format", "pdf", token: rig.crewToken)
        #expect(pdf.status == 64)
        #expect(pdf.stderr.contains("--format accepts only csv for now"), "\(pdf.stderr)")
    }

    @Test func approveNeedsTheAdminRole() async throws {
        let rig = try rig
        _ = try await rig.passingTest()
        let crew = try rig.ctl("approve", "--project", DaemonRig.passProject, token: rig.crewToken)
        #expect(crew.status == 2)
        #expect(crew.stderr.contains("answered 403"), "\(crew.stderr)")
        #expect(crew.stderr.contains("needs a token with the role admin"), "\(crew.stderr)")
        #expect(crew.stderr.contains("ask an administrator"), "\(crew.stderr)")

        // With the admin token (from a file this time) the tested project is approved.
        try rig.cli.write("admin.token", rig.adminToken + "\n")
        let admin = try rig.cli.run(
            [
                "approve", "--project", DaemonRig.passProject, "--server", rig.daemon.url, "--token-file",
                rig.cli.path("admin.token"),
            ], environment: ["FTTH_TOKEN": ""])
        #expect(admin.status == 0, "\(admin.stderr)")
        #expect(admin.stdout.contains("project \(DaemonRig.passProject) approved: state accepted"), "\(admin.stdout)")
        // Approving twice is refused with the workflow's reason.
        let again = try rig.ctl("approve", "--project", DaemonRig.passProject, token: rig.adminToken)
        #expect(again.status == 2)
        #expect(again.stderr.contains("answered 409"), "\(again.stderr)")
    }

    @Test func rejectNeedsAReason() throws {
        let rig = try rig
        let blank = try rig.ctl("reject", "--project", DaemonRig.failProject, "--reason", "  ", token: rig.adminToken)
        #expect(blank.status == 64)
        #expect(blank.stderr.contains("--reason must say what the builder has to rework"), "\(blank.stderr)")
    }

    @Test func aMissingOrWrongTokenSaysHowToGetOne() throws {
        let rig = try rig
        let none = try rig.ctl("results", "--project", DaemonRig.passProject, token: nil)
        #expect(none.status == 2)
        #expect(none.stderr.contains("no API token: set FTTH_TOKEN"), "\(none.stderr)")
        #expect(none.stderr.contains("--token-file"))
        #expect(none.stderr.contains("ftthctl token create"))

        let wrong = "ftth_not-a-real-secret"
        let refused = try rig.ctl("results", "--project", DaemonRig.passProject, token: wrong)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("answered 401"), "\(refused.stderr)")
        #expect(refused.stderr.contains("ftthctl token create"), "\(refused.stderr)")
        #expect(!refused.stderr.contains(wrong) && !refused.stdout.contains(wrong))
    }
}

/// The commands without a daemon: nothing listens at the URL.
struct NoDaemonTests {
    @Test func noDaemonAtTheURLSaysSoWithExitThree() throws {
        let cli = try FTTHCtlRunner()
        defer { cli.remove() }
        let port = try freeTCPPort()
        let run = try cli.run(
            ["results", "--project", "P1", "--server", "http://127.0.0.1:\(port)"],
            environment: ["FTTH_TOKEN": "ftth_x"])
        #expect(run.status == 3)
        #expect(
            run.stderr.contains(
                "no daemon at http://127.0.0.1:\(port): is ftth-acceptd running? (systemctl status ftth-acceptd)"),
            "\(run.stderr)")
        #expect(!run.stderr.contains("ftth_x"))
    }
}
