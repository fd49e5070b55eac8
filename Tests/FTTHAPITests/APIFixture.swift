import FTTHAPI
import FTTHConfig
import FTTHCore
import FTTHEngine
import FTTHSQLite
import Foundation
import Hummingbird
import HummingbirdTesting

/// A fixed clock reading: tests never depend on the wall clock.
let t0 = Date(timeIntervalSince1970: 1_790_000_000)

let sampleCSV = """
    project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports
    P1,Garden Court,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-A,1:8,2
    P2,Riverside,ZTE-1,10.0.0.2,zte-c300,1/2/1,2001,RC-1,1:8,2
    """

/// A real SQLite store on a temporary file with the sample projects, one active token per role
/// and one revoked token, and the API's router over it.
final class APIFixture: Sendable {
    let directory: URL
    let path: String
    let store: SQLiteStore
    let secrets: [APIRole: String]
    let revokedSecret: String
    let configuration: AcceptdConfiguration
    /// An engine whose OLTs cannot be reached: the routes' answers do not depend on the OLT.
    let engine: AcceptanceEngine

    init(configuration: AcceptdConfiguration = AcceptdConfiguration()) async throws {
        self.configuration = configuration
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ftth-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("store.sqlite").path
        store = try SQLiteStore(path: path)
        _ = try await store.importProjects(
            try ProjectImportPlan(csv: sampleCSV, file: "sample.csv"), namingRule: .standard, source: "sample.csv",
            at: t0, progress: nil)
        var secrets: [APIRole: String] = [:]
        for role in APIRole.allCases {
            secrets[role] = try await store.createToken(name: "\(role)-token", role: role, at: t0).secret
        }
        self.secrets = secrets
        revokedSecret = try await store.createToken(name: "old-admin", role: .admin, at: t0).secret
        try await store.revokeToken(name: "old-admin", at: t0)
        engine = AcceptanceEngine(
            store: store, drivers: NoOLTs(),
            configuration: EngineConfiguration(
                profiles: configuration.profiles,
                cvlanRanges: [CVLANRange(name: "test", first: VLANID(3000)!, last: VLANID(3009)!)]),
            now: { t0 })
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func application(
        heartbeat: Duration = .seconds(15), clock: any Clock<Duration> = ContinuousClock()
    ) -> some ApplicationProtocol {
        let router = APIServer.buildRouter(store: store, configuration: configuration, now: { t0 })
        APIServer.addEngineRoutes(engine: engine, store: store, to: router, heartbeat: heartbeat, clock: clock)
        return Application(router: router)
    }

    /// Begins a test of `port` (not executed: no engine loop runs).
    @discardableResult
    func beginTest(port: PortKey = PortKey(projectCode: "P1", splitter: "SP-A", port: 1)) async throws -> TestRun {
        try await engine.begin(port, profile: "build")
    }

    func headers(_ role: APIRole, contentType: String? = nil) -> HTTPFields {
        var headers: HTTPFields = [.authorization: "Bearer \(secrets[role]!)"]
        if let contentType { headers[.contentType] = contentType }
        return headers
    }

    /// Runs one request against the real router.
    func request(
        _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields, body: String? = nil
    ) async throws -> TestResponse {
        try await application().test(.router) { client in
            try await client.execute(
                uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        }
    }

    /// Imports project S1 (service test, plan 300 Mbit/s) and the accounts `accounts`, and takes a
    /// test of its port 1 to its line result: the run then awaits its service test, whose id it
    /// returns (1 in a new fixture).
    @discardableResult
    func awaitService(accounts: [String] = ["u1"]) async throws -> Int64 {
        _ = try await store.importProjects(
            try ProjectImportPlan(
                csv: """
                    project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports,service_test,plan_mbps
                    S1,Service Court,HW-1,10.0.0.1,huawei-ma5800,0/1/2,1003,SP-S,1:8,2,yes,300
                    """, file: "s1.csv"), namingRule: .standard, source: "s1.csv", at: t0, progress: nil)
        if !accounts.isEmpty {
            let csv = "username,password\n" + accounts.map { "\($0),secret-\($0)" }.joined(separator: "\n")
            _ = try await store.importTestAccounts(
                try TestAccountImport(csv: csv, file: "accounts.csv"), source: "accounts.csv", at: t0)
        }
        let port = PortKey(projectCode: "S1", splitter: "SP-S", port: 1)
        let run = try await store.beginTestRun(
            port, serial: ONUSerial("HWTC7E570009"), profile: .build,
            configuredRanges: [CVLANRange(name: "svc", first: VLANID(3100)!, last: VLANID(3109)!)], at: t0)
        _ = try await store.advanceTestRun(run.id, to: .awaitingOnline, onuID: 1, attempt: 0, outcome: nil, at: t0)
        _ = try await store.advanceTestRun(run.id, to: .reading, onuID: 1, attempt: 0, outcome: nil, at: t0)
        let readings = OpticalReadings(
            oltTx: .dBm(DBm(3.5)), oltRx: .dBm(DBm(-18)), onuTx: .dBm(DBm(2.1)), onuRx: .dBm(DBm(-17.2)))
        let verdict = ThresholdProfile.build.evaluate(readings)
        _ = try await store.finishTestRun(
            run.id, readings: readings, verdict: verdict, outcome: verdict.summary, at: t0)
        return try await store.serviceTest(runID: run.id)!.id
    }

    /// Moves P2 to awaiting review, as the engine does when every port passed.
    func bringP2ToReview() async throws {
        _ = try await store.applyProjectEvent("P2", .startTesting, actor: "engine", at: t0)
        _ = try await store.applyProjectEvent(
            "P2", .testsCompleted(passed: 2, failed: 0, untested: 0), actor: "engine", at: t0)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The decoded JSON body.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// `error.code` of an error body.
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var errorField: String? { (json["error"] as? [String: Any])?["field"] as? String }
    var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
}

/// Drivers for no OLT: every OLT is unknown.
struct NoOLTs: OLTDriverProvider {
    func driver(for olt: ManagementAddress, dialect: VendorDialect) throws -> any OLTDriver {
        throw OLTDriverError(.invalidInput, olt: "\(olt)", message: "no [[olt]] for \(olt) in this test")
    }
    func provisioningProfiles(for olt: ManagementAddress) -> (line: String, service: String) { ("lp", "sp") }
}
