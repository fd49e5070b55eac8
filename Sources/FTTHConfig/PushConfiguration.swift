import Foundation

/// The push of accepted ports to the account-opening system (`[push]` in ftth-acceptd.toml).
/// Without a `url` pushing is disabled: approved projects' ports are queued in the outbox and
/// wait there until a URL is configured.
public struct PushConfiguration: Sendable, Hashable {
    /// The webhook (http or https); nil disables pushing.
    public var url: URL?
    /// The environment variable holding the bearer token, when the receiver wants one.
    public var tokenEnvironment: String?
    /// Seconds one request may take before it counts as failed.
    public var timeoutSeconds: Double = 10
    /// Seconds before the first retry of a failed push; doubled per failure.
    public var backoffSeconds: Double = 5
    /// The longest wait between retries, in seconds.
    public var maxBackoffSeconds: Double = 600
    /// Messages sent per pass.
    public var batch = 50
    /// Seconds between looks for newly queued messages.
    public var pollSeconds: Double = 30

    public init() {}

    /// Whether a URL is configured.
    public var isEnabled: Bool { url != nil }

    /// The bearer token from the named environment variable; nil when none is configured or set.
    public func token(environment: [String: String]) -> String? {
        tokenEnvironment.flatMap { environment[$0] }.flatMap { $0.isEmpty ? nil : $0 }
    }
}

extension PushConfiguration {
    /// Parses `[push]`. Throws ``ConfigurationError`` naming the key.
    init(push r: TOMLReader) throws {
        self.init()
        try r.allow(["url", "token_env", "timeout_s", "backoff_s", "max_backoff_s", "batch", "poll_s"])
        if r.table["url"] != nil {
            let text = try r.string("url")
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https",
                let host = url.host, !host.isEmpty
            else {
                throw r.error(
                    "url",
                    "must be an http or https URL such as \"https://accounts.example.net/ftth/ports\", not \"\(text)\"")
            }
            self.url = url
        }
        if r.table["token_env"] != nil {
            let name = try r.string("token_env")
            guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), !name.first!.isNumber
            else {
                throw r.error("token_env", "must name an environment variable (letters, digits, '_'), not \"\(name)\"")
            }
            tokenEnvironment = name
        }
        timeoutSeconds = try r.double("timeout_s", default: timeoutSeconds, range: 0.1...600)
        backoffSeconds = try r.double("backoff_s", default: backoffSeconds, range: 0.1...86_400)
        maxBackoffSeconds = try r.double("max_backoff_s", default: maxBackoffSeconds, range: 0.1...86_400)
        guard maxBackoffSeconds >= backoffSeconds else {
            throw r.error(
                "max_backoff_s",
                "\(maxBackoffSeconds) s is less than backoff_s (\(backoffSeconds) s); the cap must be at least the first wait"
            )
        }
        batch = try r.int("batch", default: batch, range: 1...1000)
        pollSeconds = try r.double("poll_s", default: pollSeconds, range: 0.1...3600)
    }
}
