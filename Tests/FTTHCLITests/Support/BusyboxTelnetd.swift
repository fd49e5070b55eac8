import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// busybox's telnetd (Debian's busybox-static) as a real Telnet peer: a listening socket of the
/// test's own on 127.0.0.1, and for each connection `busybox telnetd -i` on the accepted socket,
/// running a shell script as its login program on a pty. The socket listens before any client
/// connects, so no test waits for a server to come up.
final class BusyboxTelnetd: Sendable {
    let port: Int
    private let listener: Int32
    private let children = Mutex<[pid_t]>([])
    private let directory: URL

    /// busybox with the telnetd applet, or nil.
    static let busybox: String? = {
        for path in ["/usr/bin/busybox", "/bin/busybox"] where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        return nil
    }()

    /// Starts accepting; every connection runs `script` (a POSIX shell script) as login program.
    init(script: String) throws {
        guard let busybox = Self.busybox else {
            throw Failure("busybox is not installed: run scripts/install-deps.sh (it installs busybox-static)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("busybox-telnetd-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let login = directory.appendingPathComponent("olt.sh")
        try ("#!\(busybox) sh\n" + script).write(to: login, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: login.path)

        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw Failure("bind/listen on 127.0.0.1: errno \(errno)")
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))

        let arguments = [busybox, "telnetd", "-i", "-f", "/dev/null", "-l", login.path]
        let thread = Thread { [self] in
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else {
                    // stop() shut the listener down; closing it here, not there, means no other
                    // file can take its number while this thread is still in accept().
                    close(listener)
                    return
                }
                if let pid = Self.spawn(arguments, socket: connection) {
                    self.children.withLock { $0.append(pid) }
                }
                close(connection)
            }
        }
        thread.start()
    }

    /// Stops accepting, ends every telnetd with SIGTERM and reaps it.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        let pids = children.withLock { $0 }
        for pid in pids {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `arguments` with the socket as stdin and stdout and stderr on /dev/null.
    private static func spawn(_ arguments: [String], socket: Int32) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, socket, 0)
        posix_spawn_file_actions_adddup2(&actions, socket, 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        // The test runner's threads block signals; a child inherits that mask and would then
        // ignore the SIGTERM that stop() sends. Start it with none blocked and default handlers.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGHUP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, environ)
        return rc == 0 ? pid : nil
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
