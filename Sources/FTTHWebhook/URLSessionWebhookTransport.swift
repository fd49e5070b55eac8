import FTTHEngine
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Why a webhook post got no answer.
public struct WebhookTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where it posted.
    public var destination: String
    /// What went wrong, in the system's words (connection refused, timed out).
    public var reason: String

    public init(destination: String, reason: String) {
        self.destination = destination
        self.reason = reason
    }

    public var code: String { "webhook.no_answer" }
    public var description: String {
        "no answer from \(destination): \(reason); check that the account-opening system is up and the [push] url is right"
    }
}

/// ``WebhookTransport`` over Foundation's `URLSession`: one POST per message, with the
/// `Idempotency-Key`, `Content-Type: application/json` and, when a token is given,
/// `Authorization: Bearer` headers.
public struct URLSessionWebhookTransport: WebhookTransport {
    /// The webhook URL (http or https).
    public let url: URL
    let token: String?
    let timeout: TimeInterval
    let session: URLSession

    /// `token` is sent as a bearer token; `timeout` bounds each request in seconds.
    public init(url: URL, token: String? = nil, timeout: TimeInterval = 10) {
        precondition(url.scheme == "http" || url.scheme == "https", "the webhook URL must be http or https")
        self.url = url
        self.token = token
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
    }

    /// The URL without user, password or query, for messages.
    public var destination: String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        components?.user = nil
        components?.password = nil
        components?.query = nil
        return components?.string ?? url.absoluteString
    }

    /// Posts `body`; throws ``WebhookTransportError`` when no HTTP answer came.
    public func post(_ body: Data, idempotencyKey: String) async throws -> WebhookResponse {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue(idempotencyKey, forHTTPHeaderField: "Idempotency-Key")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw WebhookTransportError(destination: destination, reason: error.localizedDescription)
        }
        guard let http = response as? HTTPURLResponse else {
            throw WebhookTransportError(destination: destination, reason: "the answer was not HTTP")
        }
        return WebhookResponse(status: http.statusCode, body: String(decoding: data.prefix(4096), as: UTF8.self))
    }
}
