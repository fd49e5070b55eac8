import Foundation
import Synchronization

/// The shared server, stopped (as a crash: nothing to keep) and removed when the process exits.
private let serverToStopAtExit = Mutex<LabPostgres?>(nil)

/// A PostgreSQL server of the tests' own: Debian's server, `initdb` into a temporary directory
/// as a non-root user (PostgreSQL refuses to run as root), started with `pg_ctl` on a free
/// loopback port, password login (SCRAM) for the user `ftth`. Stopped and removed when the test
/// process exits. Tests and benchmarks make a database each with ``createDatabase(_:)``.
public final class LabPostgres: Sendable {
    public let directory: String
    public let port: Int
    public let username = "ftth"
    public let password: String
    let binaries: String
    /// Who runs the server: `postgres` (Debian's server package makes it) when the tests run
    /// as root, else the tests' own user.
    let runAs: String?

    /// The one server of this test process, started on first use.
    public static func shared() async throws -> LabPostgres {
        try await SharedServer.instance.server()
    }

    private actor SharedServer {
        static let instance = SharedServer()
        var started: LabPostgres?

        func server() throws -> LabPostgres {
            if let started { return started }
            let server = try LabPostgres()
            try server.start()
            started = server
            serverToStopAtExit.withLock { $0 = server }
            atexit {
                serverToStopAtExit.withLock { server in
                    server?.stopNow()
                    server?.remove()
                    server = nil
                }
            }
            return server
        }
    }

    /// Makes a new cluster (not started). Throws naming what is missing when Debian's server is
    /// not installed.
    public init() throws {
        guard let bin = Self.findBinaries() else {
            throw LabError(
                "PostgreSQL's server (initdb, pg_ctl) is not installed: run `make deps` or `apt-get install postgresql`"
            )
        }
        binaries = bin
        runAs = getuid() == 0 ? "postgres" : nil
        port = try freeTCPPort()
        password = UUID().uuidString
        Self.removeOrphans(in: Self.parent, binaries: bin, runAs: runAs)
        directory = Self.parent.appendingPathComponent("ftth-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try (Self.processMark(getpid()) ?? "\(getpid())").write(
            toFile: directory + "/owner", atomically: true, encoding: .utf8)
        let passwordFile = directory + "/password"
        try password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
        if let runAs {
            try run("/bin/chown", ["-R", "\(runAs):\(runAs)", directory], asServerUser: false)
        }
        try run(
            bin + "/initdb",
            [
                "-D", directory + "/data", "-U", username, "--pwfile=\(passwordFile)", "--auth=scram-sha-256",
                "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
            ])
    }

    /// Where the servers' directories are made.
    static let parent = FileManager.default.temporaryDirectory

    /// A process as `pid start-time` (field 22 of /proc/PID/stat), so a later process that got
    /// the same pid is not taken for it; nil when no such process runs.
    public static func processMark(_ pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // After the command's closing parenthesis: field 3 (state) onwards; the start time is field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19 else { return nil }
        return "\(pid) \(fields[19])"
    }

    /// Stops and removes the servers of test processes that no longer run: killed (a CI time-out,
    /// ^C twice), their `atexit` never stopped them, and each would keep its port, its memory and
    /// its files until the machine restarts. A directory without an owner (being made) is left.
    public static func removeOrphans(in parent: URL, binaries: String, runAs: String?) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        for name in names where name.hasPrefix("ftth-pg-") {
            let directory = parent.appendingPathComponent(name).path
            guard let owner = try? String(contentsOfFile: directory + "/owner", encoding: .utf8),
                let pid = Int32(owner.split(separator: " ").first ?? "")
            else { continue }
            if processMark(pid) == owner { continue }
            let (executable, argv) = command(
                binaries + "/pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "-t", "30", "stop"],
                as: runAs)
            _ = try? LabChild.run(executable, argv, environment: [:])
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    static func findBinaries() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let bin = "\(root)/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: bin + "/initdb") { return bin }
        }
        return nil
    }

    /// Starts the server and waits until it accepts connections.
    public func start() throws {
        // No durability needed for tests; the socket directory is the cluster's own.
        let options = [
            "-c listen_addresses=127.0.0.1", "-p \(port)", "-k \(directory)", "-c fsync=off",
            "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=200",
        ].joined(separator: " ")
        try run(
            binaries + "/pg_ctl",
            ["-D", directory + "/data", "-l", directory + "/server.log", "-o", options, "-w", "-t", "60", "start"])
    }

    /// Stops the server: `fast` rolls back open transactions and closes connections;
    /// `immediate` is a crash (recovery at the next start).
    public func stop(mode: String = "fast") throws {
        try run(binaries + "/pg_ctl", ["-D", directory + "/data", "-m", mode, "-w", "-t", "60", "stop"])
    }

    func stopNow() { try? stop(mode: "immediate") }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// Stops a server of a test's own (not ``shared()``'s) at once and removes its files.
    public func destroy() {
        stopNow()
        remove()
    }

    /// Runs SQL as the cluster's superuser through `psql`; returns what it printed (unaligned,
    /// tuples only).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try run(
            "/usr/bin/psql",
            [
                "-h", "127.0.0.1", "-p", "\(port)", "-U", username, "-d", database, "-v", "ON_ERROR_STOP=1", "-At",
                "-c",
                sql,
            ], asServerUser: false, environment: ["PGPASSWORD": password])
    }

    /// A new, empty database; its name.
    public func createDatabase(
        _ name: String = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    )
        throws -> String
    {
        try psql("CREATE DATABASE \(name)")
        return name
    }

    /// Drops a database, ending its sessions first.
    public func dropDatabase(_ name: String) throws {
        try psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// The server's log, for a failing test's message.
    public var serverLog: String {
        (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
    }

    /// `path ARGUMENTS` as `user` (through runuser, from /tmp, which the server's user may enter),
    /// or as this process when `user` is nil.
    static func command(_ path: String, _ arguments: [String], as user: String?) -> (String, [String]) {
        guard let user else { return (path, arguments) }
        return ("/usr/sbin/runuser", ["-u", user, "--", "/usr/bin/env", "-C", "/tmp", path] + arguments)
    }

    @discardableResult
    func run(_ path: String, _ arguments: [String], asServerUser: Bool = true, environment: [String: String] = [:])
        throws -> String
    {
        let (executable, argv) = Self.command(path, arguments, as: asServerUser ? runAs : nil)
        // posix_spawn, not Foundation's Process: the server pg_ctl starts outlives it and would
        // inherit the descriptor through which Process learns of its child's end (see LabChild).
        let (status, output) = try LabChild.run(executable, argv, environment: environment)
        guard status == 0 else {
            throw LabError("\(([path] + arguments).joined(separator: " ")) exited with \(status): \(output)")
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
