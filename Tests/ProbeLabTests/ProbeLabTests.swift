import Foundation
import Testing

/// ftth-probe against the real peers: rp-pppoe's pppoe-server spawning Debian's pppd, and iperf3,
/// inside User-Mode Linux (the host kernel has no PPP). One boot runs every case
/// (scripts/uml-lab-init.sh); each test checks one case's JSON and prints the lab's logs when it
/// fails.
@Suite("ftth-probe against pppoe-server and pppd in User-Mode Linux")
struct ProbeLabTests {
    /// The lab's addresses and accounts (scripts/uml-lab-init.sh).
    static let clientIP = "10.67.0.10"
    static let serverIP = "10.67.0.1"
    static let dns = ["10.67.0.53", "10.67.0.54"]

    /// A session that came up and was hung up by the probe, with everything the report needs.
    func expectPass(_ name: String, acName: String) async throws {
        let lab = try await ProbeLab.shared.value
        let run = lab.result(name)
        #expect(run.result == "pass", "\(lab.logs(name))")
        #expect(run.status == 0, "\(lab.logs(name))")
        #expect(run.reasonCode == nil, "\(lab.logs(name))")
        #expect(run.ip == Self.clientIP, "\(lab.logs(name))")
        #expect(run.json["peer"] as? String == Self.serverIP, "\(lab.logs(name))")
        #expect(run.dns == Self.dns, "\(lab.logs(name))")
        #expect(run.mru == 1492, "\(lab.logs(name))")
        #expect(run.mss == 1452, "\(lab.logs(name))")
        #expect(run.acName == acName, "\(lab.logs(name))")
        // Every phase is timed. One may read 0 ms: the runner reads the clock once per wake-up, and
        // frames that arrive together (pppd's CHAP Success and its IPCP Configure-Ack) share it.
        for phase in ["padi_pado_ms", "padr_pads_ms", "lcp_ms", "auth_ms", "ipcp_ms"] {
            #expect((run.phases[phase] ?? -1) >= 0, "phase \(phase) not timed\n\(lab.logs(name))")
        }
        #expect((run.phases["total_ms"] ?? 0) > 0, "the dial not timed\n\(lab.logs(name))")
        let sum = ["padi_pado_ms", "padr_pads_ms", "lcp_ms", "auth_ms", "ipcp_ms"].compactMap { run.phases[$0] }
            .reduce(0, +)
        #expect(sum <= (run.phases["total_ms"] ?? 0) + 1, "phases add up to more than the total\n\(lab.logs(name))")
    }

    @Test("PAP: the session comes up with address, DNS, MRU 1492 and every phase timed")
    func pap() async throws {
        try await expectPass("pap", acName: "AC-ONE")
    }

    @Test("CHAP-MD5: the session comes up")
    func chap() async throws {
        try await expectPass("chap", acName: "AC-ONE")
    }

    @Test("A wrong password fails with auth_rejected and the server's own message")
    func wrongPassword() async throws {
        let lab = try await ProbeLab.shared.value
        let run = lab.result("wrong_password")
        #expect(run.result == "fail", "\(lab.logs("wrong_password"))")
        #expect(run.status == 1, "\(lab.logs("wrong_password"))")
        #expect(run.reasonCode == "auth_rejected", "\(lab.logs("wrong_password"))")
        // pppd's PAP Authenticate-Nak says "Login incorrect"; the crew sees it verbatim.
        #expect(run.reasonText?.contains("Login incorrect") == true, "\(lab.logs("wrong_password"))")
        #expect(run.ip == nil, "\(lab.logs("wrong_password"))")
    }

    @Test("No access concentrator: no_access_concentrator after the configured PADIs")
    func noAccessConcentrator() async throws {
        let lab = try await ProbeLab.shared.value
        let run = lab.result("no_ac")
        #expect(run.result == "fail", "\(lab.logs("no_ac"))")
        #expect(run.status == 1, "\(lab.logs("no_ac"))")
        #expect(run.reasonCode == "no_access_concentrator", "\(lab.logs("no_ac"))")
        #expect(run.phases["padi_pado_ms"] == nil, "\(lab.logs("no_ac"))")
    }

    @Test("Two access concentrators: the first offer is taken and both offers are logged")
    func twoAccessConcentrators() async throws {
        let lab = try await ProbeLab.shared.value
        let run = lab.result("two_acs")
        #expect(run.result == "pass", "\(lab.logs("two_acs"))")
        let offers = run.logLines.filter { $0.contains("AC-ONE") || $0.contains("AC-TWO") }
        #expect(offers.contains { $0.contains("AC-ONE") }, "\(lab.logs("two_acs"))")
        #expect(offers.contains { $0.contains("AC-TWO") }, "\(lab.logs("two_acs"))")
        // The first line naming an AC is its PADO: that AC is the one dialled.
        let first = offers.first.map { $0.contains("AC-ONE") ? "AC-ONE" : "AC-TWO" }
        #expect(run.acName != nil && run.acName == first, "\(lab.logs("two_acs"))")
    }

    @Test("Two access concentrators with --ac: the named one is taken")
    func namedAccessConcentrator() async throws {
        try await expectPass("two_acs_named", acName: "AC-TWO")
    }

    @Test("The server stops answering LCP echoes: echo_timeout after the session was up")
    func echoStops() async throws {
        let lab = try await ProbeLab.shared.value
        let run = lab.result("echo_stop")
        #expect(run.result == "fail", "\(lab.logs("echo_stop"))")
        #expect(run.status == 1, "\(lab.logs("echo_stop"))")
        #expect(run.reasonCode == "echo_timeout", "\(lab.logs("echo_stop"))")
        #expect(run.ip == Self.clientIP, "the session was up first\n\(lab.logs("echo_stop"))")
    }

    @Test("SIGTERM while up: the probe hangs up cleanly (the server's pppd sees our Terminate-Request) and passes")
    func hangUpOnSignal() async throws {
        try await expectPass("sigterm", acName: "AC-ONE")
        let lab = try await ProbeLab.shared.value
        let run = lab.result("sigterm")
        #expect(run.logLines.contains { $0.contains("hanging up") }, "\(lab.logs("sigterm"))")
        #expect(lab.text("sigterm-server.log").contains("LCP terminated by peer"), "\(lab.logs("sigterm"))")
    }

    @Test("An 802.1Q-tagged session (VLAN 100) comes up")
    func vlan() async throws {
        try await expectPass("vlan", acName: "AC-VLAN")
        let lab = try await ProbeLab.shared.value
        #expect(lab.result("vlan").json["vlan"] as? Int == 100, "\(lab.logs("vlan"))")
    }

    @Test("iperf3 runs through the session both ways; each receiver counted bits")
    func throughput() async throws {
        let lab = try await ProbeLab.shared.value
        let run = lab.result("throughput")
        #expect(run.result == "pass", "\(lab.logs("throughput"))")
        #expect(run.json["exec_status"] as? Int == 0, "\(lab.logs("throughput"))")
        for direction in ["up", "down"] {
            let file = "throughput-\(direction).iperf.json"
            let iperf = lab.json(file)
            let received = (iperf?["end"] as? [String: Any])?["sum_received"] as? [String: Any]
            let bits = (received?["bits_per_second"] as? NSNumber)?.doubleValue ?? 0
            #expect(bits > 0, "\(file): \(lab.text(file))\n\(lab.logs("throughput"))")
        }
    }

    @Test("dial --iperf3 measures both ways through the session and reports Mbit/s and RTT")
    func dialMeasuresThroughput() async throws {
        let lab = try await ProbeLab.shared.value
        let run = lab.result("throughput_dial")
        #expect(run.result == "pass", "\(lab.logs("throughput_dial"))")
        for key in ["down_mbps", "up_mbps", "rtt_ms"] {
            let value = (run.json[key] as? NSNumber)?.doubleValue ?? 0
            #expect(value > 0, "\(key)\n\(lab.logs("throughput_dial"))")
        }
    }

    @Test("The lab's own baseline: Debian's pppd with the rp-pppoe plugin gets an address")
    func pppdBaseline() async throws {
        let lab = try await ProbeLab.shared.value
        #expect(
            lab.text("pppd_baseline.addr").contains("inet \(Self.clientIP)"),
            "\(lab.text("pppd_baseline-client.log"))\n\(lab.logs("pppd_baseline"))")
    }
}
