import FTTHSNMP
import Foundation
import SNMPModel

#if canImport(Glibc)
    import Glibc
#endif

/// Paths, ports and processes the tests need.
enum TestEnvironment {
    /// The package root, found from this file's path.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // FTTHSNMPTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// The recorded OLT data (see Resources/README.md).
    static let resources = packageRoot.appendingPathComponent("Tests/FTTHSNMPTests/Resources")

    /// A new empty directory, removed by the caller.
    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A UDP port on 127.0.0.1 that nothing listened on a moment ago.
    static func freeUDPPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        precondition(fd >= 0, "cannot create a UDP socket")
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        precondition(bound, "cannot bind a UDP socket on 127.0.0.1")
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs `body` on a thread of its own (a blocking wait for a process must not hold one of the
    /// few threads of the concurrency pool).
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// Runs a program to its end and returns its standard output.
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        try await offPool {
            var ends: [Int32] = [-1, -1]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
                throw TestFailure("cannot create a socket pair")
            }
            let errors = FileManager.default.temporaryDirectory.appendingPathComponent(
                "ftth-stderr-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: errors) }
            let errorFD = open(errors.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            let pid: pid_t
            do {
                pid = try ChildProcess.spawn(
                    executable, arguments, environment: ["MIBS": ""], stdout: ends[1], stderr: errorFD)
            } catch {
                close(ends[0])
                close(ends[1])
                close(errorFD)
                throw error
            }
            close(ends[1])
            close(errorFD)
            var output: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
                if count > 0 {
                    output += buffer.prefix(count)
                } else if count == 0 || errno != EINTR {
                    break
                }
            }
            close(ends[0])
            let status = ChildProcess.waitForExit(pid)
            guard status == 0 else {
                let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
                throw TestFailure(
                    "\(executable) \(arguments.joined(separator: " ")) exited with status \(status): \(message)")
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// Waits until `session` answers a GET of `oid`, retrying with the session's short timeout,
    /// for at most `seconds`; fails early when `alive` turns false (the agent process died).
    static func waitUntilAnswering(
        _ session: SNMPSession, oid: OID, within seconds: Int, alive: @Sendable () -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var lastError: SNMPError?
        while ContinuousClock.now < deadline {
            guard alive() else {
                throw TestFailure("the agent process ended before answering: \(String(describing: lastError))")
            }
            do {
                _ = try await session.get([oid])
                return
            } catch {
                lastError = error
            }
        }
        throw TestFailure("the agent did not answer within \(seconds) s: \(String(describing: lastError))")
    }
}

/// A test set-up failure with a readable reason.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A child process the test owns: started once, ended by ``stop()``.
///
/// Spawned with `posix_spawn`, not Foundation's `Process`: on Linux, `Process` notices a child's
/// end through a socket the child inherits, and a sibling spawned at the same moment by another
/// test inherits it too, so `waitUntilExit` can hang until that sibling ends. Here the child gets
/// only its standard descriptors, an empty signal mask, and is reaped with `waitpid`.
///
/// `@unchecked Sendable`: `exitStatus` is guarded by `lock`; `pid` never changes.
final class ChildProcess: @unchecked Sendable {
    private let pid: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?

    init(executable: String, arguments: [String], environment: [String: String] = [:], log: URL) throws {
        let logFD = open(log.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard logFD >= 0 else { throw TestFailure("cannot create \(log.path)") }
        defer { close(logFD) }
        pid = try Self.spawn(executable, arguments, environment: environment, stdout: logFD, stderr: logFD)
    }

    /// Whether the process still runs (reaps it when it has ended).
    var isRunning: Bool {
        lock.withLock {
            guard exitStatus == nil else { return false }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                exitStatus = status
                return false
            }
            return true
        }
    }

    /// SIGKILL and reap: nothing of the agent needs saving.
    func stop() {
        lock.withLock {
            guard exitStatus == nil else { return }
            kill(pid, SIGKILL)
            exitStatus = Self.waitForExit(pid)
        }
    }

    /// Starts `executable` with `arguments`, the test's environment plus `environment`, standard
    /// input from /dev/null and every descriptor above 2 closed.
    static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String], stdout: Int32, stderr: Int32
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        addCloseFrom(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw TestFailure("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        return pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift does not import:
    /// the child then closes every descriptor above 2, whatever other threads have open.
    private static func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return }
        _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(actions, from)
    }

    /// Blocks until `pid` ends; its exit code, or 128 + the signal that ended it.
    static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
