import FTTHAPI
import FTTHConfig
import FTTHCore
import FTTHEngine
import FTTHSQLite
import FTTHWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization

/// A fixed clock reading: tests never depend on the wall clock.
let t0 = Date(timeIntervalSince1970: 1_790_000_000)

let sampleCSV = """
    project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports
    P1,Garden <b>Court</b>,HW-1,10.0.0.1,huawei-ma5800,0/1/0,1001,SP-A,1:8,3
    """

/// Drivers for no OLT: a started test is only queued (no engine loop runs in these tests).
struct NoOLTs: OLTDriverProvider {
    func driver(for olt: ManagementAddress, dialect: VendorDialect) throws -> any OLTDriver {
        throw OLTDriverError(.invalidInput, olt: "\(olt)", message: "no [[olt]] for \(olt) in this test")
    }
    func provisioningProfiles(for olt: ManagementAddress) -> (line: String, service: String) { ("lp", "sp") }
}

/// A real SQLite store with project P1 (splitter SP-A, 3 ports), a crew member `wang` (password,
/// Chinese), an administrator `li` (password, English), and the web router over them.
final class WebFixture: Sendable {
    let directory: URL
    let store: SQLiteStore
    let engine: AcceptanceEngine
    let pages: WebPages
    let settings: WebSettings
    /// The time the router sees; one router for the fixture, so the failed sign-ins add up.
    let clock = FixtureNow()
    let responder: RouterResponder<WebRequestContext>
    static let crewPassword = "crew-password-1"
    static let adminPassword = "admin-password-1"

    init(authFailureLimit: Int = 10, maxUploadBytes: Int = 10 * 1024 * 1024) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ftth-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("store.sqlite").path)
        _ = try await store.importProjects(
            try ProjectImportPlan(csv: sampleCSV, file: "sample.csv"), namingRule: .standard, source: "sample.csv",
            at: t0, progress: nil)
        // Cost 4: the tests check the flow, not bcrypt's work factor.
        try await store.createAccount(
            name: "wang", role: .crew, language: .zh,
            passwordHash: await WebSite.hashPassword(Self.crewPassword, cost: 4), at: t0)
        try await store.createAccount(
            name: "li", role: .admin, language: .en,
            passwordHash: await WebSite.hashPassword(Self.adminPassword, cost: 4), at: t0)
        engine = AcceptanceEngine(
            store: store, drivers: NoOLTs(),
            configuration: EngineConfiguration(
                profiles: AcceptdConfiguration().profiles,
                cvlanRanges: [CVLANRange(name: "test", first: VLANID(3000)!, last: VLANID(3009)!)]),
            now: { t0 })
        pages = try await WebPages.load()
        var settings = WebSettings(secureCookies: true)
        settings.authFailureLimit = authFailureLimit
        settings.evidenceDirectory = directory.appendingPathComponent("evidence").path
        settings.maxUploadBytes = maxUploadBytes
        self.settings = settings
        let clock = self.clock
        responder = WebSite.buildRouter(
            pages: pages, store: store, engine: engine, settings: settings, now: { clock.date.withLock { $0 } }
        ).buildResponder()
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func application(now: Date = t0) -> some ApplicationProtocol {
        clock.date.withLock { $0 = now }
        return Application(responder: responder)
    }

    /// Signs `name` in with a password; returns the session cookie's value.
    func signIn(_ name: String, password: String) async throws -> String {
        let response = try await post("/sign-in", form: ["name": name, "password": password])
        guard response.status == .seeOther, let cookie = response.headers[.setCookie],
            let value = Self.cookieValue(cookie)
        else { throw FixtureError.signInFailed(response.status.code) }
        return value
    }

    static func cookieValue(_ header: String) -> String? {
        guard let first = header.split(separator: ";").first, first.hasPrefix("ftth_session=") else { return nil }
        return String(first.dropFirst("ftth_session=".count))
    }

    /// The CSRF token of a session.
    func csrf(_ session: String) async throws -> String {
        try await store.session(id: session, at: t0)!.csrfToken
    }

    func get(_ uri: String, session: String? = nil, now: Date = t0) async throws -> TestResponse {
        var fields = HTTPFields()
        if let session { fields[.cookie] = "ftth_session=\(session)" }
        let headers = fields
        return try await application(now: now).test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: headers)
        }
    }

    func post(
        _ uri: String, form: [String: String], session: String? = nil, extraHeaders: HTTPFields = [:]
    ) async throws -> TestResponse {
        var fields = extraHeaders
        fields[.contentType] = "application/x-www-form-urlencoded"
        if let session { fields[.cookie] = "ftth_session=\(session)" }
        let headers = fields
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = form.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
        return try await application().test(.router) { client in
            try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
        }
    }
}

/// The date the fixture's router reads, set per request.
final class FixtureNow: Sendable {
    let date = Mutex(t0)
}

enum FixtureError: Error { case signInFailed(Int) }

extension TestResponse {
    var text: String { String(buffer: body) }
}
