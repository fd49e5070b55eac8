import FTTHCore
import FTTHEngine
import Foundation
import Hummingbird

/// A test run as the API shows it.
struct TestRunResponse: Codable, Sendable {
    var id: Int64
    var project: String
    var splitter: String
    var port: Int
    var step: String
    var active: Bool
    var profile: String
    var olt_ip: String
    var pon: String
    var onu_name: String
    var svlan: Int
    var cvlan: Int
    var onu_id: Int?
    var attempt: Int
    var started_at: Date
    var updated_at: Date
    var outcome: String?
    /// The test ONT's serial this run provisioned with.
    var serial: String?
    /// This run's own line result, once recorded: pass or fail, why, and what only warns.
    var verdict: String?
    var reasons: [String]?
    var warnings: [String]?

    init(_ run: TestRun, result: LineResultRecord? = nil) {
        id = run.id
        project = run.port.key.projectCode
        splitter = run.port.key.splitter
        port = run.port.key.port
        step = run.step.rawValue
        active = run.step.isActive
        profile = run.profile
        olt_ip = "\(run.port.olt)"
        pon = "\(run.port.pon)"
        onu_name = run.port.onuName
        svlan = run.port.svlan.value
        cvlan = run.cvlan.value
        onu_id = run.onuID
        attempt = run.attempt
        started_at = run.startedAt
        updated_at = run.updatedAt
        outcome = run.outcome
        serial = run.serial?.text
        verdict = result?.verdict.verdict.rawValue
        reasons = result?.verdict.reasons
        warnings = result?.verdict.warnings
    }
}

/// One progress event as the server-sent event stream carries it.
struct ProgressEvent: Codable, Sendable {
    var run: TestRunResponse
    var message: String
    var verdict: String?
    var reasons: [String]?
}

extension APIServer {
    /// The engine's routes: start a test of a port, read or cancel it, and follow every test live.
    public static let engineRoutes: [APIRoute] = [
        APIRoute(.post, "/v1/projects/{code}/ports/{splitter}/{port}/tests", [.crew, .admin]),
        APIRoute(.get, "/v1/tests/{id}", [.crew, .admin]),
        APIRoute(.delete, "/v1/tests/{id}", [.crew, .admin]),
        APIRoute(.get, "/v1/events", [.crew, .admin]),
    ]

    static let engineEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .iso8601
        return e
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try engineEncoder.encode(value))))
    }

    /// Adds ``engineRoutes`` to `router`, served by `engine` and `store`.
    /// `heartbeat`: how often the progress stream sends a comment line when nothing happens, so
    /// that proxies keep it open and a client that went away is noticed (and unsubscribed) then
    /// rather than at the next test. `clock` times the heartbeat (inject a test clock).
    public static func addEngineRoutes(
        engine: AcceptanceEngine, store: any TestRunStore, to router: Router<APIRequestContext>,
        heartbeat: Duration = .seconds(15), clock: any Clock<Duration> = ContinuousClock()
    ) {
        add(engineRoutes[0], to: router) { request, context in
            let code = try context.pathParameter("code")
            let splitter = try context.pathParameter("splitter")
            guard let port = context.parameters.get("port", as: Int.self), port >= 1 else {
                throw APIError.invalid("port", "must be a splitter port number from 1")
            }
            var serial: ONUSerial?
            var profile = "build"
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            if buffer.readableBytes > 0 {
                guard
                    let object = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any]
                else {
                    throw APIError.badRequest("the body must be a JSON object such as {\"serial\": \"HWTC1A2B3C4D\"}")
                }
                if let text = object["serial"] {
                    guard let s = text as? String, let parsed = ONUSerial(s) else {
                        throw APIError.invalid(
                            "serial", "must be the test ONT's serial, 12 characters (HWTC1A2B3C4D) or 16 hex digits")
                    }
                    serial = parsed
                }
                if let p = object["profile"] {
                    guard let name = p as? String, !name.isEmpty else {
                        throw APIError.invalid("profile", "must be the name of a threshold profile")
                    }
                    profile = name
                }
            }
            let key = PortKey(projectCode: code, splitter: splitter, port: port)
            do {
                let run = try await engine.start(key, serial: serial, profile: profile)
                return try json(TestRunResponse(run), status: .accepted)
            } catch let error as EngineError {
                throw APIError.invalid("profile", error.description)
            } catch let error as StoreError {
                switch error {
                case .notFound:
                    throw APIError(.notFound, code: error.code, message: error.description)
                case .conflict, .cvlan, .illegalTransition:
                    throw APIError(.conflict, code: error.code, message: error.description)
                default:
                    throw error
                }
            }
        }
        add(engineRoutes[1], to: router) { _, context in
            let run = try await run(id: context, store: store)
            return try json(TestRunResponse(run, result: try await store.lineResult(runID: run.id)))
        }
        add(engineRoutes[2], to: router) { _, context in
            let run = try await run(id: context, store: store)
            guard run.step.isActive else {
                throw APIError(
                    .conflict, code: "test.ended", message: "test \(run.id) has ended (\(run.step.rawValue))")
            }
            await engine.cancel(runID: run.id)
            return try json(TestRunResponse(run), status: .accepted)
        }
        add(engineRoutes[3], to: router) { request, _ in
            let project = request.uri.queryParameters.get("project")
            let runID = request.uri.queryParameters.get("run", as: Int64.self)
            let progress = await engine.progress()
            let events = progress.compactMap { event -> ByteBuffer? in
                if let project, event.run.port.key.projectCode != project { return nil }
                if let runID, event.run.id != runID { return nil }
                let body = ProgressEvent(
                    run: TestRunResponse(event.run), message: event.message,
                    verdict: event.verdict?.verdict.rawValue, reasons: event.verdict?.reasons)
                guard let data = try? engineEncoder.encode(body) else { return nil }
                return ByteBuffer(string: "event: progress\ndata: \(String(decoding: data, as: UTF8.self))\n\n")
            }
            let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
            let forward = Task {
                for await event in events { continuation.yield(event) }
                continuation.finish()
            }
            // A comment at once sends the headers through any proxy, so the client knows the
            // stream is open; then one per `heartbeat` while nothing happens.
            continuation.yield(ByteBuffer(string: ": connected\n\n"))
            let beat = Task {
                while true {
                    do { try await clock.sleep(for: heartbeat) } catch { return }
                    continuation.yield(ByteBuffer(string: ": keep-alive\n\n"))
                }
            }
            // The client went away or the engine stopped: both tasks end, the engine's stream
            // is dropped and unsubscribes.
            continuation.onTermination = { _ in
                forward.cancel()
                beat.cancel()
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody(asyncSequence: stream))
        }
    }

    static func run(id context: APIRequestContext, store: any TestRunStore) async throws -> TestRun {
        guard let id = context.parameters.get("id", as: Int64.self) else {
            throw APIError.invalid("id", "must be a test id (a number)")
        }
        guard let run = try await store.testRun(id: id) else {
            throw APIError(.notFound, code: "test.not_found", message: "no test \(id)")
        }
        return run
    }
}
