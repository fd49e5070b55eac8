import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP connection to the test server that sends exactly the bytes a test gives it, half a
/// header included, and reports when the server closes it: what an HTTP client library cannot do.
/// Reads are bounded by `SO_RCVTIMEO`, so a server that never closes fails the test instead of
/// hanging it. Reads block a thread, so they run on a dispatch queue: blocking the few threads
/// of Swift's cooperative pool would starve the server under test.
// @unchecked: a test uses a connection from one task at a time; only the descriptor is shared.
final class RawHTTPConnection: @unchecked Sendable {
    private let fd: Int32

    /// Connects to 127.0.0.1:`port`, from `source` (another loopback address such as 127.0.0.2)
    /// when given.
    init(port: Int, from source: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                close(fd)
                throw POSIXError(.init(rawValue: errno) ?? .EADDRNOTAVAIL)
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw POSIXError(.init(rawValue: errno) ?? .ECONNREFUSED)
        }
    }

    deinit { close(fd) }

    /// Sends `text` as it is.
    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until the server closes the connection or `limit` passes; returns what was read and
    /// whether the server closed (end of stream or a reset).
    func readUntilClosed(limit: Duration) async -> (text: String, closed: Bool) {
        await offPool { self.blockingReadUntilClosed(limit: limit) }
    }

    /// Reads one response whose body is `Content-Length` long; nil when none came within `limit`.
    func readResponse(limit: Duration) async -> String? {
        await offPool { self.blockingReadResponse(limit: limit) }
    }

    private func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }

    private func blockingReadUntilClosed(limit: Duration) -> (text: String, closed: Bool) {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: limit)
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while clock.now < end {
            var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                data += buffer[0..<n]
            } else if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                return (String(decoding: data, as: UTF8.self), true)
            }
        }
        return (String(decoding: data, as: UTF8.self), false)
    }

    private func blockingReadResponse(limit: Duration) -> String? {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: limit)
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while clock.now < end {
            var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { data += buffer[0..<n] } else if n == 0 { break }
            let blank: [UInt8] = [13, 10, 13, 10]
            guard
                let split = (0...max(0, data.count - 4)).first(where: {
                    Array(data[$0..<min($0 + 4, data.count)]) == blank
                })
            else { continue }
            let head = String(decoding: data[..<split], as: UTF8.self).lowercased()
            let length =
                head.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if data.count - (split + 4) >= length { return String(decoding: data, as: UTF8.self) }
        }
        return nil
    }
}
