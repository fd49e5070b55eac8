/// `[api]` in ftth-acceptd.toml: where the daemon's HTTP API listens, and how long and how many
/// connections it holds for clients it cannot trust to behave.
public struct APISettings: Sendable, Hashable {
    /// The address to listen on; 127.0.0.1 keeps it on the machine. To reach it from crews'
    /// phones, listen on the network and set ``tlsCertificatePath`` and ``tlsKeyPath``.
    public var host = "127.0.0.1"
    /// PEM file with the server's certificate (and its chain); with ``tlsKeyPath`` the daemon
    /// serves HTTPS only. Nil: plain HTTP, for loopback and integrations behind a proxy.
    public var tlsCertificatePath: String?
    /// PEM file with the certificate's private key; set together with ``tlsCertificatePath``.
    public var tlsKeyPath: String?

    /// Whether the daemon serves HTTPS (both TLS paths set).
    public var servesTLS: Bool { tlsCertificatePath != nil && tlsKeyPath != nil }
    /// The TCP port; above 1024, so the daemon needs no capability. 0 lets the kernel pick a
    /// free one (for tests and labs): the log line `serving the API port=…` names it.
    public var port = 8080
    /// How long a kept-alive connection may wait, in seconds, between a response and the first
    /// byte of its next request before the server closes it.
    public var idleTimeoutSeconds = 30.0
    /// How long a request's head may take, in seconds, from a new connection or the request's
    /// first byte until its last header line: a client that sends half its headers is closed then.
    public var headerTimeoutSeconds = 10.0
    /// The longest pause, in seconds, while a body arrives: a body shorter than its
    /// Content-Length ends here instead of holding the connection.
    public var bodyTimeoutSeconds = 30.0
    /// Connections served at once; one more is closed at once (and logged), so that a crowd of
    /// idle clients cannot use up the daemon's file descriptors. Keep it well below `LimitNOFILE`.
    public var maxConnections = 512
    /// Connections served at once from one client address, so that one address opening hundreds
    /// cannot take every place from the others. Behind a proxy every client has the proxy's
    /// address: raise it to `max_connections` there and let the proxy limit its clients.
    public var maxConnectionsPerAddress = 64
    /// Failed authentications a source address may make within ``authFailureWindowSeconds``
    /// before it is answered 429 with `Retry-After` until the window has passed.
    public var authFailureLimit = 10
    /// The window, in seconds, over which ``authFailureLimit`` counts a source's failures.
    public var authFailureWindowSeconds = 60.0

    public init() {}

    init(_ r: TOMLReader) throws {
        self.init()
        try r.allow([
            "host", "port", "idle_timeout_s", "header_timeout_s", "body_timeout_s", "max_connections",
            "max_connections_per_address",
            "auth_failure_limit", "auth_failure_window_s", "tls_certificate", "tls_key",
        ])
        host = try r.string("host", default: host)
        port = try r.int("port", default: port, range: 0...65535)
        guard port == 0 || port >= 1024 else {
            throw r.error(
                "port",
                "must be in 1024...65535 (a lower port needs a capability the daemon does not have), or 0 for any free port"
            )
        }
        let certificate = try r.string("tls_certificate", default: "")
        let key = try r.string("tls_key", default: "")
        guard certificate.isEmpty == key.isEmpty else {
            throw r.error(
                certificate.isEmpty ? "tls_certificate" : "tls_key",
                "set tls_certificate and tls_key together (PEM files), or neither for plain HTTP")
        }
        tlsCertificatePath = certificate.isEmpty ? nil : certificate
        tlsKeyPath = key.isEmpty ? nil : key
        idleTimeoutSeconds = try r.double("idle_timeout_s", default: idleTimeoutSeconds, range: 0.1...3600)
        headerTimeoutSeconds = try r.double("header_timeout_s", default: headerTimeoutSeconds, range: 0.1...600)
        bodyTimeoutSeconds = try r.double("body_timeout_s", default: bodyTimeoutSeconds, range: 0.1...3600)
        maxConnections = try r.int("max_connections", default: maxConnections, range: 1...1_000_000)
        maxConnectionsPerAddress = try r.int(
            "max_connections_per_address", default: maxConnectionsPerAddress, range: 1...1_000_000)
        authFailureLimit = try r.int("auth_failure_limit", default: authFailureLimit, range: 1...1_000_000)
        authFailureWindowSeconds = try r.double(
            "auth_failure_window_s", default: authFailureWindowSeconds, range: 1...86_400)
    }
}
