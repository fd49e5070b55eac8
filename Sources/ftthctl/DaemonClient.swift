import ArgumentParser
import FTTHWire
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Why a command that talks to the daemon stopped, with the exit status it ends with. The
/// message never holds the token.
struct DaemonError: Error, CustomStringConvertible {
    enum Kind: Equatable {
        /// No token in FTTH_TOKEN or --token-file.
        case noToken
        /// Nothing answered at the URL.
        case unreachable
        /// The daemon answered with this HTTP status.
        case http(Int)
        /// The daemon's answer could not be read.
        case unreadable
    }

    var kind: Kind
    var message: String

    /// 3 when no daemon answered, 2 for every other problem (1 is kept for a failed line).
    var exitStatus: Int32 { kind == .unreachable ? 3 : 2 }
    var description: String { message }
}

/// The HTTP client every daemon command uses: builds URLs with percent-encoded path segments,
/// sends the bearer token, and turns each failure into a ``DaemonError`` that says what to do.
struct DaemonClient: Sendable {
    /// The daemon's base URL, such as http://127.0.0.1:8080 (a path prefix behind a proxy is kept).
    let server: URL
    let token: String
    let session: URLSession

    init(server: URL, token: String, timeout: TimeInterval = 30) {
        self.server = server
        self.token = token
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
    }

    /// Unreserved characters of RFC 3986: everything else in a segment is sent as %XX of its
    /// UTF-8 bytes. (`CharacterSet.alphanumerics` would let Chinese letters through unencoded.)
    static let segmentAllowed = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// The URL of `segments` under the server, each segment percent-encoded.
    func url(_ segments: [String], query: [URLQueryItem] = []) -> URL {
        var base = server.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        let path = segments.map { $0.addingPercentEncoding(withAllowedCharacters: Self.segmentAllowed) ?? $0 }
        var components = URLComponents(string: base + "/" + path.joined(separator: "/"))!
        if !query.isEmpty { components.queryItems = query }
        return components.url!
    }

    /// Sends one request and returns the body of a 2xx answer. `action` says what was being done,
    /// for the error message ("starting a test of P2026-0412 SP01 port 3").
    func send(
        _ method: String, _ segments: [String], json body: (any Encodable)? = nil, action: String
    ) async throws -> Data {
        var request = URLRequest(url: url(segments))
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = try WireJSON.encoder().encode(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw DaemonError(
                kind: .unreachable,
                message:
                    "\(action): no daemon at \(server.absoluteString): is ftth-acceptd running? (systemctl status ftth-acceptd); "
                    + "check --server or FTTH_SERVER (\(Self.reason(error)))")
        }
        guard let http = response as? HTTPURLResponse else {
            throw DaemonError(
                kind: .unreadable, message: "\(action): the answer of \(server.absoluteString) was not HTTP")
        }
        guard (200..<300).contains(http.statusCode) else {
            throw Self.error(status: http.statusCode, body: data, action: action)
        }
        return data
    }

    /// Sends one request and decodes its JSON answer.
    func send<T: Decodable>(
        _ method: String, _ segments: [String], json body: (any Encodable)? = nil, as type: T.Type, action: String
    ) async throws -> (T, Data) {
        let data = try await send(method, segments, json: body, action: action)
        do {
            return (try WireJSON.decoder().decode(T.self, from: data), data)
        } catch {
            throw DaemonError(
                kind: .unreadable,
                message:
                    "\(action): the daemon's answer could not be read (\(error)); ftthctl and ftth-acceptd may be of different versions"
            )
        }
    }

    /// The system's words for a failed connection, without the URL (it is in the message already).
    static func reason(_ error: any Error) -> String {
        if let error = error as? URLError {
            switch error.code {
            case .cannotConnectToHost: return "connection refused"
            case .timedOut: return "no answer within the timeout"
            case .cannotFindHost, .dnsLookupFailed: return "the host name is unknown"
            case .networkConnectionLost: return "the connection was dropped"
            default: break
            }
        }
        return error.localizedDescription
    }

    /// The server's message for a non-2xx answer, plus what to try.
    static func error(status: Int, body: Data, action: String) -> DaemonError {
        let detail = try? WireJSON.decoder().decode(ErrorResponse.self, from: body).error
        var message = detail?.message ?? String(decoding: body.prefix(500), as: UTF8.self)
        if message.isEmpty { message = HTTPURLResponse.localizedString(forStatusCode: status) }
        for p in detail?.problems ?? [] {
            message +=
                "\n  line \(p.line.map(String.init) ?? "?")"
                + (p.column.map { " column '\($0)'" } ?? "") + ": \(p.message)"
        }
        let hint: String?
        switch status {
        case 401:
            hint =
                "the token is missing or not valid here: an administrator creates one on the daemon's host with "
                + "`ftthctl token create --name NAME --role crew --store STORE` (role admin to approve or reject); "
                + "put it in FTTH_TOKEN or in a file given with --token-file"
        case 403:
            hint = "ask an administrator for a token with the role named above"
        case 404:
            hint =
                "check the project code, the splitter name and the port number as the activation list spells them "
                + "(`ftthctl results --project CODE`)"
        case 409:
            hint =
                "the project or port is not in a state that allows this; `ftthctl results --project CODE` shows where it stands"
        case 422, 400:
            hint = detail?.field.map { "correct '\($0)' and try again" }
        case 500...:
            hint = "the daemon failed; its log has the details (journalctl -u ftth-acceptd)"
        default:
            hint = nil
        }
        return DaemonError(
            kind: .http(status),
            message: "\(action): the daemon answered \(status): \(message)" + (hint.map { "\n  → \($0)" } ?? ""))
    }
}

/// `--server` and `--token-file`, shared by every command that talks to the daemon.
struct DaemonOptions: ParsableArguments {
    static let defaultServer = "http://127.0.0.1:8080"

    @Option(
        name: .long,
        help: "URL of the daemon (default: $FTTH_SERVER, else \(DaemonOptions.defaultServer)).")
    var server: String?

    @Option(
        name: .customLong("token-file"),
        help: "File holding the API token (default: the token in $FTTH_TOKEN). The token is never printed.")
    var tokenFile: String?

    func validate() throws {
        _ = try serverURL(environment: ProcessInfo.processInfo.environment)
    }

    func serverURL(environment: [String: String]) throws -> URL {
        let text = server ?? environment["FTTH_SERVER"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultServer
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError(
                "\(server == nil ? "FTTH_SERVER" : "--server") must be the daemon's URL, such as \(Self.defaultServer), not '\(text)'"
            )
        }
        return url
    }

    /// The client for the configured server and token; throws when there is no token.
    func client() throws -> DaemonClient {
        let environment = ProcessInfo.processInfo.environment
        let url = try serverURL(environment: environment)
        let token: String
        if let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile) else {
                throw DaemonError(
                    kind: .noToken,
                    message: "cannot read the token file \(tokenFile): check the path and that it is readable by you")
            }
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else {
                throw DaemonError(
                    kind: .noToken,
                    message:
                        "the token file \(tokenFile) is empty: put the secret printed by `ftthctl token create` in it")
            }
        } else if let t = environment["FTTH_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty {
            token = t
        } else {
            throw DaemonError(
                kind: .noToken,
                message: """
                    no API token: set FTTH_TOKEN=<secret> or pass --token-file FILE (a file holding only the secret, \
                    chmod 600). An administrator creates a token on the daemon's host with \
                    `ftthctl token create --name NAME --role crew --store STORE` (role admin to approve or reject; \
                    STORE is the daemon's [store] path); it prints the secret once.
                    """)
        }
        return DaemonClient(server: url, token: token)
    }
}

/// Runs `body`, printing a ``DaemonError`` for the person at the terminal and ending with its
/// exit status instead of ArgumentParser's generic one.
func reportingDaemonErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as DaemonError {
        FileHandle.standardError.write(line: "error: \(error.message)")
        throw ExitCode(error.exitStatus)
    }
}
