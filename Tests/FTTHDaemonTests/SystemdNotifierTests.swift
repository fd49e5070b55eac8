import FTTHDaemon
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `sd_notify` against a real datagram socket, as systemd listens on one.
@Suite struct SystemdNotifierTests {
    /// A bound datagram socket in a temporary directory; returns its fd and path.
    static func listener() throws -> (Int32, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString)").path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(fd >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(bound == 0, "bind \(path): errno \(errno)")
        return (fd, path)
    }

    static func receive(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
    }

    @Test func readyAndWatchdogReachTheSocketSystemdGave() throws {
        let (fd, path) = try Self.listener()
        defer {
            close(fd)
            unlink(path)
        }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000"])
        #expect(notifier.watchdogInterval == .seconds(15))
        #expect(notifier.notify("READY=1\nSTATUS=serving"))
        #expect(Self.receive(fd) == "READY=1\nSTATUS=serving")
        #expect(notifier.notify("WATCHDOG=1"))
        #expect(Self.receive(fd) == "WATCHDOG=1")
    }

    @Test func withoutSystemdNothingIsSentAndNothingFails() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(notifier.watchdogInterval == nil)
        #expect(!notifier.notify("READY=1"))
        #expect(!SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/socket"]).notify("READY=1"))
    }
}
