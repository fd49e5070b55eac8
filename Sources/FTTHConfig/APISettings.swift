/// `[api]` in ftth-acceptd.toml: where the daemon's HTTP API listens.
public struct APISettings: Sendable, Hashable {
    /// The address to listen on; 127.0.0.1 keeps it on the machine (put a TLS proxy in front).
    public var host = "127.0.0.1"
    /// The TCP port; above 1024, so the daemon needs no capability. 0 lets the kernel pick a
    /// free one (for tests and labs): the log line `serving the API port=…` names it.
    public var port = 8080

    public init() {}

    init(_ r: TOMLReader) throws {
        self.init()
        try r.allow(["host", "port"])
        host = try r.string("host", default: host)
        port = try r.int("port", default: port, range: 0...65535)
        guard port == 0 || port >= 1024 else {
            throw r.error(
                "port",
                "must be in 1024...65535 (a lower port needs a capability the daemon does not have), or 0 for any free port"
            )
        }
    }
}
