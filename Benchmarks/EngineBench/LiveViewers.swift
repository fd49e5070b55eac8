import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// People watching tests live, as the web page's `live.js` does: each viewer holds one
/// `GET /runs/{id}/events` (server-sent events) open with a crew member's session cookie and
/// reads what arrives. One thread polls every socket, so 500 viewers cost the benchmark one
/// thread, not 500. Counts the progress events each viewer got.
final class LiveViewers: @unchecked Sendable {
    struct Tally {
        /// Viewers whose stream answered 200 with `text/event-stream`.
        var streaming: Int
        /// Viewers refused or cut off (another status, or the connection closed while watching).
        var failed: [String]
        /// Progress events received, per viewer.
        var events: [Int]
        var bytes: Int
    }

    private let sockets: [Int32]
    private var heads: [String]
    private var events: [Int]
    private var carry: [[UInt8]]
    private var closedEarly: [Bool]
    private var bytes = 0
    private let lock = NSLock()
    private var stopping = false
    private var thread: Thread?
    private static let marker = Array("event: progress\n".utf8)

    /// Opens `count` viewers spread over `runIDs` in turn (viewer i watches run i mod count).
    init(port: Int, cookie: String, runIDs: [Int64], count: Int) throws {
        var sockets: [Int32] = []
        for i in 0..<count {
            let fd = try Self.connect(port: port)
            let request =
                "GET /runs/\(runIDs[i % runIDs.count])/events HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
                + "Cookie: ftth_session=\(cookie)\r\nAccept: text/event-stream\r\n\r\n"
            let sent = request.utf8CString.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count - 1, 0) }
            guard sent == request.utf8.count else { throw BenchError("viewer \(i): sending its request failed") }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            sockets.append(fd)
        }
        self.sockets = sockets
        heads = Array(repeating: "", count: count)
        events = Array(repeating: 0, count: count)
        carry = Array(repeating: [], count: count)
        closedEarly = Array(repeating: false, count: count)
        let thread = Thread { [self] in readAll() }
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
    }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket() failed: errno \(errno) (raise ulimit -n?)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw BenchError("connecting a viewer to 127.0.0.1:\(port) failed: errno \(errno)")
        }
        return fd
    }

    private func readAll() {
        var fds = sockets.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var open = Array(repeating: true, count: sockets.count)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !lock.withLock({ stopping }) {
            guard poll(&fds, nfds_t(fds.count), 100) > 0 else { continue }
            for i in fds.indices where open[i] && fds[i].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { recv(fds[i].fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 {
                    if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
                        open[i] = false
                        fds[i].fd = -1
                        lock.withLock { if !stopping { closedEarly[i] = true } }
                    }
                    continue
                }
                let chunk = Array(buffer[0..<n])
                lock.withLock {
                    bytes += n
                    if heads[i].count < 64 { heads[i] += String(decoding: chunk.prefix(64), as: UTF8.self) }
                    // The marker may straddle two reads: search the end of the last read too. The
                    // kept end is shorter than the marker, so no match is counted twice.
                    let text = carry[i] + chunk
                    events[i] += Self.count(Self.marker, in: text)
                    carry[i] = Array(text.suffix(Self.marker.count - 1))
                }
            }
        }
    }

    static func count(_ marker: [UInt8], in text: [UInt8]) -> Int {
        guard text.count >= marker.count else { return 0 }
        var found = 0
        var i = 0
        while i <= text.count - marker.count {
            if text[i] == marker[0] && Array(text[i..<(i + marker.count)]) == marker {
                found += 1
                i += marker.count
            } else {
                i += 1
            }
        }
        return found
    }

    /// Stops reading, closes every viewer, and says what each got.
    func finish() -> Tally {
        lock.withLock { stopping = true }
        while thread?.isFinished == false { usleep(10_000) }
        for fd in sockets { close(fd) }
        return lock.withLock {
            var failed: [String] = []
            var streaming = 0
            for i in sockets.indices {
                if heads[i].hasPrefix("HTTP/1.1 200") {
                    streaming += 1
                    if closedEarly[i] { failed.append("viewer \(i): the stream closed while watching") }
                } else {
                    failed.append("viewer \(i): \(heads[i].prefix(40).split(separator: "\r\n").first ?? "no answer")")
                }
            }
            return Tally(streaming: streaming, failed: failed, events: events, bytes: bytes)
        }
    }

    /// Signs a crew member in with a one-time code (`POST /code`, as the sign-in page does) and
    /// returns the session cookie's value.
    static func signIn(port: Int, code: String) throws -> String {
        let fd = try connect(port: port)
        defer { close(fd) }
        let body = "code=\(code)"
        let request =
            "POST /code HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        _ = request.utf8CString.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count - 1, 0) }
        var answer = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            answer += buffer[0..<n]
        }
        let text = String(decoding: answer, as: UTF8.self)
        guard
            let line = text.split(separator: "\r\n").first(where: {
                $0.lowercased().hasPrefix("set-cookie: ftth_session=")
            }),
            let value = line.split(separator: "=", maxSplits: 1).last?.split(separator: ";").first
        else {
            throw BenchError("signing in with the code gave no session: \(text.prefix(200))")
        }
        return String(value)
    }
}
