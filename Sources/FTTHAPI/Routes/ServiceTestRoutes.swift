import Crypto
import FTTHCore
import FTTHWire
import Foundation
import Hummingbird

/// The service test's routes for probes: take the oldest waiting service test, post its result
/// (idempotent by the `Idempotency-Key` header), and the speed-test endpoints a probe (and later
/// a phone's browser) measures throughput against.
struct ServiceTestRoutes: APIRouteGroup {
    static let mount = "/v1"
    /// The largest download one request may ask for.
    static let maxDownloadBytes = 1 << 30
    /// Incompressible bytes, made once: random data that no proxy or modem can shrink.
    static let noise: ByteBuffer = {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 64 * 1024)
        for i in stride(from: 0, to: bytes.count, by: 8) {
            withUnsafeBytes(of: generator.next() as UInt64) { word in
                for j in 0..<8 { bytes[i + j] = word[j] }
            }
        }
        return ByteBuffer(bytes: bytes)
    }()

    let store: any ServiceTestStore
    let policy: ServiceTestPolicy
    let now: @Sendable () -> Date

    func register(on routes: AccessControlledRoutes) {
        routes.on(.post, "service-tests/claim", use: claim)
        routes.on(.post, "service-tests/{id}/result", use: result)
        routes.on(.get, "speedtest/download", use: download)
        routes.on(.post, "speedtest/upload", use: upload)
        routes.on(.get, "speedtest/ping", use: ping)
    }

    /// 200 with a ``ServiceTestAssignment``, or 204 when no service test waits.
    @Sendable func claim(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        guard let claim = try await store.claimServiceTest(by: context.authenticated.name, at: now()) else {
            return Response(status: .noContent)
        }
        return try APIServer.json(ServiceTestAssignment(claim, policy: policy))
    }

    /// Judges a ``ServiceMeasurementWire`` against the port's plan and records it once. A repeat
    /// with the same `Idempotency-Key` and body answers the first answer again, with
    /// `Idempotent-Replayed: true`; the same key with another body is 409.
    @Sendable func result(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap({ StrictInteger.parse($0) }).map(Int64.init) else {
            throw APIError.badRequest(
                "id: a service test id is a whole number, such as /v1/service-tests/42/result", field: "id")
        }
        let key = request.headers[Self.idempotencyKey]
        if let key, key.isEmpty || key.count > 200 {
            throw APIError.invalid(
                Self.idempotencyKey.rawName, "must be 1 to 200 characters, the same for every retry of one upload")
        }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        try RequestBody.requireJSON(request)
        let data = Data(buffer.readableBytesView)
        let body = try RequestBody.decode(
            ServiceMeasurementWire.self, from: data,
            example:
                #"{"result": "pass", "phases": {}, "dns": [], "down_mbps": 290.5, "up_mbps": 48.1, "measured_at": "2026-12-05T08:00:00Z"}"#
        )
        if body.result == .fail, body.reason == nil {
            throw APIError.invalid("reason", "is required when result is fail: the probe's code and sentence")
        }
        for (field, value) in [("down_mbps", body.downMbps), ("up_mbps", body.upMbps), ("rtt_ms", body.rttMs)] {
            if let value, !value.isFinite || value < 0 {
                throw APIError.invalid(field, "must be a number of 0 or more")
            }
        }
        guard let test = try await store.serviceTest(id: id) else {
            throw APIError(.notFound, code: "service_test.not_found", message: "no service test \(id)")
        }
        let verdict = ServiceRule.judge(body.measurement, planMbps: test.planMbps, minFraction: policy.minFraction)
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let recorded: (test: ServiceTest, replayed: Bool)
        do {
            recorded = try await store.recordServiceResult(
                id, verdict: verdict, idempotencyKey: key, bodyDigest: digest, at: now())
        } catch let error as StoreError {
            // A conflict over the key names the header; one over the test's state names nothing.
            let aboutKey = error.code == "store.conflict" && error.description.contains("Idempotency-Key")
            throw APIError(error, field: aboutKey ? Self.idempotencyKey.rawName : nil)
        }
        var response = try APIServer.json(ServiceResultResponse(recorded.test))
        if recorded.replayed { response.headers[Self.idempotentReplayed] = "true" }
        return response
    }

    /// `?bytes=N`: N bytes (1 … 1 GiB) of incompressible data.
    @Sendable func download(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        guard let text = request.uri.queryParameters.get("bytes") else {
            throw APIError.badRequest(
                "bytes: give the download size, such as ?bytes=10000000 (at most \(Self.maxDownloadBytes))",
                field: "bytes")
        }
        guard let bytes = StrictInteger.parse(text), bytes >= 1, bytes <= Self.maxDownloadBytes else {
            throw APIError.badRequest(
                "bytes: '\(text)' is not a size from 1 to \(Self.maxDownloadBytes) (1 GiB); ask for less and repeat",
                field: "bytes")
        }
        let noise = Self.noise
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/octet-stream", .cacheControl: "no-store", .contentEncoding: "identity",
            ],
            body: ResponseBody(contentLength: bytes) { writer in
                var left = bytes
                while left > 0 {
                    let n = min(left, noise.readableBytes)
                    try await writer.write(noise.getSlice(at: noise.readerIndex, length: n)!)
                    left -= n
                }
                try await writer.finish(nil)
            })
    }

    /// Reads and discards the body; answers the bytes received and the seconds the server took.
    @Sendable func upload(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        var bytes = 0
        for try await buffer in request.body { bytes += buffer.readableBytes }
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return try APIServer.json(SpeedTestUploadResponse(bytes: bytes, seconds: seconds))
    }

    @Sendable func ping(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: "pong\n")))
    }
}

extension ServiceTestRoutes {
    /// The header a probe sends the same with every retry of one upload.
    static let idempotencyKey = HTTPFields.Element.Name("Idempotency-Key")!
    /// Set on the answer to a repeated upload.
    static let idempotentReplayed = HTTPFields.Element.Name("Idempotent-Replayed")!
}
