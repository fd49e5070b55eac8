#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Tells systemd how the daemon is doing (`sd_notify(3)`): `READY=1` once it serves,
/// `WATCHDOG=1` while it is alive, `STOPPING=1` on the way out. Does nothing when systemd did not
/// ask (no `NOTIFY_SOCKET`), so the daemon runs the same by hand.
public struct SystemdNotifier: Sendable {
    /// The socket path from `NOTIFY_SOCKET`; `@` starts an abstract one.
    public let socketPath: String?
    /// Half the `WATCHDOG_USEC` systemd set: how often to say `WATCHDOG=1`.
    public let watchdogInterval: Duration?

    public init(environment: [String: String]) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        if let text = environment["WATCHDOG_USEC"], let usec = Int64(text), usec > 0 {
            watchdogInterval = .microseconds(usec / 2)
        } else {
            watchdogInterval = nil
        }
    }

    /// Sends one notification (`READY=1`, `WATCHDOG=1`, `STATUS=…`); returns whether it was
    /// sent. Never throws: a missing systemd must not stop the daemon.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard let socketPath else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        // An abstract socket's name starts with a NUL byte instead of `@`.
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.enumerated() { raw[i] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count)
        let message = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                sendto(fd, message, message.count, Int32(MSG_NOSIGNAL), sa, length)
            }
        }
        return sent == message.count
    }
}
