import FTTHCore
import FTTHProbe
import FTTHWire
import Foundation
import ProcessLab
import Synchronization
import Testing

/// A dialer that answers as told and records what happened, in order.
private final class ScriptedDialer: SessionDialer, Sendable {
    let events: Mutex<[String]> = Mutex([])
    let requests: Mutex<[DialRequest]> = Mutex([])
    let outcome: @Sendable () -> DialOutcome

    init(_ outcome: @escaping @Sendable () -> DialOutcome) { self.outcome = outcome }

    func dial(_ request: DialRequest) async -> DialOutcome {
        requests.withLock { $0.append(request) }
        events.withLock { $0.append("dial") }
        return outcome()
    }

    struct Session: DialedSession {
        let dialer: ScriptedDialer
        var localAddress = "127.0.0.1"
        var dns = ["10.67.0.1"]
        var mru = 1480
        var mss = 1440
        var acName = "BRAS-1"
        var phases = ServicePhases(padiToPADO: 3, padrToPADS: 2, lcp: 10, authentication: 4, ipcp: 5, total: 24)
        var endedWith: (code: String, message: String)? = nil
        func hangUp() async { dialer.events.withLock { $0.append("hang up") } }
    }
}

/// A daemon that hands out the given assignments and records the posts; posts fail while `down`.
private actor FakeDaemon: ProbeDaemon {
    var assignments: [ServiceTestAssignment]
    var posts: [(key: String, path: String, body: Data)] = []
    var reports: [(path: String, body: Data)] = []
    var recorded: [String: Data] = [:]
    var down = false
    var refuseWith: Int?
    let events: ScriptedDialer?

    init(_ assignments: [ServiceTestAssignment], events: ScriptedDialer? = nil) {
        self.assignments = assignments
        self.events = events
    }

    func setDown(_ value: Bool) { down = value }
    func setRefusal(_ status: Int?) { refuseWith = status }

    func claim() async throws -> ServiceTestAssignment? {
        if down { throw ProbeDaemonError("no answer") }
        return assignments.isEmpty ? nil : assignments.removeFirst()
    }

    func report(path: String, body: Data) async throws {
        let stage = (try? WireJSON.decoder().decode(ServiceProgressWire.self, from: body))?.stage ?? "?"
        events?.events.withLock { $0.append("progress \(stage)") }
        if down { throw ProbeDaemonError("no answer from the daemon") }
        reports.append((path, body))
    }

    func post(path: String, key: String, body: Data) async throws -> PostAnswer {
        events?.events.withLock { $0.append("post") }
        if down { throw ProbeDaemonError("no answer from the daemon") }
        posts.append((key, path, body))
        if let refuseWith { return .refused(status: refuseWith, message: "no such service test") }
        if recorded[key] != nil { return .recorded(replayed: true) }
        recorded[key] = body
        return .recorded(replayed: false)
    }
}

private func assignment(id: Int64 = 7, iperf3: String = "") -> ServiceTestAssignment {
    ServiceTestAssignment(
        id: id, runID: 40 + id, project: "P2026-0412", splitter: "SP01", port: 3, username: "test01", password: "pw1",
        serviceName: "ftth", acName: "", vlan: 100, planMbps: 100, durationS: 1, minFraction: 0.8,
        iperf3Server: iperf3, speedtestURL: "/v1/speedtest", resultURL: "/v1/service-tests/\(id)/result")
}

private func spool() throws -> ResultSpool {
    try ResultSpool(
        directory: FileManager.default.temporaryDirectory.appendingPathComponent("probe-spool-\(UUID().uuidString)"))
}

private func job(_ dialer: ScriptedDialer) -> ServiceTestJob {
    ServiceTestJob(
        interface: "eth1", dialer: dialer, daemon: ServerAddress(host: "127.0.0.1", port: 1), token: "t", log: { _ in })
}

@Suite struct ProbeRunnerTests {
    @Test func noWaitingTestIsAnIdleRound() async throws {
        let dialer = ScriptedDialer { .failed(code: "x", message: "", phases: ServicePhases()) }
        let runner = ProbeRunner(daemon: FakeDaemon([]), job: job(dialer), spool: try spool(), log: { _ in })
        #expect(try await runner.round() == .idle)
        #expect(dialer.events.withLock { $0 }.isEmpty)
    }

    @Test func aFailedDialIsPostedAsAFailWithTheProbesCodeAndPhases() async throws {
        let dialer = ScriptedDialer {
            .failed(
                code: "auth_rejected", message: "the BRAS rejected test01: Authentication failed",
                phases: ServicePhases(padiToPADO: 3, padrToPADS: 2, lcp: 11))
        }
        let daemon = FakeDaemon([assignment()])
        let spool = try spool()
        let runner = ProbeRunner(daemon: daemon, job: job(dialer), spool: spool, log: { _ in })
        #expect(try await runner.round() == .tested(id: 7, result: .fail, delivered: true))
        let posts = await daemon.posts
        #expect(posts.count == 1)
        #expect(posts[0].path == "/v1/service-tests/7/result")
        #expect(await daemon.reports.isEmpty, "no session, no progress: the result says it all")
        let sent = try WireJSON.decoder().decode(ServiceMeasurementWire.self, from: posts[0].body)
        #expect(sent.result == .fail)
        #expect(sent.reason?.code == "auth_rejected")
        #expect(sent.reason?.message.contains("Authentication failed") == true)
        #expect(sent.phases.lcpMs == 11 && sent.phases.authMs == nil)
        // The dial used the assignment's account, service, VLAN, and routes the daemon through the line.
        let request = try #require(dialer.requests.withLock { $0.first })
        #expect(request.username == "test01" && request.password == "pw1" && request.vlan == 100)
        #expect(request.serviceName == "ftth" && request.acName == nil && request.interface == "eth1")
        // The daemon on loopback is not routed through the line.
        #expect(request.routes.isEmpty)
        #expect(try spool.pending().isEmpty)
    }

    /// A real iperf3 server on loopback stands for the one behind the BRAS; the dialled session is
    /// scripted (the real dial is proven in the lab tests).
    @Test func aSessionIsMeasuredBothWaysAndTheResultPostedBeforeTheHangUp() async throws {
        let port = try freeTCPPort()
        let server = try LabProcess(
            "iperf3 -s", path: "/usr/bin/iperf3", arguments: ["-s", "-p", String(port), "--bind", "127.0.0.1"])
        defer { server.crash() }
        try await poll("iperf3 server listening on \(port)", seconds: 10) { acceptsTCP(port: port) }
        // `events` records, in order, the daemon's posts and the session's hang-up.
        let events = ScriptedDialer { fatalError("only records") }
        let dialer = ScriptedDialer { .up(ScriptedDialer.Session(dialer: events)) }
        let daemon = FakeDaemon([assignment(iperf3: "127.0.0.1:\(port)")], events: events)
        let runner = ProbeRunner(daemon: daemon, job: job(dialer), spool: try spool(), log: { _ in })
        #expect(try await runner.round() == .tested(id: 7, result: .pass, delivered: true))
        // Live progress first (session up, then the download measured), the result, the hang-up.
        #expect(events.events.withLock { $0 } == ["progress up", "progress down_measured", "post", "hang up"])
        let reports = await daemon.reports
        // A failure here is reported, never an index out of range that ends the whole test run.
        try #require(reports.map(\.path) == ["/v1/service-tests/7/progress", "/v1/service-tests/7/progress"])
        let up = try WireJSON.decoder().decode(ServiceProgressWire.self, from: reports[0].body)
        #expect(up.ip == "127.0.0.1" && up.phases.totalMs == 24 && up.downMbps == nil)
        let down = try WireJSON.decoder().decode(ServiceProgressWire.self, from: reports[1].body)
        let posts = await daemon.posts
        let sent = try WireJSON.decoder().decode(ServiceMeasurementWire.self, from: posts[0].body)
        #expect(sent.result == .pass && sent.reason == nil)
        #expect((sent.downMbps ?? 0) > 1 && (sent.upMbps ?? 0) > 1)
        #expect(sent.rttMs != nil)
        #expect(sent.mru == 1480 && sent.mss == 1440 && sent.ip == "127.0.0.1" && sent.dns == ["10.67.0.1"])
        #expect(sent.server == "iperf3 127.0.0.1:\(port)")
        #expect(sent.phases.totalMs == 24)
        #expect(down.downMbps == sent.downMbps, "the download reported live is the one posted")
        // The daemon judges it with the one rule in FTTHCore.
        let verdict = ServiceRule.judge(sent.measurement, planMbps: 100, minFraction: 0.8)
        #expect(verdict.verdict == .pass)
    }

    @Test func anUnreachableIperfServerFailsTheTestWithItsReason() async throws {
        let port = try freeTCPPort()
        let events = ScriptedDialer { fatalError("only records") }
        let dialer = ScriptedDialer { .up(ScriptedDialer.Session(dialer: events)) }
        let daemon = FakeDaemon([assignment(iperf3: "127.0.0.1:\(port)")])
        let runner = ProbeRunner(daemon: daemon, job: job(dialer), spool: try spool(), log: { _ in })
        #expect(try await runner.round() == .tested(id: 7, result: .fail, delivered: true))
        let posts = await daemon.posts
        let sent = try WireJSON.decoder().decode(ServiceMeasurementWire.self, from: posts[0].body)
        #expect(sent.reason?.code == "throughput_failed")
        #expect(sent.reason?.message.contains("Connection refused") == true)
        #expect(events.events.withLock { $0 } == ["hang up"])
    }

    @Test func aResultTheDaemonCouldNotTakeIsKeptAndSentOnceLater() async throws {
        let dialer = ScriptedDialer {
            .failed(code: "no_access_concentrator", message: "no AC", phases: ServicePhases())
        }
        let daemon = FakeDaemon([assignment(id: 9)])
        let spool = try spool()
        let runner = ProbeRunner(daemon: daemon, job: job(dialer), spool: spool, log: { _ in })
        // The claim gets through; then the daemon goes away before the result is posted.
        let racing = ProbeRunner(daemon: GoesDownAfterClaim(daemon), job: job(dialer), spool: spool, log: { _ in })
        #expect(try await racing.round() == .tested(id: 9, result: .fail, delivered: false))
        let kept = try spool.pending()
        #expect(kept.count == 1 && kept[0].path == "/v1/service-tests/9/result")
        #expect(await daemon.posts.isEmpty)
        // Back again: the next round sends it first, once, under the key it was kept with.
        await daemon.setDown(false)
        #expect(try await runner.round() == .idle)
        let posts = await daemon.posts
        #expect(posts.count == 1 && posts[0].key == kept[0].key && posts[0].body == kept[0].body)
        #expect(try spool.pending().isEmpty)
        await runner.flush()
        #expect(await daemon.posts.count == 1)
    }

    @Test func aResultRefusedForGoodLeavesTheSpoolWithALogLine() async throws {
        let dialer = ScriptedDialer {
            .failed(code: "no_access_concentrator", message: "no AC", phases: ServicePhases())
        }
        let daemon = FakeDaemon([assignment()])
        await daemon.setRefusal(404)
        let lines = Mutex<[String]>([])
        let spool = try spool()
        let runner = ProbeRunner(
            daemon: daemon, job: job(dialer), spool: spool, log: { line in lines.withLock { $0.append(line) } })
        #expect(try await runner.round() == .tested(id: 7, result: .fail, delivered: true))
        #expect(try spool.pending().isEmpty)
        #expect(lines.withLock { $0 }.contains { $0.contains("refused by the daemon (HTTP 404)") })
    }
}

/// Passes the claim through, then is down for every post.
private struct GoesDownAfterClaim: ProbeDaemon {
    let daemon: FakeDaemon
    init(_ daemon: FakeDaemon) { self.daemon = daemon }
    func claim() async throws -> ServiceTestAssignment? {
        let claimed = try await daemon.claim()
        await daemon.setDown(true)
        return claimed
    }
    func post(path: String, key: String, body: Data) async throws -> PostAnswer {
        try await daemon.post(path: path, key: key, body: body)
    }
    func report(path: String, body: Data) async throws {
        try await daemon.report(path: path, body: body)
    }
}

@Suite struct RoutedHostsTests {
    @Test func theMeasuredServerAndTheDaemonGoThroughTheLineButLoopbackDoesNot() {
        let job = ServiceTestJob(
            interface: "eth1", dialer: NoDialer(), daemon: ServerAddress(host: "192.0.2.10", port: 8080), token: "t",
            log: { _ in })
        #expect(job.target(of: assignment(iperf3: "198.51.100.7:5202")) == .iperf3("198.51.100.7:5202"))
        #expect(job.target(of: assignment()) == .speedTest(ServerAddress(host: "192.0.2.10", port: 8080)))
        let local = ServiceTestJob(
            interface: "eth1", dialer: NoDialer(), daemon: ServerAddress(host: "127.0.0.1", port: 8080), token: "t",
            log: { _ in })
        #expect(local.target(of: assignment()).description == "http://127.0.0.1:8080/v1/speedtest")
    }

    private struct NoDialer: SessionDialer {
        func dial(_ request: DialRequest) async -> DialOutcome {
            .failed(code: "x", message: "", phases: ServicePhases())
        }
    }
}

@Suite struct SessionLostDuringMeasurementTests {
    @Test func aSessionThatDiedUnderTheSpeedTestGivesItsOwnReason() async throws {
        let port = try freeTCPPort()
        let events = ScriptedDialerForLoss()
        let daemon = FakeDaemonForLoss()
        let job = ServiceTestJob(
            interface: "eth1", dialer: events, daemon: ServerAddress(host: "127.0.0.1", port: 1), token: "t",
            log: { _ in })
        let runner = ProbeRunner(
            daemon: daemon, job: job,
            spool: try ResultSpool(
                directory: FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)")),
            log: { _ in })
        await daemon.give(
            ServiceTestAssignment(
                id: 3, runID: 9, project: "P", splitter: "S", port: 1, username: "u", password: "p", serviceName: "",
                acName: "", vlan: nil, planMbps: 100, durationS: 1, minFraction: 0.8,
                iperf3Server: "127.0.0.1:\(port)", speedtestURL: "/v1/speedtest",
                resultURL: "/v1/service-tests/3/result"))
        #expect(try await runner.round() == .tested(id: 3, result: .fail, delivered: true))
        let body = try #require(await daemon.bodies.first)
        let sent = try WireJSON.decoder().decode(ServiceMeasurementWire.self, from: body)
        #expect(sent.reason?.code == "echo_timeout")
        #expect(sent.reason?.message.contains("during the throughput test") == true)
        #expect(sent.ip == "10.67.0.10")
        // The daemon's rule says the session came up, then failed.
        let verdict = ServiceRule.judge(sent.measurement, planMbps: 100, minFraction: 0.8)
        #expect(verdict.failure?.code == "echo_timeout")
        #expect(verdict.reason.hasPrefix("the session came up, then the service test failed (echo_timeout)"))
    }

    private struct ScriptedDialerForLoss: SessionDialer {
        struct Lost: DialedSession {
            var localAddress = "10.67.0.10"
            var dns: [String] = []
            var mru = 1492
            var mss = 1452
            var acName = "BRAS"
            var phases = ServicePhases(total: 20)
            var endedWith: (code: String, message: String)? = (
                "echo_timeout", "the session stopped answering after 3 LCP echo requests"
            )
            func hangUp() async {}
        }
        func dial(_ request: DialRequest) async -> DialOutcome { .up(Lost()) }
    }

    private actor FakeDaemonForLoss: ProbeDaemon {
        var waiting: [ServiceTestAssignment] = []
        var bodies: [Data] = []
        func give(_ assignment: ServiceTestAssignment) { waiting.append(assignment) }
        func claim() async throws -> ServiceTestAssignment? { waiting.isEmpty ? nil : waiting.removeFirst() }
        func post(path: String, key: String, body: Data) async throws -> PostAnswer {
            bodies.append(body)
            return .recorded(replayed: false)
        }
        func report(path: String, body: Data) async throws {}
    }
}
