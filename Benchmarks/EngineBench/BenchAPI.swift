import FTTHWire
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The daemon's HTTP API as a crew uses it: start a port test, read a test run. The bodies are
/// the API's own wire types.
struct BenchAPI: Sendable {
    /// A test run as GET /v1/tests/{id} shows it.
    typealias Run = TestRunResponse

    let base: URL
    let token: String
    let session: URLSession

    init(port: Int, token: String) {
        base = URL(string: "http://127.0.0.1:\(port)")!
        self.token = token
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 16
        configuration.timeoutIntervalForRequest = 60
        session = URLSession(configuration: configuration)
    }

    func request(_ method: String, _ path: String, body: (any Encodable)? = nil) async throws -> Data {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try WireJSON.encoder().encode(body)
        }
        let (data, response) = try await session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw BenchError("\(method) \(path) answered \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return data
    }

    /// POST /v1/projects/{code}/ports/{splitter}/{port}/tests with the test ONT's serial.
    func startTest(project: String, splitter: String, port: Int, serial: String) async throws -> Run {
        let data = try await request(
            "POST", "/v1/projects/\(project)/ports/\(splitter)/\(port)/tests", body: TestStartRequest(serial: serial))
        return try WireJSON.decoder().decode(Run.self, from: data)
    }

    /// GET /v1/tests/{id}.
    func test(_ id: Int64) async throws -> Run {
        try WireJSON.decoder().decode(Run.self, from: try await request("GET", "/v1/tests/\(id)"))
    }
}
