import FTTHConfig
import FTTHCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import FTTHAPI

/// Bodies past their route's limit, broken framing, bodies that are not declared JSON, and
/// numbers and filters that are not what they claim: each refused with a status and a sentence,
/// never a 500 and never silently taken (issue 12, defects 2 and 8).
@Suite struct RequestLimitTests {
    /// A JSON object of about `bytes` bytes.
    static func json(bytes: Int) -> String { #"{"name": ""# + String(repeating: "x", count: bytes) + #""}"# }

    static let oversized: [(HTTPRequest.Method, String, APIRole, Int, String)] = [
        (.patch, "/v1/projects/P1", .admin, APIRoute.smallBody, "64 KiB"),
        (.put, "/v1/thresholds/build", .admin, APIRoute.smallBody, "64 KiB"),
        (.post, "/v1/projects/P1/ports/SP-A/1/tests", .admin, APIRoute.smallBody, "64 KiB"),
        (.post, "/v1/projects/P1/send-back", .admin, APIRoute.smallBody, "64 KiB"),
        (.post, "/v1/projects", .admin, APIRoute.projectBody, "4 MiB"),
    ]

    @Test(arguments: oversized, [true, false])
    func aBodyPastItsRoutesLimitIs413NamingTheLimit(
        _ route: (HTTPRequest.Method, String, APIRole, Int, String), declared: Bool
    ) async throws {
        let f = try await APIFixture()
        let (method, uri, role, limit, words) = route
        let body = Self.json(bytes: limit + 1)
        var headers = f.headers(role, contentType: "application/json")
        // Declared: refused from the header. Not declared (as chunked): refused while reading.
        if declared { headers[.contentLength] = "\(body.utf8.count)" }
        let request = headers
        let response = try await f.application().test(.router) { client in
            try await client.execute(uri: uri, method: method, headers: request, body: ByteBuffer(string: body))
        }
        #expect(response.status == .contentTooLarge, "\(method) \(uri): \(response.text)")
        #expect(response.errorCode == "request.too_large")
        #expect(response.errorMessage?.contains(words) == true, "\(response.text)")
    }

    @Test(arguments: [nil, "text/plain", "application/x-www-form-urlencoded"])
    func aJSONBodyWithoutItsContentTypeIs415(contentType: String?) async throws {
        let f = try await APIFixture()
        let response = try await f.request(
            .patch, "/v1/projects/P1", headers: f.headers(.admin, contentType: contentType),
            body: #"{"name": "Garden Court II"}"#)
        #expect(response.status == .unsupportedMediaType, "\(response.text)")
        #expect(response.errorField == "Content-Type")
        #expect(response.errorMessage?.contains("application/json") == true)
        let renamed = try await f.request(
            .patch, "/v1/projects/P1", headers: f.headers(.admin, contentType: "application/json; charset=utf-8"),
            body: #"{"name": "Garden Court II"}"#)
        #expect(renamed.status == .ok)
    }

    @Test(arguments: ["+1", "1.0", " 1", "0x1", "١", "99999999999999999999"])
    func aPortThatIsNotDigitsIsRefused(port: String) async throws {
        let f = try await APIFixture()
        let encoded = port.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? port
        let results = try await f.request(
            .get, "/v1/projects/P1/ports/SP-A/\(encoded)/results", headers: f.headers(.crew))
        #expect(results.status == .badRequest, "\(port): \(results.text)")
        #expect(results.errorField == "port")
        let test = try await f.request(.post, "/v1/projects/P1/ports/SP-A/\(encoded)/tests", headers: f.headers(.crew))
        #expect(test.status == .unprocessableContent, "\(port): \(test.text)")
        #expect(test.errorField == "port")
    }

    @Test(arguments: ["abc", "+3", "", "-1", "0"])
    func anEventsFilterThatIsNotATestIdIs400(run: String) async throws {
        let f = try await APIFixture()
        let response = try await f.request(.get, "/v1/events?run=\(run)", headers: f.headers(.crew))
        #expect(response.status == .badRequest, "run=\(run): \(response.text)")
        #expect(response.errorField == "run")
    }

    @Test func aDownloadSizeWithASignIsRefused() async throws {
        let f = try await APIFixture()
        let response = try await f.request(.get, "/v1/speedtest/download?bytes=%2B100", headers: f.headers(.probe))
        #expect(response.status == .badRequest, "\(response.text)")
        #expect(response.errorField == "bytes")
    }

    @Test func strictIntegersAreDigitsOnly() {
        #expect(StrictInteger.parse("42") == 42)
        #expect(StrictInteger.parse("007") == 7)
        for text in ["", "+3", "-3", "3 ", "3.0", "1e3", "٣", "1234567890123456789"] {
            #expect(StrictInteger.parse(text) == nil, "\(text)")
        }
    }
}

/// The same refusals on a real socket, where the framing is the client's to break.
@Suite struct RequestFramingTests {
    @Test func aChunkSizeThatIsNotHexIs400AndTheConnectionCloses() async throws {
        let fixture = try await APIFixture()
        let app = Application(
            router: APIServer.buildRouter(store: fixture.store, configuration: fixture.configuration, now: { t0 }),
            server: try APIServer.server(APISettings()), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let connection = try RawHTTPConnection(port: try #require(client.port))
            connection.send(
                "POST /v1/projects HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(fixture.secrets[.admin]!)\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n{}\r\n0\r\n\r\n")
            let (text, closed) = await connection.readUntilClosed(limit: .seconds(10))
            #expect(text.hasPrefix("HTTP/1.1 400"), "\(text)")
            #expect(text.contains("request.malformed"), "\(text)")
            #expect(closed)
        }
    }

    /// 10 MB declared to a small JSON route, 50 MB to the import: refused from the header, before
    /// the body is read, and the connection closed rather than drained.
    @Test(arguments: [
        ("PATCH /v1/projects/P1", "application/json", 10_000_000, "64 KiB"),
        ("POST /v1/projects/import", "text/csv", 50_000_000, "32 MiB"),
    ])
    func aDeclaredBodyPastTheLimitIs413AndTheConnectionCloses(
        route: String, contentType: String, length: Int, limit: String
    ) async throws {
        let fixture = try await APIFixture()
        let app = Application(
            router: APIServer.buildRouter(store: fixture.store, configuration: fixture.configuration, now: { t0 }),
            server: try APIServer.server(APISettings()), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let connection = try RawHTTPConnection(port: try #require(client.port))
            connection.send(
                "\(route) HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(fixture.secrets[.admin]!)\r\n"
                    + "Content-Type: \(contentType)\r\nContent-Length: \(length)\r\n\r\n{\"name\": \"")
            let (text, closed) = await connection.readUntilClosed(limit: .seconds(10))
            #expect(text.hasPrefix("HTTP/1.1 413"), "\(text)")
            #expect(text.contains(limit), "\(text)")
            #expect(closed)
        }
    }
}

/// The OpenAPI document lists the statuses these refusals answer with, on every route that can.
@Suite struct HardenedStatusDocumentTests {
    /// Per operation (`post /v1/projects`): whether its request body is JSON, and its statuses.
    static func operations(in yaml: String) -> [String: (json: Bool, statuses: Set<String>)] {
        let methods: Set<String> = ["get", "put", "post", "patch", "delete"]
        var result: [String: (json: Bool, statuses: Set<String>)] = [:]
        var path = ""
        var current: String?
        var inRequestBody = false
        for line in yaml.split(separator: "\n").map(String.init) {
            if line == "components:" { break }
            let indent = line.prefix { $0 == " " }.count
            let text = line.trimmingCharacters(in: .whitespaces)
            if indent == 2, text.hasPrefix("/"), text.hasSuffix(":") {
                path = String(text.dropLast())
            } else if indent == 4, methods.contains(String(text.dropLast())) {
                current = "\(text.dropLast()) \(path)"
                result[current!] = (false, [])
            } else if current != nil, indent == 6 {
                inRequestBody = text == "requestBody:"
            } else if let current, inRequestBody, text.hasPrefix("application/json") {
                result[current]?.json = true
            } else if let current, indent == 8, text.hasPrefix("'"), text.count > 4 {
                result[current]?.statuses.insert(String(text.dropFirst().prefix(3)))
            }
        }
        return result
    }

    @Test func everyRouteDocuments429AndEveryJSONBody413And415() {
        let operations = Self.operations(in: OpenAPIDocument.yaml)
        #expect(operations.count == APIServer.routes.count + APIServer.engineRoutes.count)
        for (name, operation) in operations {
            #expect(operation.statuses.contains("429"), "\(name)")
            if operation.json {
                #expect(operation.statuses.isSuperset(of: ["400", "413", "415"]), "\(name)")
            }
        }
        #expect(operations["post /v1/projects/import"]?.statuses.contains("413") == true)
        #expect(operations["get /v1/events"]?.statuses.contains("400") == true)
        #expect(operations["post /v1/speedtest/upload"]?.statuses.contains("400") == true)
    }
}
