import FTTHCore
import FTTHWire
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The daemon as a probe sees it: take a service test, post a result.
public protocol ProbeDaemon: Sendable {
    /// The oldest waiting service test, now this probe's; nil when none waits.
    func claim() async throws -> ServiceTestAssignment?
    /// Posts a result under its idempotency key.
    func post(path: String, key: String, body: Data) async throws -> PostAnswer
    /// Says how far a service test got (``ServiceProgressWire``), for the crew watching live.
    /// Best effort: a progress report that does not get through loses nothing.
    func report(path: String, body: Data) async throws
}

/// How the daemon took a posted result.
public enum PostAnswer: Sendable, Hashable {
    /// Recorded (2xx), or recorded before under the same key (a replay).
    case recorded(replayed: Bool)
    /// Refused for good (4xx other than 401/403/408/429): sending it again cannot help.
    case refused(status: Int, message: String)
}

/// Why the daemon could not be asked: it did not answer, or refused the token.
public struct ProbeDaemonError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The daemon over HTTP (URLSession), with the probe's bearer token.
public struct HTTPProbeDaemon: ProbeDaemon {
    public let server: URL
    let token: String
    let session: URLSession

    public init(server: URL, token: String, timeout: TimeInterval = 15) {
        self.server = server
        self.token = token
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        session = URLSession(configuration: configuration)
    }

    private func request(_ method: String, _ path: String) -> URLRequest {
        var base = server.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        return request
    }

    private func send(_ request: URLRequest, doing: String) async throws -> (Data, HTTPURLResponse) {
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw ProbeDaemonError(
                "\(doing): no answer from the daemon at \(server.absoluteString) (\(error.localizedDescription)); "
                    + "check --server and the probe's network")
        }
        guard let http = response as? HTTPURLResponse else {
            throw ProbeDaemonError("\(doing): the answer of \(server.absoluteString) was not HTTP")
        }
        if http.statusCode == 401 || http.statusCode == 403 {
            throw ProbeDaemonError(
                "\(doing): the daemon refused the probe's token (HTTP \(http.statusCode)); create one with "
                    + "`ftthctl token create --name PROBE --role probe` and give it with --token-file")
        }
        return (data, http)
    }

    public func claim() async throws -> ServiceTestAssignment? {
        let (data, http) = try await send(request("POST", "/v1/service-tests/claim"), doing: "taking a service test")
        switch http.statusCode {
        case 204: return nil
        case 200:
            do {
                return try WireJSON.decoder().decode(ServiceTestAssignment.self, from: data)
            } catch {
                throw ProbeDaemonError(
                    "taking a service test: the daemon's answer could not be read (\(error)); "
                        + "ftth-probe and ftth-acceptd may be of different versions")
            }
        default:
            throw ProbeDaemonError(
                "taking a service test: the daemon answered \(http.statusCode): \(String(decoding: data.prefix(300), as: UTF8.self))"
            )
        }
    }

    public func report(path: String, body: Data) async throws {
        var request = request("POST", path)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        let (data, http) = try await send(request, doing: "reporting progress to \(path)")
        guard (200..<300).contains(http.statusCode) else {
            let detail = (try? WireJSON.decoder().decode(ErrorResponse.self, from: data))?.error.message
            throw ProbeDaemonError(
                "reporting progress to \(path): the daemon answered \(http.statusCode): "
                    + (detail ?? String(decoding: data.prefix(300), as: UTF8.self)))
        }
    }

    public func post(path: String, key: String, body: Data) async throws -> PostAnswer {
        var request = request("POST", path)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(key, forHTTPHeaderField: "Idempotency-Key")
        request.httpBody = body
        let (data, http) = try await send(request, doing: "posting the result \(key)")
        switch http.statusCode {
        case 200..<300:
            return .recorded(replayed: http.value(forHTTPHeaderField: "Idempotent-Replayed") == "true")
        case 408, 429, 500...:
            throw ProbeDaemonError(
                "posting the result \(key): the daemon answered \(http.statusCode); it is kept and sent again")
        default:
            let detail = (try? WireJSON.decoder().decode(ErrorResponse.self, from: data))?.error.message
            return .refused(
                status: http.statusCode, message: detail ?? String(decoding: data.prefix(300), as: UTF8.self))
        }
    }
}

/// `ftth-probe run`: takes the service test of the port a crew has started, carries it out, and
/// makes sure its result reaches the daemon exactly once: spooled before the first post, removed
/// only when the daemon recorded it, sent again under the same key after any failure.
public struct ProbeRunner: Sendable {
    public var daemon: any ProbeDaemon
    public var job: ServiceTestJob
    public var spool: ResultSpool
    public var log: @Sendable (String) -> Void

    public init(
        daemon: any ProbeDaemon, job: ServiceTestJob, spool: ResultSpool, log: @escaping @Sendable (String) -> Void
    ) {
        self.daemon = daemon
        self.job = job
        self.spool = spool
        self.log = log
    }

    /// What one round did.
    public enum Round: Sendable, Hashable {
        /// No service test was waiting.
        case idle
        /// A test was carried out; its result is recorded, or kept in the spool for later.
        case tested(id: Int64, result: ServiceMeasurementWire.Result, delivered: Bool)
    }

    /// Sends what the spool holds, then takes and carries out at most one service test.
    public func round() async throws -> Round {
        await flush()
        guard let assignment = try await daemon.claim() else { return .idle }
        let key = "st-\(assignment.id)-\(UUID().uuidString.lowercased())"
        let path = assignment.resultURL
        let delivered = Flag()
        let progressPath = "/v1/service-tests/\(assignment.id)/progress"
        let measurement = await job.run(
            assignment, now: { Date() },
            progress: { progress in
                // For the crew watching the port live; the result below is what counts.
                guard let body = try? WireJSON.encoder().encode(progress) else { return }
                do {
                    try await daemon.report(path: progressPath, body: body)
                } catch {
                    log("service test \(assignment.id): progress not shown live: \(error)")
                }
            }
        ) { measurement in
            // Spool first, then post through the session while it is still up: if the line is the
            // only way out, this is the moment the daemon can be reached.
            guard let body = try? WireJSON.encoder().encode(measurement) else { return }
            do {
                try spool.store(key: key, path: path, body: body)
            } catch {
                log("service test \(assignment.id): cannot spool the result: \(error)")
            }
            if await deliver(key: key, path: path, body: body) { delivered.set() }
        }
        // What the daemon will judge, by the same rule, for the crew watching the probe.
        if assignment.planMbps > 0, assignment.minFraction > 0, assignment.minFraction <= 1 {
            let verdict = ServiceRule.judge(
                measurement.measurement, planMbps: assignment.planMbps, minFraction: assignment.minFraction)
            log("service test \(assignment.id): \(verdict.verdict.rawValue.uppercased()): \(verdict.reason)")
        }
        if !delivered.value {
            // Not yet delivered (the dial failed, or the post through the line did not get through).
            if let body = try? WireJSON.encoder().encode(measurement) {
                try? spool.store(key: key, path: path, body: body)
                if await deliver(key: key, path: path, body: body) { delivered.set() }
            }
        }
        return .tested(id: assignment.id, result: measurement.result, delivered: delivered.value)
    }

    /// Sends every spooled result, oldest first; keeps those the daemon could not take yet.
    public func flush() async {
        let entries: [ResultSpool.Entry]
        do {
            entries = try spool.pending()
        } catch {
            log("cannot read the result spool: \(error)")
            return
        }
        for entry in entries {
            _ = await deliver(key: entry.key, path: entry.path, body: entry.body)
        }
    }

    /// Posts one result; true when the daemon has it (or refused it for good), so it leaves the spool.
    func deliver(key: String, path: String, body: Data) async -> Bool {
        do {
            switch try await daemon.post(path: path, key: key, body: body) {
            case .recorded(let replayed):
                log("result \(key) recorded by the daemon\(replayed ? " (it had it already)" : "")")
            case .refused(let status, let message):
                log("result \(key) refused by the daemon (HTTP \(status)): \(message); it is not sent again")
            }
            try? spool.acknowledged(key: key)
            return true
        } catch {
            log("result \(key) kept to send later: \(error)")
            return false
        }
    }
}

/// A flag set from a closure.
final class Flag: Sendable {
    private let state = Mutex(false)
    var value: Bool { state.withLock { $0 } }
    func set() { state.withLock { $0 = true } }
}
