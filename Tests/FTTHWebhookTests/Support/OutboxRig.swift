import FTTHCore
import FTTHEngine
import FTTHMetrics
import FTTHSQLite
import FTTHWebhook
import Foundation

/// A store holding project P1 (six ports on two splitters, every one passed) approved but not
/// yet queued, a receiver on loopback, and a pusher posting to it on manual time.
final class OutboxRig: Sendable {
    static let csv = """
        project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports
        P1,Garden Court,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-A,1:8,4
        P1,Garden Court,HW-1,10.0.0.1,huawei-ma5800,0/1/1,1002,SP-B,1:4,2
        """
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static let passing = OpticalReadings(
        oltTx: .dBm(DBm(3.5)), oltRx: .dBm(DBm(-18)), onuTx: .dBm(DBm(2.1)), onuRx: .dBm(DBm(-17.2)))
    static let ports =
        (1...4).map { PortKey(projectCode: "P1", splitter: "SP-A", port: $0) }
        + (1...2).map { PortKey(projectCode: "P1", splitter: "SP-B", port: $0) }

    let directory: URL
    let store: SQLiteStore
    let receiver: WebhookReceiver
    let time: ManualTime
    let pusher: OutboxPusher

    /// `handedOver`: the test ONUs were removed after approval, as the scheduler does first;
    /// `metrics` counts the pusher's sends.
    init(batch: Int = 50, handedOver: Bool = true, metrics: OutboxMetrics = OutboxMetrics()) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ftth-outbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("store.sqlite").path)
        let t0 = Self.t0
        _ = try await store.importProjects(
            try ProjectImportPlan(csv: Self.csv, file: "rig.csv"), namingRule: .standard, source: "rig.csv", at: t0,
            progress: nil)
        _ = try await store.applyProjectEvent("P1", .startTesting, actor: "crew", at: t0)
        let range = CVLANRange(name: "test", first: VLANID(3000)!, last: VLANID(3099)!)
        for port in Self.ports {
            _ = try await store.recordActivation(port, serial: nil, configuredRanges: [range], at: t0)
            try await store.recordLineResult(
                port, readings: Self.passing, verdict: ThresholdProfile.build.evaluate(Self.passing), at: t0)
        }
        // Every port has a result: the store moved the project to review by itself.
        _ = try await store.applyProjectEvent("P1", .approve, actor: "admin", at: t0)
        // The scheduler's hand-over: the test ONUs are removed before anything is pushed.
        if handedOver { for port in Self.ports { try await store.recordDeactivation(port, at: t0) } }
        receiver = try await WebhookReceiver.start()
        let time = ManualTime(start: t0.addingTimeInterval(60))
        self.time = time
        pusher = OutboxPusher(
            store: store, transport: URLSessionWebhookTransport(url: receiver.url, token: "s3cret", timeout: 30),
            configuration: OutboxPusherConfiguration(
                batch: batch, backoff: .seconds(1), maximumBackoff: .seconds(8), pollInterval: .seconds(30)),
            clock: time, now: { time.date }, metrics: metrics)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func state() async throws -> ProjectState? {
        try await store.projects().first { $0.project.code == "P1" }?.project.state
    }
}
