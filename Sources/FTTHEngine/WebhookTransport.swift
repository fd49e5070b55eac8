import Foundation

/// What a webhook receiver answered: its HTTP status and the start of its body.
public struct WebhookResponse: Sendable, Hashable {
    public var status: Int
    /// The body as text, for error messages (a receiver says why it refused).
    public var body: String

    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }

    /// How the outbox treats the answer.
    public var disposition: WebhookDisposition {
        switch status {
        case 200...299: .acknowledged
        case 408, 429, 500...599: .retry
        case 400...499: .refused
        default: .retry
        }
    }
}

/// What an answer means for a pushed message.
public enum WebhookDisposition: String, Sendable, Hashable {
    /// 2xx: the receiver has it; never sent again.
    case acknowledged
    /// 5xx, 408, 429 or anything unexpected: the receiver is unwell; retried with backoff.
    case retry
    /// Another 4xx: the receiver refuses this message. It stays queued and is retried (someone
    /// fixes the receiver or the data), with the receiver's words kept as its last error.
    case refused
}

/// Posts one JSON body to the account-opening system's webhook. Implementations send the
/// headers `Content-Type: application/json` and `Idempotency-Key`, and an `Authorization`
/// header when configured with a token.
public protocol WebhookTransport: Sendable {
    /// Where it posts, for messages (the URL without credentials).
    var destination: String { get }

    /// Posts `body` with `idempotencyKey`. Returns whatever status the receiver answered; throws
    /// when no answer came (connection refused or lost, timeout), with the reason.
    func post(_ body: Data, idempotencyKey: String) async throws -> WebhookResponse
}
