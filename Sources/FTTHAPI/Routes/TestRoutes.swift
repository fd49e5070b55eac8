import FTTHCore
import FTTHEngine
import FTTHWire
import Foundation
import Hummingbird

/// The engine's routes: start a test of a port, read or cancel it, and follow every test live.
struct TestRoutes: APIRouteGroup {
    static let mount = "/v1"

    let engine: AcceptanceEngine
    let store: any TestRunStore & ServiceTestStore
    /// How often the progress stream sends a comment line while nothing happens.
    let heartbeat: Duration
    let clock: any Clock<Duration>

    func register(on routes: AccessControlledRoutes) {
        routes.on(.post, "projects/{code}/ports/{splitter}/{port}/tests", use: start)
        routes.on(.get, "tests/{id}", use: test)
        routes.on(.delete, "tests/{id}", use: cancel)
        routes.on(.get, "events", use: events)
        routes.on(.post, "service-tests/{id}/progress", use: serviceProgress)
    }

    /// ``ServiceProgressWire`` from the probe that holds the service test: published to the live
    /// views of its run, not stored; 202. 404 for an unknown test, 409 when this probe does not
    /// hold it (another took it, or it ended).
    @Sendable func serviceProgress(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap({ StrictInteger.parse($0) }).map(Int64.init) else {
            throw APIError.badRequest(
                "id: a service test id is a whole number, such as /v1/service-tests/42/progress", field: "id")
        }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        try RequestBody.requireJSON(request)
        let body = try RequestBody.decode(
            ServiceProgressWire.self, from: Data(buffer.readableBytesView),
            example: #"{"stage": "up", "phases": {"total_ms": 640}, "ip": "100.64.0.7"}"#)
        guard let stage = ServiceProgress.Stage(rawValue: body.stage) else {
            throw APIError.invalid(
                "stage", "must be \(ServiceProgress.Stage.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        if let down = body.downMbps, !down.isFinite || down < 0 {
            throw APIError.invalid("down_mbps", "must be a number of 0 or more")
        }
        if let ip = body.ip, ip.count > 64 || ip.contains(where: { !$0.isASCII || $0.isWhitespace }) {
            throw APIError.invalid("ip", "must be the session's address, such as 100.64.0.7")
        }
        let progress = ServiceProgress(stage: stage, phases: body.phases.phases, ip: body.ip, downMbps: body.downMbps)
        do {
            try await engine.reportServiceProgress(testID: id, progress, by: context.authenticated.name)
        } catch let error as StoreError {
            throw APIError(error, field: nil)
        }
        return Response(status: .accepted)
    }

    /// ``TestStartRequest``, or no body: the port's serial and the `build` profile.
    @Sendable func start(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let code = try context.pathParameter("code")
        let splitter = try context.pathParameter("splitter")
        guard let port = context.parameters.get("port").flatMap({ StrictInteger.parse($0) }), port >= 1 else {
            throw APIError.invalid("port", "must be a splitter port number from 1, in digits only")
        }
        let body =
            try await RequestBody.decodeIfPresent(
                TestStartRequest.self, from: request, context: context, example: #"{"serial": "HWTC1A2B3C4D"}"#)
            ?? TestStartRequest()
        var serial: ONUSerial?
        if let text = body.serial {
            guard let parsed = ONUSerial(text) else {
                throw APIError.invalid(
                    "serial", "must be the test ONT's serial, 12 characters (HWTC1A2B3C4D) or 16 hex digits")
            }
            serial = parsed
        }
        if body.profile?.isEmpty == true {
            throw APIError.invalid("profile", "must be the name of a threshold profile")
        }
        let key = PortKey(projectCode: code, splitter: splitter, port: port)
        do {
            let run = try await engine.start(
                key, serial: serial, profile: body.profile ?? "build", by: context.authenticated.name)
            return try APIServer.json(TestRunResponse(run), status: .accepted)
        } catch let error as EngineError {
            throw APIError.invalid("profile", error.description)
        }
    }

    @Sendable func test(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let run = try await run(context)
        return try APIServer.json(
            TestRunResponse(
                run, result: try await store.lineResult(runID: run.id),
                service: try await store.serviceTest(runID: run.id)))
    }

    @Sendable func cancel(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let run = try await run(context)
        guard run.step.isActive else {
            throw APIError(.conflict, code: "test.ended", message: "test \(run.id) has ended (\(run.step.rawValue))")
        }
        await engine.cancel(runID: run.id)
        return try APIServer.json(TestRunResponse(run), status: .accepted)
    }

    /// Server-sent events, one ``ProgressEventResponse`` per step, filtered by `?project=` or `?run=`.
    @Sendable func events(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        await APIServer.progressStream(
            engine: engine, project: request.uri.queryParameters.get("project"), runID: try Self.runFilter(request),
            heartbeat: heartbeat, clock: clock)
    }

    /// `?run=N`; a filter that is not a test id would otherwise match nothing silently and the
    /// client would take the stream of every test for its own: 400 naming it.
    static func runFilter(_ request: Request) throws -> Int64? {
        guard let text = request.uri.queryParameters.get("run") else { return nil }
        guard let id = StrictInteger.parse(text), id >= 1 else {
            throw APIError.badRequest(
                "run: '\(text)' is not a test id; give the number POST …/tests answered, such as ?run=12",
                field: "run")
        }
        return Int64(id)
    }

    func run(_ context: APIRequestContext) async throws -> TestRun {
        guard let id = context.parameters.get("id").flatMap({ StrictInteger.parse($0) }).map(Int64.init) else {
            // A path that cannot name a test is malformed (400), as a port that is not a number is.
            throw APIError.badRequest("id: a test id is a whole number, such as /v1/tests/42", field: "id")
        }
        guard let run = try await store.testRun(id: id) else {
            throw APIError(.notFound, code: "test.not_found", message: "no test \(id)")
        }
        return run
    }
}
