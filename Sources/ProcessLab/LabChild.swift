import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process a test or benchmark owns, spawned with `posix_spawn` and reaped with
/// `waitpid`.
///
/// Not Foundation's `Process`: on Linux, `Process` notices a child's end through a socket the
/// child inherits. A daemon the child leaves behind (PostgreSQL's server, which `pg_ctl start`
/// forks) or a sibling another test spawns at the same moment inherits it too, and
/// `waitUntilExit` hangs until that one ends. Here the child gets only its standard descriptors
/// and an empty signal mask.
///
/// `@unchecked Sendable`: `exitStatus` is guarded by `lock`; `pid` never changes.
public final class LabChild: @unchecked Sendable {
    public let pid: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments`, writing both output streams to `log`.
    public init(executable: String, arguments: [String], environment: [String: String] = [:], log: URL) throws {
        let logFD = open(log.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard logFD >= 0 else { throw LabError("cannot create \(log.path): \(String(cString: strerror(errno)))") }
        defer { close(logFD) }
        pid = try Self.spawn(executable, arguments, environment: environment, stdout: logFD, stderr: logFD)
    }

    /// Whether the process still runs (reaps it when it has ended).
    public var isRunning: Bool {
        lock.withLock {
            guard exitStatus == nil else { return false }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                exitStatus = Self.exitCode(status)
                return false
            }
            return true
        }
    }

    /// SIGKILL and reap: nothing of the child needs saving.
    public func stop() {
        lock.withLock {
            guard exitStatus == nil else { return }
            kill(pid, SIGKILL)
            exitStatus = Self.waitForExit(pid)
        }
    }

    /// Blocks until the child ends; its exit code, or 128 + the signal that ended it.
    public func wait() -> Int32 {
        lock.withLock {
            if let exitStatus { return exitStatus }
            let status = Self.waitForExit(pid)
            exitStatus = status
            return status
        }
    }

    /// Runs `executable` to its end and returns its exit code and what it wrote (both streams,
    /// through a file: a daemon it leaves behind may hold a pipe open for ever).
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:]
    ) throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("ftth-run-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let child = try LabChild(executable: executable, arguments: arguments, environment: environment, log: log)
        let status = child.wait()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return (status, output)
    }

    /// Starts `executable` with `arguments`, the process's environment plus `environment`,
    /// standard input from /dev/null and every descriptor above 2 closed.
    public static func spawn(
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
            throw LabError("cannot start \(executable): \(String(cString: strerror(status)))")
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
    public static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return exitCode(status)
    }

    private static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
